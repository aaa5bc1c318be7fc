// fork and vfork: the child gets a log of its own before it runs any program code; the parent
// records the fork with its stack, the threads that exist at that moment and the bytes its
// stdout/stderr buffers still hold (mp-fork-with-threads, mp-fork-pending-stdio).
#include "rt/runtime.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace procsan;

namespace {

struct ForkContext {
  int threads;
  char names[trace::kTextSize]; // "tid:name tid:name ..." of the other threads
};

size_t appendDec(char *dst, size_t cap, size_t at, long v) {
  char tmp[24];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v > 0 && n < sizeof(tmp));
  while (n > 0 && at + 1 < cap)
    dst[at++] = tmp[--n];
  dst[at] = 0;
  return at;
}

// Lists /proc/self/task with raw getdents64 (no malloc: this runs next to a fork).
void collectThreads(ForkContext &c) {
  c.threads = 0;
  c.names[0] = 0;
  int fd =
      (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return;
  long self = syscall(SYS_gettid);
  size_t at = 0;
  char buf[2048];
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
    if (n <= 0)
      break;
    for (long off = 0; off < n;) {
      struct linux_dirent64 {
        unsigned long long d_ino;
        long long d_off;
        unsigned short d_reclen;
        unsigned char d_type;
        char d_name[];
      } *d = reinterpret_cast<linux_dirent64 *>(buf + off);
      off += d->d_reclen;
      if (d->d_name[0] < '0' || d->d_name[0] > '9')
        continue;
      ++c.threads;
      long tid = 0;
      for (const char *p = d->d_name; *p >= '0' && *p <= '9'; ++p)
        tid = tid * 10 + (*p - '0');
      if (tid == self || at + 40 >= sizeof(c.names))
        continue;
      char path[64] = "/proc/self/task/";
      size_t pl = appendDec(path, sizeof(path), strlen(path), tid);
      memcpy(path + pl, "/comm", 6);
      if (at)
        c.names[at++] = ' ';
      at = appendDec(c.names, sizeof(c.names), at, tid);
      c.names[at++] = ':';
      int cfd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
      if (cfd >= 0) {
        long got = syscall(SYS_read, cfd, c.names + at, 16);
        close(cfd);
        for (long i = 0; i < got && c.names[at] != '\n'; ++i)
          ++at;
      }
      c.names[at] = 0;
    }
  }
  close(fd);
}

// Bytes written to a stdio stream and not yet flushed (glibc's FILE layout).
long pendingBytes(FILE *f) {
  if (!f || !f->_IO_write_ptr || !f->_IO_write_base)
    return 0;
  long n = f->_IO_write_ptr - f->_IO_write_base;
  return n > 0 ? n : 0;
}

pid_t forkAndTrace() {
  rt::ensureInit();
  PROCSAN_REAL("fork", pid_t(*)());
  ForkContext c;
  long out = 0, err = 0;
  if (rt::active()) {
    collectThreads(c);
    out = pendingBytes(stdout);
    err = pendingBytes(stderr);
  }
  pid_t parent = getpid();
  pid_t r = real();
  int savedErrno = errno;
  if (r == 0) {
    rt::afterForkInChild(parent);
  } else if (rt::active()) {
    rt::record(
        rt::Event{trace::EvFork, {r, r < 0 ? savedErrno : 0, c.threads, out, err, 0}, c.names, 0},
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

PROCSAN_INTERCEPTOR pid_t setsid() {
  rt::ensureInit();
  PROCSAN_REAL("setsid", pid_t(*)());
  pid_t r = real();
  int savedErrno = errno;
  rt::record(rt::Event{trace::EvSetsid, {r, 0, 0, 0, 0, 0}, nullptr, 0});
  errno = savedErrno;
  return r;
}
