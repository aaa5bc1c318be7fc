#include "checks/UncheckedChildStatusCheck.h"

#include "AnalysisContext.h"
#include "model/AsyncSignalSafety.h"
#include "model/ForkRegions.h"
#include "model/WaitCalls.h"

#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

// The fork region whose pid this wait names, if the model knows it.
const ForkRegion *regionWaitedFor(AnalysisContext &ctx, const WaitCall &w) {
  if (!w.pid)
    return nullptr;
  const ValueDecl *d = storageOf(w.pid);
  if (!d)
    return nullptr;
  for (const ForkRegion &r : ctx.forkRegions())
    for (const ValueDecl *s : r.site().storages)
      if (s == d)
        return &r;
  return nullptr;
}

bool childOnlyExecs(const ForkRegion &r) {
  for (const Stmt *s : r.childOnlyStatements())
    if (const auto *call = dyn_cast<CallExpr>(s))
      if (isExecFunction(call->getDirectCallee()))
        return true;
  return false;
}

} // namespace

UncheckedChildStatusCheck::UncheckedChildStatusCheck(const CheckOptions &options)
    : Check(Id, options), ignoreExecChildren(boolOption("IgnoreExecChildren", false)) {}

void UncheckedChildStatusCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const WaitModel &waits = ctx.waits();
  const SourceManager &sm = ctx.sourceManager();
  for (const WaitCall &w : waits.calls()) {
    if (sm.isInSystemHeader(sm.getExpansionLoc(w.call->getBeginLoc())))
      continue;
    // Zombie reapers (a SIGCHLD handler, a WNOHANG sweep for any child) only collect.
    if (waits.isSignalHandler(w.enclosing) || (w.anyChild && w.noHang))
      continue;
    // kill(pid, SIGTERM); waitpid(pid, NULL, 0): ended on purpose, collected only.
    if (waits.killedBeforeWait(w))
      continue;
    bool discarded = waits.statusDiscarded(w);
    if (!discarded && waits.statusIsRead(w))
      continue;
    const ForkRegion *region = regionWaitedFor(ctx, w);
    if (ignoreExecChildren && region && childOnlyExecs(*region))
      continue;
    std::string fn = w.call->getDirectCallee()->getNameAsString() + "()";
    std::string message =
        discarded ? fn + " discards the child's exit status: a child that crashes or fails goes "
                         "unnoticed; test it with WIFSIGNALED/WIFEXITED"
                  : "the status " + fn +
                        " stores is never examined: a child that crashes or fails goes "
                        "unnoticed; test it with WIFSIGNALED/WIFEXITED";
    Finding &f = diag(w.call->getBeginLoc(), message);
    if (region)
      f.notes.push_back({region->site().call->getBeginLoc(), "the child is created here"});
  }
}

} // namespace analyzer
} // namespace procsan
