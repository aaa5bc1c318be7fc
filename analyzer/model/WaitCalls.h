// The wait family (wait, waitpid, wait3, wait4, waitid, and APR's apr_proc_wait and
// apr_proc_wait_all_procs) and what the program does with the
// statuses it collects; signal dispositions that make the kernel reap (SIGCHLD ignored,
// SA_NOCLDWAIT) and SIGCHLD handlers that reap. Shared by mp-unreaped-child and
// mp-unchecked-child-status.
#ifndef PROCSAN_ANALYZER_MODEL_WAITCALLS_H
#define PROCSAN_ANALYZER_MODEL_WAITCALLS_H

#include "model/UseIndex.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <vector>

namespace procsan {
namespace analyzer {

struct WaitCall {
  const clang::CallExpr *call = nullptr;
  const clang::Expr *pid = nullptr;    // null for wait/wait3 (any child)
  const clang::Expr *status = nullptr; // null for waitid
  const clang::Expr *why = nullptr;    // APR: the out-parameter saying how the child ended
  bool apr = false;                    // apr_proc_wait, apr_proc_wait_all_procs
  bool anyChild = false;               // wait(), wait3(), pid -1 or 0 or < -1, waitid(P_ALL)
  bool noHang = false;                 // WNOHANG given
  // WUNTRACED / WSTOPPED / WCONTINUED: the caller waits for a stop (a handshake with a child that
  // raises SIGSTOP), not only for the end.
  bool stops = false;
  bool voided = false; // (void)waitpid(...): the author said the result does not matter
  const clang::FunctionDecl *enclosing = nullptr;
};

class WaitModel {
public:
  WaitModel(clang::ASTContext &ctx, const UseIndex &uses);

  const std::vector<WaitCall> &calls() const { return waits; }
  // Some code of the translation unit reaps any child (a wait(), waitpid(-1, ...) anywhere, in a
  // SIGCHLD handler or a reaper loop), or SIGCHLD is ignored / SA_NOCLDWAIT is set.
  bool reapsElsewhere() const { return reapAny || kernelReaps; }
  bool kernelReapsChildren() const { return kernelReaps; }
  // A wait call names this variable (or parameter, or field) as the pid.
  bool waitsFor(const clang::ValueDecl *pidStorage) const;
  // Functions installed as signal handlers (signal(), sigaction's sa_handler/sa_sigaction).
  bool isSignalHandler(const clang::FunctionDecl *fd) const;
  // The waited-for pid was signalled (kill, killpg, sigqueue) earlier in the same function: the
  // parent ends the child on purpose and only collects it.
  bool killedBeforeWait(const WaitCall &w) const;
  // The status pointer is NULL: the status is thrown away.
  bool statusDiscarded(const WaitCall &w) const;
  // The status a wait stored is read afterwards (tested, returned, stored, passed on).
  bool statusIsRead(const WaitCall &w) const;
  // A reap-until loop: `while (wait(NULL) != pid)` collects children until one of them is gone;
  // `while ((rc = waitpid(pid, &st, 0)) != pid)` retries until that child is gone.
  bool reapsUntil(const WaitCall &w) const;

private:
  bool outParameterIsRead(const clang::Expr *status) const;
  void scanSigactionInit(const clang::InitListExpr *init);
  void scanInstaller(const clang::CallExpr *call);
  clang::ASTContext &ctx;
  const UseIndex &uses;
  std::vector<WaitCall> waits;
  llvm::DenseSet<const clang::ValueDecl *> waitedStorages;
  llvm::DenseSet<const clang::FunctionDecl *> handlers;
  bool reapAny = false;
  bool kernelReaps = false;
};

bool isWaitFunction(const clang::FunctionDecl *fd);

} // namespace analyzer
} // namespace procsan

#endif
