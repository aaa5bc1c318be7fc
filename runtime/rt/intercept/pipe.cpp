// Pipes: each pipe()/pipe2() is recorded with the pipe's inode, the name /proc gives both ends
// ("pipe:[inode]"). A hang diagnosis finds the live holders of a pipe's ends in /proc; the
// creation tells it which dead processes could have held the write end too (those forked from the
// creator afterwards), and which Python Queue the pipe belongs to (the semaphores created next).
// Making a pipe is rare next to using one: one fstat per pipe, no stack.
#include "rt/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace procsan;

namespace {

void notePipe(const int fds[2], int flags) {
  struct stat st;
  if (syscall(SYS_fstat, fds[0], &st) != 0)
    return;
  rt::record(
      rt::Event{trace::EvPipe, {fds[0], fds[1], (int64_t)st.st_ino, flags, 0, 0}, nullptr, 0});
}

} // namespace

// libunwind's pipe, made the first time the runtime takes a stack: moved far above the fds the
// program uses (DESIGN.md §6: the runtime's fds are close-on-exec and out of the program's way;
// the lowest free fd after a fork must still be the one the program expects), not recorded.
// Not to the top of a large limit: every fork copies the fd table up to the highest open fd, and
// an fd near a limit of 20000 doubled the cost of fork (bench/runtime/fork_storm.c).
static void moveOutOfTheWay(int fds[2]) {
  constexpr long kBase = 1024; // past select()'s range (FD_SETSIZE), above what most programs open
  struct rlimit lim;
  long high = kBase;
  if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, nullptr, &lim) == 0 && lim.rlim_cur > 128 &&
      lim.rlim_cur != RLIM_INFINITY && (long)lim.rlim_cur - 64 < kBase)
    high = (long)lim.rlim_cur - 64;
  for (int i = 0; i < 2; ++i) {
    int moved = (int)syscall(SYS_fcntl, fds[i], F_DUPFD_CLOEXEC, high);
    if (moved < 0)
      continue; // keep the low one: a working unwinder matters more
    syscall(SYS_close, fds[i]);
    fds[i] = moved;
  }
}

// After a pipe()/pipe2() call: libunwind's pipe is moved away, the program's is recorded.
static int afterPipe(int r, int fds[2], int flags) {
  if (r != 0 || (!rt::unwinding() && !rt::active()))
    return r;
  int savedErrno = errno;
  if (rt::unwinding())
    moveOutOfTheWay(fds);
  else
    notePipe(fds, flags);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int pipe(int fds[2]) {
  rt::ensureInit();
  PROCSAN_REAL("pipe", int (*)(int *));
  return afterPipe(real(fds), fds, 0);
}

PROCSAN_INTERCEPTOR int pipe2(int fds[2], int flags) {
  rt::ensureInit();
  PROCSAN_REAL("pipe2", int (*)(int *, int));
  return afterPipe(real(fds, flags), fds, flags);
}
