// kill family: signals one process of the tree sends another on purpose are not crashes.
#include "rt/runtime.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

using namespace procsan;

namespace {

void noteKill(pid_t target, int sig, int result, trace::KillApi api) {
  if (sig == 0 || result != 0)
    return;
  rt::record(rt::Event{trace::EvKill, {target, sig, result, api, 0, 0}, nullptr, 0});
}

} // namespace

PROCSAN_INTERCEPTOR int kill(pid_t pid, int sig) {
  rt::ensureInit();
  PROCSAN_REAL("kill", int (*)(pid_t, int));
  int r = real(pid, sig);
  int savedErrno = errno;
  noteKill(pid, sig, r, trace::KillKill);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int killpg(pid_t pgrp, int sig) {
  rt::ensureInit();
  PROCSAN_REAL("killpg", int (*)(pid_t, int));
  int r = real(pgrp, sig);
  int savedErrno = errno;
  noteKill(pgrp > 0 ? -pgrp : pgrp, sig, r, trace::KillKillpg);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int sigqueue(pid_t pid, int sig, const union sigval value) {
  rt::ensureInit();
  PROCSAN_REAL("sigqueue", int (*)(pid_t, int, const union sigval));
  int r = real(pid, sig, value);
  int savedErrno = errno;
  noteKill(pid, sig, r, trace::KillSigqueue);
  errno = savedErrno;
  return r;
}
