// kill family, raise and abort: signals one process of the tree sends another (or itself) on
// purpose are not crashes, and when one ends a process the report names the sender. Signals
// that end a process by default carry the sender's stack; those programs use for messages
// (SIGUSR1/2, SIGALRM, real-time signals) stay cheap.
#include "rt/runtime.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

using namespace procsan;

namespace {

bool endsProcess(int sig) {
  switch (sig) {
  case SIGKILL:
  case SIGTERM:
  case SIGINT:
  case SIGQUIT:
  case SIGHUP:
  case SIGABRT:
  case SIGSEGV:
  case SIGBUS:
  case SIGILL:
  case SIGFPE:
  case SIGSYS:
  case SIGTRAP:
    return true;
  default:
    return false;
  }
}

void noteKill(pid_t target, int sig, int result, trace::KillApi api) {
  if (sig == 0 || result != 0)
    return;
  bool stack = endsProcess(sig);
  rt::record(rt::Event{trace::EvKill, {target, sig, result, api, stack ? 1 : 0, 0}, nullptr, 0},
             stack);
}

// A signal the caller may receive itself could end it before the call returns: such kills are
// recorded before the call (as if they succeeded).
bool mayHitSelf(pid_t target) {
  if (target == 0 || target == -1)
    return true;
  return target > 0 ? target == getpid() : target == -getpgrp();
}

} // namespace

PROCSAN_INTERCEPTOR int kill(pid_t pid, int sig) {
  rt::ensureInit();
  PROCSAN_REAL("kill", int (*)(pid_t, int));
  bool before = sig != 0 && rt::active() && mayHitSelf(pid);
  if (before)
    noteKill(pid, sig, 0, trace::KillKill);
  int r = real(pid, sig);
  int savedErrno = errno;
  if (!before)
    noteKill(pid, sig, r, trace::KillKill);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int killpg(pid_t pgrp, int sig) {
  rt::ensureInit();
  PROCSAN_REAL("killpg", int (*)(pid_t, int));
  pid_t target = pgrp > 0 ? -pgrp : pgrp;
  bool before = sig != 0 && rt::active() && mayHitSelf(target);
  if (before)
    noteKill(target, sig, 0, trace::KillKillpg);
  int r = real(pgrp, sig);
  int savedErrno = errno;
  if (!before)
    noteKill(target, sig, r, trace::KillKillpg);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int sigqueue(pid_t pid, int sig, const union sigval value) {
  rt::ensureInit();
  PROCSAN_REAL("sigqueue", int (*)(pid_t, int, const union sigval));
  bool before = sig != 0 && rt::active() && mayHitSelf(pid);
  if (before)
    noteKill(pid, sig, 0, trace::KillSigqueue);
  int r = real(pid, sig, value);
  int savedErrno = errno;
  if (!before)
    noteKill(pid, sig, r, trace::KillSigqueue);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int raise(int sig) {
  rt::ensureInit();
  PROCSAN_REAL("raise", int (*)(int));
  if (sig > 0 && sig < NSIG)
    noteKill(getpid(), sig, 0, trace::KillRaise);
  return real(sig);
}

// abort() raises SIGABRT itself (not through raise's PLT entry): recorded here, with the stack
// of the caller, before the signal can end the process.
PROCSAN_INTERCEPTOR void abort(void) noexcept {
  rt::ensureInit();
  PROCSAN_REAL("abort", void (*)(void));
  noteKill(getpid(), SIGABRT, 0, trace::KillAbort);
  real();
  __builtin_unreachable();
}
