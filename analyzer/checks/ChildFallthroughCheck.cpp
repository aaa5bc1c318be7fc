#include "checks/ChildFallthroughCheck.h"

#include "AnalysisContext.h"
#include "model/ForkRegions.h"

#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"

#include <set>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

const CallExpr *asExecCall(const Stmt *s) {
  const auto *call = dyn_cast_or_null<CallExpr>(s);
  if (!call)
    return nullptr;
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd || !fd->getIdentifier())
    return nullptr;
  StringRef name = fd->getName();
  return name.starts_with("exec") || name == "fexecve" ? call : nullptr;
}

// The exec call of the block the child leaves from, if any.
const CallExpr *execIn(const CFGBlock *b) {
  for (const CFGElement &e : *b)
    if (auto s = e.getAs<CFGStmt>())
      if (const CallExpr *call = asExecCall(s->getStmt()))
        return call;
  return nullptr;
}

// The first statement of a block, for a note at the shared code.
const Stmt *firstStmt(const CFGBlock *b) {
  for (const CFGElement &e : *b)
    if (auto s = e.getAs<CFGStmt>())
      return s->getStmt();
  return b->getTerminatorStmt();
}

} // namespace

void ChildFallthroughCheck::checkTranslationUnit(AnalysisContext &ctx) {
  modelOptions.applyTo(ctx); // clang-tidy runs no registerMatchers of ours
  const SourceManager &sm = ctx.sourceManager();
  for (const ForkRegion &region : ctx.forkRegions()) {
    const ForkSite &site = region.site();
    // A wrapper returns the pid so its caller can branch; a looping child is mp-fork-in-loop.
    // But a wrapper that execs in the child has told its callers the child is gone: a failed
    // exec that returns hands them 0 or -1 as if it were the parent.
    if (!isReportable(region, sm) || region.childReachesForkAgain())
      continue;
    // Returning from an entry point ends the child (mp-exit-in-child looks at how).
    bool isEntry = isProcessEntry(ctx.ast(), ctx.uses(), site.enclosing);
    std::set<const Stmt *> reported;
    for (const ChildExit &ce : region.childExits()) {
      if (ce.leavesFunction && isEntry)
        continue; // returning from main in the child is mp-exit-in-child
      // The parent never returns from this function (it serves forever, or exits: an accept
      // loop that hands the connection to its caller in the child, a daemonizing fork): what
      // follows the call in the caller is the child's code by design.
      if (ce.leavesFunction && !region.parentReachesExit())
        continue;
      // `exec_fn(data); return -1; /* not reached */`: a call through a pointer may well never
      // return; precision first.
      if (ce.afterIndirectCall)
        continue;
      const CallExpr *exec = asExecCall(ce.lastStmt);
      if (!exec)
        exec = execIn(ce.from);
      if (site.returned && !exec)
        continue;
      const Stmt *at = ce.returnStmt ? ce.returnStmt : ce.lastStmt;
      if (!at)
        at = site.call;
      if (!reported.insert(at).second)
        continue;
      std::string fn = site.enclosing->getNameAsString();
      std::string message;
      if (exec)
        message = "if " + exec->getDirectCallee()->getNameAsString() +
                  "() fails, the child process " +
                  (ce.leavesFunction ? "returns from '" + fn + "' into its caller's code"
                                     : std::string("runs on into code the parent also runs")) +
                  "; end the child with _exit()";
      else if (ce.leavesFunction)
        message = "the child process returns from '" + fn +
                  "' into its caller's code, which the parent runs too; end the child with "
                  "_exit()";
      else
        message = "the child process runs on into code the parent also runs; end the child "
                  "with _exit() or exec";
      Finding &f = diag(at->getBeginLoc(), message);
      addChildPathNotes(f, region);
      if (!ce.leavesFunction)
        if (const Stmt *shared = firstStmt(ce.to))
          f.notes.push_back({shared->getBeginLoc(), "the parent runs this code as well"});
    }
  }
}

} // namespace analyzer
} // namespace procsan
