// Lock regions: at each statement, whether a lock may be held there. Locks are the C library's
// (sem_wait .. sem_post, pthread mutex/rwlock/spin lock .. unlock, flock, lockf, fcntl record
// locks), C++ lock() / unlock() members and RAII guards (std::lock_guard, unique_lock,
// scoped_lock, shared_lock, Boost.Interprocess' scoped_lock), and the program's own wrappers,
// through summaries: a function that leaves a lock held is an acquire, one that releases a lock
// it did not take is a release, a class whose constructor acquires and destructor releases is a
// guard. A function every caller in the translation unit calls with a lock held runs under it.
//
// Precision first: the question is "may a lock be held", so a lock taken on some path (a
// trylock, a lock in a loop) counts as held; checks use it to stay silent.
#ifndef PROCSAN_ANALYZER_MODEL_LOCKREGIONS_H
#define PROCSAN_ANALYZER_MODEL_LOCKREGIONS_H

#include "model/Dataflow.h"
#include "model/Summaries.h"
#include "model/UseIndex.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <memory>

namespace procsan {
namespace analyzer {

class LockRegions {
public:
  LockRegions(clang::ASTContext &ctx, const UseIndex &uses, FunctionSummaries &summaries);
  ~LockRegions();

  // A lock may be held when s runs: taken earlier in its function, or held by every caller.
  bool mayHoldLockAt(const clang::Stmt *s);
  // The same, looking only at s's own function.
  bool mayHoldLockInFunction(const clang::Stmt *s);
  // Every call of fd in the translation unit is made with a lock held (false without callers, or
  // when fd's address is taken: the indirect callers are unknown).
  bool calledWithLockHeld(const clang::FunctionDecl *fd);

  // The effect of calling fd: +1 it acquires a lock, -1 it releases one, 0 neither.
  int callEffect(const clang::FunctionDecl *fd, const clang::Expr *call);

private:
  int summaryEffect(const clang::FunctionDecl *fd);
  int elementEffect(const clang::CFGElement &e);
  const ByteFlow *flowFor(const clang::FunctionDecl *fd);
  bool calledWithLockHeld(const clang::FunctionDecl *fd, unsigned depth);
  bool mayHoldLockAt(const clang::Stmt *s, unsigned depth);

  clang::ASTContext &ctx;
  const UseIndex &uses;
  FunctionSummaries &summaries;
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<ByteFlow>> flows;
  enum class State : int8_t { Computing = 2 };
  llvm::DenseMap<const clang::FunctionDecl *, int> effects; // -1, 0, +1, or Computing
  llvm::DenseSet<const clang::FunctionDecl *> addressTaken;
  bool addressTakenKnown = false;
};

// pthread_mutex_lock, sem_wait, ... (+1); their releases (-1); 0 for anything else.
int libraryLockEffect(const clang::CallExpr *call, clang::ASTContext &ctx);

} // namespace analyzer
} // namespace procsan

#endif
