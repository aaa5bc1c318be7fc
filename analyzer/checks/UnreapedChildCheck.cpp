#include "checks/UnreapedChildCheck.h"

#include "AnalysisContext.h"
#include "model/ForkRegions.h"
#include "model/ProgramSummaries.h"
#include "model/Summaries.h"
#include "model/WaitCalls.h"

#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

// The parent leaves after the fork (daemonizing: `if (fork() > 0) exit(0);`), or returns from
// main: its children are then re-parented and reaped by init.
bool parentExitsAtOnce(const ForkRegion &region, FunctionSummaries &summaries) {
  if (region.parentReachesExit())
    return region.site().enclosing->isMain();
  for (const Stmt *s : region.parentOnlyStatements())
    if (const auto *call = dyn_cast<CallExpr>(s))
      if (summaries.callNeverReturns(call))
        return true;
  return false;
}

} // namespace

void UnreapedChildCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const WaitModel &waits = ctx.waits();
  // A program that reaps any child somewhere (a SIGCHLD handler, a wait() loop), or lets the
  // kernel do it (SIGCHLD ignored, SA_NOCLDWAIT), reaps these children too.
  if (waits.reapsElsewhere())
    return;
  const SourceManager &sm = ctx.sourceManager();
  for (const ForkRegion &region : ctx.forkRegions()) {
    const ForkSite &site = region.site();
    // A wrapper hands the pid to its caller; a pid that escapes may be waited for elsewhere.
    if (!isReportable(region, sm) || site.returned || site.escapes)
      continue;
    if (parentExitsAtOnce(region, ctx.summaries()))
      continue;
    bool waited = false;
    for (const ValueDecl *d : site.storages)
      waited |= waits.waitsFor(d);
    if (waited)
      continue;
    // Another file of the program reaps any child (asked only now: the answer matters here).
    if (!ctx.program().reapsElsewhere().empty())
      continue;
    std::string callee = site.callee->getNameAsString() + "()";
    Finding &f = diag(site.call->getBeginLoc(),
                      "the child process made by " + callee +
                          " is never waited for: it stays a zombie while the parent runs, and "
                          "its exit status is lost");
    if (site.storage)
      f.notes.push_back({site.storage->getLocation(), "its pid is kept in '" +
                                                          site.storage->getNameAsString() +
                                                          "', but no wait call uses it"});
    else
      f.notes.push_back({site.call->getBeginLoc(),
                         "its pid is not kept, so only a wait for any child could reap it"});
  }
}

} // namespace analyzer
} // namespace procsan
