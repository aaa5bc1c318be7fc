#include "checks/UncheckedForkCheck.h"

#include "AnalysisContext.h"
#include "model/ForkRegions.h"
#include "model/ForkSites.h"
#include "model/UseIndex.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

UncheckedForkCheck::UncheckedForkCheck(const CheckOptions &options)
    : Check(Id, options), modelOptions(options),
      reportErrorOnlyTests(boolOption("ReportErrorOnlyTests", true)) {}

namespace {

// What a pid of -1 means to a call that acts on a process, or empty for other calls.
std::string meaningOfMinusOne(const CallExpr *call, unsigned argIndex) {
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd || !fd->getIdentifier() || argIndex != 0)
    return {};
  StringRef name = fd->getName();
  if (name == "kill" || name == "sigqueue")
    return name.str() + "(-1, ...) signals every process the user may signal";
  if (name == "killpg")
    return "killpg(-1, ...) fails or signals an arbitrary group";
  if (name == "waitpid" || name == "wait4")
    return name.str() + "(-1, ...) waits for any child, not this one";
  if (name == "setpgid")
    return "setpgid(-1, ...) fails with EINVAL or ESRCH";
  return {};
}

const Expr *stripParens(const Expr *e) { return e ? e->IgnoreParenImpCasts() : nullptr; }

} // namespace

void UncheckedForkCheck::checkTranslationUnit(AnalysisContext &ctx) {
  modelOptions.applyTo(ctx); // clang-tidy runs no registerMatchers of ours
  const SourceManager &sm = ctx.sourceManager();
  reportErrorPathUses(ctx);
  reportErrorAsParent(ctx);
  for (const ForkSite &site : ctx.forkSites().sites()) {
    // A wrapper hands the pid to its caller; the caller's use is what counts.
    if (site.returned || site.escapes || site.testsChild() || site.childHandledInWrapper)
      continue;
    SourceLocation loc = site.call->getBeginLoc();
    if (loc.isInvalid() || sm.isInSystemHeader(sm.getExpansionLoc(loc)))
      continue;
    // A dropped wrapper macro's value is discarded, whatever its body tests.
    bool errorOnly = site.testsError() && !site.discarded;
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

// `if (fork() == 0) { ... } else { started = true; }`: the pid is not kept and no test separates
// -1, so a failed fork takes the else branch as if a child had started, and nothing can notice
// later.
void UncheckedForkCheck::reportErrorAsParent(AnalysisContext &ctx) {
  const SourceManager &sm = ctx.sourceManager();
  for (const ForkSite &site : ctx.forkSites().sites()) {
    if (site.storage || site.escapes || site.returned || site.discarded ||
        site.childHandledInWrapper || site.errorHandledInWrapper || site.testsError() ||
        !(ForkSiteModel::isForkFunction(site.callee) || site.roleValues))
      continue;
    SourceLocation loc = site.call->getBeginLoc();
    if (loc.isInvalid() || sm.isInSystemHeader(sm.getExpansionLoc(loc)))
      continue;
    for (const PidTest &t : site.tests) {
      if (!t.separatesChild || !t.condition || (t.trueOutcomes & OutError) ||
          !(t.trueOutcomes & OutChild))
        continue;
      const IfStmt *is = nullptr;
      DynTypedNodeList parents = ctx.ast().getParents(*t.condition);
      for (unsigned depth = 0; !parents.empty() && depth < 4 && !is; ++depth) {
        is = parents[0].get<IfStmt>();
        const Stmt *p = parents[0].get<Stmt>();
        if (is || !p || !(isa<ParenExpr>(p) || isa<ImplicitCastExpr>(p)))
          break;
        parents = ctx.ast().getParents(*p);
      }
      if (!is || !is->getElse() || stripParens(is->getCond()) != stripParens(t.condition))
        continue;
      Finding &f =
          diag(loc, "when " + site.callee->getNameAsString() +
                        "() fails, the else branch runs as if a child had started; " +
                        (site.roleValues ? "the status is not kept, so nothing notices the "
                                           "failure (test for APR_INPARENT too)"
                                         : "the -1 is not kept, so nothing notices the failure"));
      f.notes.push_back({is->getElse()->getBeginLoc(),
                         site.roleValues ? "the branch a failure takes" : "the branch -1 takes"});
      break;
    }
  }
}

void UncheckedForkCheck::reportErrorPathUses(AnalysisContext &ctx) {
  const SourceManager &sm = ctx.sourceManager();
  for (const ForkRegion &region : ctx.forkRegions()) {
    const ForkSite &site = region.site();
    if (site.roleValues)
      continue; // a status, not a pid: nothing takes it for a process id
    // Without any test the whole fork is already reported as unchecked. A program that tests
    // for -1 handles it, even when the handler is a function the model cannot see end
    // (`if (pid == -1) fatal(...)` with fatal() defined elsewhere).
    if (!isReportable(region, sm) || site.tests.empty() || !site.storage || site.testsError())
      continue;
    for (const Expr *ref : ctx.uses().referencesTo(site.storage)) {
      ValueUse use = classifyUse(ctx.ast(), ref);
      if (use.kind != ValueUse::Argument)
        continue;
      std::string meaning = meaningOfMinusOne(use.call, use.argIndex);
      if (meaning.empty() || !(region.outcomesAt(use.call) & OutError))
        continue;
      Finding &f = diag(use.call->getBeginLoc(),
                        "when " + site.callee->getNameAsString() + "() fails, '" +
                            site.storage->getNameAsString() + "' is -1 here and " + meaning);
      f.notes.push_back({site.call->getBeginLoc(), "the error path of this " +
                                                       site.callee->getNameAsString() +
                                                       "() is not handled before"});
    }
  }
}

} // namespace analyzer
} // namespace procsan
