#include "checks/UncheckedForkCheck.h"

#include "AnalysisContext.h"
#include "model/ForkSites.h"

#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

UncheckedForkCheck::UncheckedForkCheck(const CheckOptions &options)
    : Check(Id, options), reportErrorOnlyTests(options.getBool("ReportErrorOnlyTests", true)) {}

void UncheckedForkCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const SourceManager &sm = ctx.sourceManager();
  for (const ForkSite &site : ctx.forkSites().sites()) {
    // A wrapper hands the pid to its caller; the caller's use is what counts.
    if (site.returned || site.escapes || site.testsChild() || site.childHandledInWrapper)
      continue;
    SourceLocation loc = site.call->getBeginLoc();
    if (loc.isInvalid() || sm.isInSystemHeader(sm.getExpansionLoc(loc)))
      continue;
    bool errorOnly = site.testsError();
    if (errorOnly && !reportErrorOnlyTests)
      continue;
    std::string callee = site.callee->getNameAsString() + "()";
    std::string message;
    if (errorOnly)
      message = "result of " + callee +
                " is only checked for failure: parent and child both "
                "run the code that follows";
    else if (site.discarded || !site.storage)
      message = "result of " + callee +
                " is discarded: parent and child both run the code "
                "that follows";
    else
      message = "result of " + callee + " is stored in '" + site.storage->getNameAsString() +
                "' but never compared: parent and child both run the code that follows";
    Finding &f = diag(loc, message);
    if (errorOnly) {
      for (const PidTest &t : site.tests)
        if (t.separatesError && t.expr)
          f.notes.push_back({t.expr->getBeginLoc(),
                             "this test separates the error path only; compare with 0 to "
                             "tell the child from the parent"});
    }
    if (site.wrappedFork)
      f.notes.push_back({site.wrappedFork->getBeginLoc(),
                         "'" + site.callee->getNameAsString() + "' returns the result of this " +
                             site.wrappedFork->getDirectCallee()->getNameAsString() + "()"});
  }
}

} // namespace analyzer
} // namespace procsan
