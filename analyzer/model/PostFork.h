// Code that runs while a forked child may be alive, and in which process: statements of the
// fork's own function (from its fork region) and functions called from there, up to three calls
// deep. Also the two facts checks about shared state need next to it: whether the parent has
// already reaped its children at a statement, and which variables tell forked children apart
// (the counter of the loop around a fork, copies of it, parameters that receive it).
#ifndef PROCSAN_ANALYZER_MODEL_POSTFORK_H
#define PROCSAN_ANALYZER_MODEL_POSTFORK_H

#include "model/Dataflow.h"
#include "model/ForkRegions.h"
#include "model/SharedMemory.h"
#include "model/WaitCalls.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <memory>
#include <vector>

namespace procsan {
namespace analyzer {

struct AfterFork {
  const ForkRegion *region = nullptr;
  uint8_t outcomes = 0;                       // OutChild / OutParent: who runs it after the fork
  std::vector<const clang::CallExpr *> calls; // calls from the fork's function down to it
  bool inForkFunction() const { return region && calls.empty(); }
};

class PostForkModel {
public:
  PostForkModel(clang::ASTContext &ctx, const std::vector<ForkRegion> &regions,
                const UseIndex &uses, const WaitModel &waits, const SharedMemoryModel &values,
                FunctionSummaries &summaries);
  ~PostForkModel();

  // How s runs after a fork; outcomes == 0 when it is not known to run after any fork.
  AfterFork whereRuns(const clang::Stmt *s);
  // s, in the fork's function, runs in the parent after a blocking wait for children on every
  // path, or after a loop of such waits.
  bool afterReaping(const ForkRegion &region, const clang::Stmt *s);
  // This fork may leave more than one child alive at once: it forks again (a loop) or its
  // function is called again (in a loop, from several places) before the child was reaped.
  bool manyChildren(const ForkRegion &region) const { return many.count(&region); }
  // The children of two forks may be alive at the same time.
  bool mayOverlap(const ForkRegion &a, const ForkRegion &b);
  // v tells forked children apart (see above).
  bool isForkIdentity(const clang::ValueDecl *v);
  // Every variable an expression reads is a fork identity (and it reads one).
  bool onlyForkIdentities(const clang::Expr *e);

private:
  // A child of this fork may still be alive (not yet waited for) just before s, in the parent.
  bool childAliveBefore(const ForkRegion &region, const clang::Stmt *s);
  // The parent may return from the forking function with the child not waited for.
  bool childAliveAtReturn(const ForkRegion &region);
  llvm::DenseSet<const clang::Stmt *> blockingWaits(const ForkRegion &region);
  void reach(const clang::FunctionDecl *fd, const AfterFork &from, unsigned depth);
  bool isForkIdentity(const clang::ValueDecl *v, unsigned depth);
  bool onlyForkIdentities(const clang::Expr *e, unsigned depth);

  clang::ASTContext &ctx;
  const std::vector<ForkRegion> &regions;
  const UseIndex &uses;
  const WaitModel &waits;
  const SharedMemoryModel &values;
  FunctionSummaries &summaries;
  llvm::DenseMap<const clang::FunctionDecl *, AfterFork> reached;
  llvm::DenseMap<const ForkRegion *, std::unique_ptr<ByteFlow>> waited;
  llvm::DenseMap<const ForkRegion *, std::unique_ptr<ByteFlow>> alive;
  llvm::DenseMap<const clang::ValueDecl *, int> identity; // 0 computing, 1 yes, 2 no
  llvm::DenseSet<const ForkRegion *> many;
};

class AnalysisContext;

// What exit() in a forked child would run or flush a second time, inherited from the parent.
// Where this TU registers an atexit/on_exit handler or defines a static object whose destructor
// runs at exit (in the program's own code), with the function that registers it: null for static
// scope (a static object, an initializer, a function marked `constructor`).
struct ExitHandlerSite {
  clang::SourceLocation at;
  const clang::FunctionDecl *registrar = nullptr;
};
std::vector<ExitHandlerSite> exitHandlersIn(clang::ASTContext &ctx, const UseIndex &uses);
// A buffered stdio write (stdout, a FILE other than stderr, std::cout) that may still sit in the
// parent's buffers when the fork runs: before the fork in its function, or before the call in
// the callers this TU has. Null when none is known.
const clang::Expr *pendingStdioAtFork(AnalysisContext &ctx, const ForkRegion &region);
// The child may write to a buffered stdio stream before it ends, itself or in code this TU cannot
// see: its output needs exit()'s flush, and _exit() alone would lose it.
bool childMayWriteStdio(AnalysisContext &ctx, const ForkRegion &region);
bool isBufferedStdioWrite(const clang::CallExpr *call);

} // namespace analyzer
} // namespace procsan

#endif
