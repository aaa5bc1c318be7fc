// wait family: who reaped which child, and with which status.
#include "rt/runtime.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/wait.h>

using namespace procsan;

namespace {

// discarded: the caller passed no status pointer (wait(NULL)), so nothing in the program can
// have looked at how the child ended.
void noteReaped(pid_t pid, int status, int options, bool discarded) {
  if (pid <= 0)
    return;
  bool reaped = !(options & WNOWAIT);
  bool final = WIFEXITED(status) || WIFSIGNALED(status);
  if (!final)
    return; // stopped/continued reports are not deaths
  rt::record(rt::Event{trace::EvWaitResult,
                       {pid, status, options, reaped ? 1 : 0, discarded ? 1 : 0, 0},
                       nullptr,
                       0});
}

} // namespace

PROCSAN_INTERCEPTOR pid_t waitpid(pid_t pid, int *wstatus, int options) {
  rt::ensureInit();
  PROCSAN_REAL("waitpid", pid_t(*)(pid_t, int *, int));
  int local = 0;
  pid_t r = real(pid, wstatus ? wstatus : &local, options);
  int savedErrno = errno;
  noteReaped(r, wstatus ? *wstatus : local, options, !wstatus);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR pid_t wait(int *wstatus) { return waitpid(-1, wstatus, 0); }

PROCSAN_INTERCEPTOR pid_t wait4(pid_t pid, int *wstatus, int options, struct rusage *usage) {
  rt::ensureInit();
  PROCSAN_REAL("wait4", pid_t(*)(pid_t, int *, int, struct rusage *));
  int local = 0;
  pid_t r = real(pid, wstatus ? wstatus : &local, options, usage);
  int savedErrno = errno;
  noteReaped(r, wstatus ? *wstatus : local, options, !wstatus);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR pid_t wait3(int *wstatus, int options, struct rusage *usage) {
  return wait4(-1, wstatus, options, usage);
}

PROCSAN_INTERCEPTOR int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options) {
  rt::ensureInit();
  PROCSAN_REAL("waitid", int (*)(idtype_t, id_t, siginfo_t *, int));
  int r = real(idtype, id, info, options);
  int savedErrno = errno;
  if (r == 0 && info && info->si_pid > 0) {
    // Rebuild a wait status so the monitor sees one encoding for every API.
    int status = -1;
    if (info->si_code == CLD_EXITED)
      status = (info->si_status & 0xff) << 8;
    else if (info->si_code == CLD_KILLED)
      status = info->si_status & 0x7f;
    else if (info->si_code == CLD_DUMPED)
      status = (info->si_status & 0x7f) | 0x80;
    if (status >= 0)
      noteReaped(info->si_pid, status, options, false);
  }
  errno = savedErrno;
  return r;
}
