// fork and vfork: the child gets a log of its own before it runs any program code.
#include "rt/runtime.h"

#include <errno.h>
#include <unistd.h>

using namespace procsan;

namespace {

pid_t forkAndTrace() {
  rt::ensureInit();
  PROCSAN_REAL("fork", pid_t(*)());
  pid_t parent = getpid();
  pid_t r = real();
  int savedErrno = errno;
  if (r == 0) {
    rt::afterForkInChild(parent);
  } else {
    rt::record(rt::Event{trace::EvFork, {r, r < 0 ? savedErrno : 0, 0, 0, 0, 0}, nullptr, 0},
               /*wantStack=*/true);
  }
  errno = savedErrno;
  return r;
}

} // namespace

PROCSAN_INTERCEPTOR pid_t fork() { return forkAndTrace(); }

// A vfork child borrows the parent's memory and stack, so an interceptor that returns into it
// would corrupt the parent. Like ThreadSanitizer, the runtime turns vfork into fork: every
// correct vfork program (exec or _exit next) behaves the same, only slower.
PROCSAN_INTERCEPTOR pid_t vfork() { return forkAndTrace(); }
