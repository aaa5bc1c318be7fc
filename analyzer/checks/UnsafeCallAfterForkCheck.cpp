#include "checks/UnsafeCallAfterForkCheck.h"

#include "AnalysisContext.h"
#include "model/AsyncSignalSafety.h"
#include "model/CallChains.h"
#include "model/ForkRegions.h"
#include "model/ProgramSummaries.h"
#include "model/UseIndex.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

#include <set>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

// What is unsafe about one expression, or empty when it is fine (or unknown: user code that the
// caller follows separately).
std::string unsafeWhat(const Expr *e, const SourceManager &sm) {
  if (const auto *ne = dyn_cast<CXXNewExpr>(e)) {
    (void)ne;
    return "'new' allocates memory (malloc's lock may be held by another thread)";
  }
  if (const auto *ctor = dyn_cast<CXXConstructExpr>(e)) {
    const CXXConstructorDecl *cd = ctor->getConstructor();
    if (cd->isTrivial() || !isLibraryFunction(cd, sm) || cd->isCopyOrMoveConstructor() ||
        cd->isDefaultConstructor())
      return {};
    return "constructing '" + ctor->getType().getAsString() +
           "' calls library code that is not "
           "async-signal-safe";
  }
  const auto *call = dyn_cast<CallExpr>(e);
  if (!call)
    return {};
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd || !isLibraryFunction(fd, sm) || isAsyncSignalSafe(fd))
    return {};
  std::string name = fd->getQualifiedNameAsString();
  if (isa<CXXOperatorCallExpr>(call) || isa<CXXMemberCallExpr>(call))
    return "'" + name + "' is library code that is not async-signal-safe";
  return "'" + name + "' is not async-signal-safe";
}

// The process cannot have started a thread yet at this fork: the fork is in main(), or in a
// function only main() calls before anything that may start a thread (any file of the
// program), and nothing that may start one can run before it in that function.
bool singleThreadedAtFork(AnalysisContext &ctx, const ForkRegion &region) {
  const FunctionDecl *in = region.site().enclosing;
  const SourceManager &sm = ctx.sourceManager();
  if (!in)
    return false;
  ProgramView &view = ctx.program();
  ensureLocalOrder(ctx);
  if (!in->isMain() && !view.earlyOnly(in, sm))
    return false;
  std::vector<const FunctionDecl *> before;
  if (!callsThatMayPrecede(ctx, in, region.site().call, before))
    return false;
  for (const FunctionDecl *fd : before)
    if (!fd || view.startsThreads(fd, sm))
      return false;
  return true;
}

} // namespace

UnsafeCallAfterForkCheck::UnsafeCallAfterForkCheck(const CheckOptions &options)
    : Check(Id, options), modelOptions(options), mode(Mode::Auto), maxCallDepth(3) {
  std::string m = option("AssumeMultithreaded", "auto");
  if (m == "always")
    mode = Mode::Always;
  else if (m == "never")
    mode = Mode::Never;
  unsigned depth = 0;
  if (!StringRef(option("MaxCallDepth", "3")).getAsInteger(10, depth))
    maxCallDepth = depth;
}

void UnsafeCallAfterForkCheck::checkTranslationUnit(AnalysisContext &ctx) {
  modelOptions.applyTo(ctx); // clang-tidy runs no registerMatchers of ours
  if (mode == Mode::Never)
    return;
  const SourceManager &sm = ctx.sourceManager();
  std::vector<const Expr *> threadStarts;
  if (mode == Mode::Auto)
    threadStarts = ctx.program().threadStarts(ctx.ast());
  std::set<const Expr *> reported;
  for (const ForkRegion &region : ctx.forkRegions()) {
    if (!isReportable(region, sm) || !region.hasChildOnlyCode())
      continue;
    const ForkSite &site = region.site();
    // Threads started only after this fork, on a path that never comes back to it, do not
    // exist in the child.
    const Expr *threadNote = nullptr;
    std::string threadsElsewhere;
    if (mode == Mode::Auto) {
      for (const Expr *t : threadStarts) {
        bool afterOnly = region.outcomesAt(t) != 0 && !region.forkReachedAgain();
        if (!afterOnly) {
          threadNote = t;
          break;
        }
      }
      // A file that starts threads only after the fork stays single-threaded; one that starts
      // none may be part of a program whose other files do (asked at the first finding).
      if (!threadNote && !threadStarts.empty())
        continue;
    }
    bool askOtherFiles = mode == Mode::Auto && !threadNote;
    bool orderAsked = false;
    SourceLocation firstExec;
    std::vector<const Stmt *> childStmts = region.childOnlyStatements();
    for (const Stmt *s : childStmts)
      if (const auto *call = dyn_cast<CallExpr>(s))
        if (isExecFunction(call->getDirectCallee()) &&
            (firstExec.isInvalid() || sm.isBeforeInTranslationUnit(call->getBeginLoc(), firstExec)))
          firstExec = call->getBeginLoc();
    std::string forkName = site.callee->getNameAsString() + "()";
    for (const Stmt *s : childStmts) {
      const auto *e = dyn_cast<Expr>(s);
      if (!e || reported.count(e))
        continue;
      // After a failed exec the child is on its way to _exit: perror() there is the idiom.
      if (firstExec.isValid() && sm.isBeforeInTranslationUnit(firstExec, e->getBeginLoc()))
        continue;
      CallChain chain;
      std::string what = unsafeWhat(e, sm);
      if (!what.empty()) {
        chain.path.push_back(e);
        chain.what = what;
      } else if (const auto *call = dyn_cast<CallExpr>(e)) {
        CallChainQuery query;
        query.maxDepth = maxCallDepth;
        query.match = [&sm](const Expr *x) { return unsafeWhat(x, sm); };
        query.stopAfter = [](const CallExpr *c) { return isExecFunction(c->getDirectCallee()); };
        CallChain inner = findThroughCalls(call->getDirectCallee(), sm, query);
        if (inner.found()) {
          chain.path.push_back(call);
          chain.path.insert(chain.path.end(), inner.path.begin(), inner.path.end());
          chain.what = inner.what;
        }
      }
      if (!chain.found())
        continue;
      // Asked at the first finding only: the answers may come from other files, and a file is
      // analyzed again only when an answer it got changes.
      if (mode == Mode::Auto && !orderAsked) {
        orderAsked = true;
        if (singleThreadedAtFork(ctx, region))
          break;
      }
      if (askOtherFiles) {
        askOtherFiles = false;
        threadsElsewhere = ctx.program().threadsInProgramOf(site.enclosing, sm);
        if (threadsElsewhere.empty())
          break;
      }
      reported.insert(e);
      std::string message = chain.path.size() == 1
                                ? chain.what
                                : "this call reaches code that is not async-signal-safe";
      Finding &f = diag(e->getBeginLoc(), message + " in the child of " + forkName +
                                              " of a multithreaded process: it can deadlock "
                                              "on a lock another thread held at the fork");
      for (size_t i = 1; i < chain.path.size(); ++i)
        f.notes.push_back({chain.path[i]->getBeginLoc(),
                           i + 1 == chain.path.size() ? chain.what : "which calls this"});
      addChildPathNotes(f, region);
      if (threadNote)
        f.notes.push_back({threadNote->getBeginLoc(), "the process starts threads here"});
      else if (!threadsElsewhere.empty())
        f.notes.push_back(
            {site.call->getBeginLoc(),
             "the program starts threads in another file (" + threadsElsewhere + ")"});
    }
  }
}

} // namespace analyzer
} // namespace procsan
