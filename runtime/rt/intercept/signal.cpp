// Crash signals: the runtime's handler records the crash (with the stack of the faulting thread)
// and then does exactly what the program asked for: its own handler, ignore, or the default
// action (re-raised so the process dies with the same signal and core as without procsan).
// The program's sigaction/signal calls for these signals are kept in a table and answered from
// it, so the program sees its own handlers and the runtime's handler stays installed.
#include "rt/runtime.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace procsan;

namespace {

constexpr int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS};
constexpr int kMaxSignalRecords = 16;

struct SignalState {
  bool installed;
  bool intercepted[NSIG];
  struct sigaction user[NSIG]; // what the program believes is installed
  int recorded;
};
SignalState gSig;

using SigactionFn = int (*)(int, const struct sigaction *, struct sigaction *);

SigactionFn realSigaction() {
  PROCSAN_REAL("sigaction", SigactionFn);
  return real;
}

bool intercepted(int sig) {
  return sig > 0 && sig < NSIG && gSig.installed && gSig.intercepted[sig];
}

void crashHandler(int sig, siginfo_t *info, void *context);

void installOurs(int sig, const sigset_t *mask, int userFlags) {
  struct sigaction ours;
  memset(&ours, 0, sizeof(ours));
  ours.sa_sigaction = crashHandler;
  if (mask)
    ours.sa_mask = *mask;
  else
    sigemptyset(&ours.sa_mask);
  ours.sa_flags = SA_SIGINFO | SA_ONSTACK | (userFlags & (SA_RESTART | SA_NODEFER));
  realSigaction()(sig, &ours, nullptr);
}

void dieLikeTheProgramWould(int sig, siginfo_t *info) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  realSigaction()(sig, &dfl, nullptr);
  // A fault re-executes the faulting instruction on return and now takes the default action;
  // a sent signal (kill, raise, abort) has to be sent again. It stays blocked until we return.
  if (info == nullptr || info->si_code <= 0 || sig == SIGABRT)
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
}

void crashHandler(int sig, siginfo_t *info, void *context) {
  int savedErrno = errno;
  if (gSig.recorded < kMaxSignalRecords) {
    ++gSig.recorded;
    rt::record(rt::Event{trace::EvSignal,
                         {sig, info ? info->si_code : 0, info ? info->si_pid : 0,
                          info ? (int64_t)(intptr_t)info->si_addr : 0, 0, 0},
                         nullptr,
                         0},
               false, context);
  }
  struct sigaction user = gSig.user[sig];
  if (user.sa_flags & SA_RESETHAND)
    gSig.user[sig].sa_handler = SIG_DFL; // the kernel resets the handler only, not flags or mask
  bool kernelFault = info && info->si_code > 0 && sig != SIGABRT;
  if (user.sa_handler == SIG_IGN && !kernelFault) {
    errno = savedErrno;
    return;
  }
  if (user.sa_handler == SIG_DFL || user.sa_handler == SIG_IGN) {
    dieLikeTheProgramWould(sig, info);
    errno = savedErrno;
    return;
  }
  errno = savedErrno;
  if (user.sa_flags & SA_SIGINFO)
    user.sa_sigaction(sig, info, context);
  else
    user.sa_handler(sig);
}

} // namespace

void rt::installCrashHandlers() {
  for (int sig : kCrashSignals) {
    struct sigaction current;
    if (realSigaction()(sig, nullptr, &current) != 0)
      continue;
    gSig.user[sig] = current;
    gSig.intercepted[sig] = true;
    installOurs(sig, &current.sa_mask, current.sa_flags);
  }
  gSig.installed = true;
}

PROCSAN_INTERCEPTOR int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  rt::ensureInit();
  if (!intercepted(sig))
    return realSigaction()(sig, act, old);
  // act and old may be the same struct: read the new action before writing the old one.
  struct sigaction wanted;
  if (act)
    wanted = *act;
  if (old)
    *old = gSig.user[sig];
  if (act) {
    gSig.user[sig] = wanted;
    installOurs(sig, &wanted.sa_mask, wanted.sa_flags);
  }
  return 0;
}

PROCSAN_INTERCEPTOR sighandler_t signal(int sig, sighandler_t handler) {
  rt::ensureInit();
  if (!intercepted(sig)) {
    PROCSAN_REAL("signal", sighandler_t(*)(int, sighandler_t));
    return real(sig, handler);
  }
  if (handler == SIG_ERR) {
    errno = EINVAL;
    return SIG_ERR;
  }
  sighandler_t previous = gSig.user[sig].sa_handler;
  struct sigaction act;
  memset(&act, 0, sizeof(act));
  act.sa_handler = handler;
  sigemptyset(&act.sa_mask);
  act.sa_flags = SA_RESTART; // glibc's signal() has BSD semantics
  gSig.user[sig] = act;
  installOurs(sig, &act.sa_mask, act.sa_flags);
  return previous;
}
