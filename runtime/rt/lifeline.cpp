// Children that wait for this process to end. A helper such as CPython's resource tracker or
// fork server is left running on purpose when its user exits: it blocks reading a pipe whose
// write end its user holds, and the end of file that arrives when the user is gone is its signal
// to clean up and exit (a "lifeline"). Only this process can tell that cheaply and without a
// race: while it is still in its exit path its fds are open, and the child is blocked in the
// read. Runs once per image at a normal exit, and costs one system call when there are no
// children. System calls only (the caller may be a vfork child or a signal handler's _exit).
#include "rt/lifeline.h"

#include "rt/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace procsan {
namespace rt {
namespace {

constexpr int kMaxEnds = 64;     // pipe/FIFO write ends of this process considered
constexpr int kMaxChildren = 64; // children looked at
constexpr int kMaxWatched = 64;  // fds one blocked call of a child waits on

struct PipeId {
  uint64_t dev, ino;
};

struct Dirent64 {
  uint64_t ino;
  int64_t off;
  unsigned short reclen;
  unsigned char type;
  char name[1];
};

bool isDigits(const char *s) {
  if (!*s)
    return false;
  for (; *s; ++s)
    if (*s < '0' || *s > '9')
      return false;
  return true;
}

long parseDec(const char *&p, const char *end) {
  long v = 0;
  bool any = false;
  for (; p < end && *p >= '0' && *p <= '9'; ++p, any = true)
    v = v * 10 + (*p - '0');
  return any ? v : -1;
}

uint64_t parseHexArg(const char *&p, const char *end) {
  while (p < end && *p == ' ')
    ++p;
  if (p + 1 < end && p[0] == '0' && p[1] == 'x')
    p += 2;
  uint64_t v = 0;
  for (; p < end; ++p) {
    char c = *p;
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0)
      break;
    v = v * 16 + (uint64_t)d;
  }
  return v;
}

// "/proc/<a>/<b>/<c>" into buf, numbers as decimal; null parts are left out.
void procPath(char *buf, size_t size, long a, const char *b, long c, const char *d) {
  size_t n = 0;
  auto put = [&](const char *s) {
    while (*s && n + 1 < size)
      buf[n++] = *s++;
  };
  auto putNum = [&](long v) {
    char tmp[24];
    int k = 0;
    if (v == 0)
      tmp[k++] = '0';
    while (v > 0 && k < 23) {
      tmp[k++] = (char)('0' + v % 10);
      v /= 10;
    }
    while (k > 0 && n + 1 < size)
      buf[n++] = tmp[--k];
  };
  put("/proc/");
  if (a >= 0)
    putNum(a);
  else
    put("self");
  if (b) {
    put("/");
    put(b);
  }
  if (c >= 0) {
    put("/");
    putNum(c);
  }
  if (d) {
    put("/");
    put(d);
  }
  buf[n] = 0;
}

ssize_t readSmallFile(const char *path, char *buf, size_t size) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  ssize_t got = read(fd, buf, size - 1);
  close(fd);
  if (got < 0)
    return -1;
  buf[got] = 0;
  return got;
}

// Calls fn(ctx, name) for each numeric entry of a /proc directory.
template <typename Fn> void forEachNumericEntry(const char *dir, Fn fn) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    return;
  alignas(8) char buf[2048];
  for (;;) {
    long got = syscall(SYS_getdents64, fd, buf, sizeof(buf));
    if (got <= 0)
      break;
    for (long off = 0; off < got;) {
      Dirent64 *d = reinterpret_cast<Dirent64 *>(buf + off);
      off += d->reclen;
      if (isDigits(d->name) && !fn(d->name))
        goto done;
    }
  }
done:
  close(fd);
}

long toLong(const char *s) {
  const char *end = s;
  while (*end)
    ++end;
  return parseDec(s, end);
}

// The pipes and FIFOs this process can write to.
int ownWriteEnds(PipeId *ends) {
  int n = 0;
  forEachNumericEntry("/proc/self/fd", [&](const char *name) {
    int fd = (int)toLong(name);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))
      return true;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY)
      return true;
    ends[n++] = PipeId{(uint64_t)st.st_dev, (uint64_t)st.st_ino};
    return n < kMaxEnds;
  });
  return n;
}

// The fds a thread of `pid` is blocked reading or polling, from /proc/PID/task/TID/syscall;
// -1 when the thread is running (it may block again in a moment), else their number.
int watchedFds(long pid, long tid, int *fds) {
  char path[96], buf[256];
  procPath(path, sizeof(path), pid, "task", tid, "syscall");
  ssize_t len = readSmallFile(path, buf, sizeof(buf));
  if (len <= 0)
    return 0;
  const char *p = buf, *end = buf + len;
  if (*p == 'r')
    return -1; // "running"
  long nr = parseDec(p, end);
  if (nr < 0)
    return 0;
  uint64_t a[3];
  for (uint64_t &v : a)
    v = parseHexArg(p, end);
  switch (nr) {
  case SYS_read:
  case SYS_readv:
    fds[0] = (int)a[0];
    return 1;
  case SYS_poll:
  case SYS_ppoll: {
    struct pollfd pfd[kMaxWatched];
    size_t n = a[1] < (uint64_t)kMaxWatched ? (size_t)a[1] : (size_t)kMaxWatched;
    struct iovec local = {pfd, n * sizeof(pfd[0])},
                 remote = {(void *)(uintptr_t)a[0], local.iov_len};
    // syscall() is variadic and its last argument goes on the stack: every one a long, or the
    // flags word has an undefined upper half (EINVAL).
    ssize_t got = syscall(SYS_process_vm_readv, (long)pid, &local, 1L, &remote, 1L, 0L);
    int k = 0;
    for (size_t i = 0; got > 0 && i < (size_t)got / sizeof(pfd[0]); ++i)
      if (pfd[i].fd >= 0 && (pfd[i].events & (POLLIN | POLLRDHUP)))
        fds[k++] = pfd[i].fd;
    return k;
  }
  case SYS_select:
  case SYS_pselect6: {
    fd_set set;
    size_t n = a[0] < FD_SETSIZE ? (size_t)a[0] : FD_SETSIZE;
    if (!a[1] || n == 0)
      return 0;
    struct iovec local = {&set, (n + 7) / 8}, remote = {(void *)(uintptr_t)a[1], (n + 7) / 8};
    if (syscall(SYS_process_vm_readv, (long)pid, &local, 1L, &remote, 1L, 0L) <= 0)
      return 0;
    int k = 0;
    for (size_t fd = 0; fd < n && k < kMaxWatched; ++fd)
      if (((unsigned char *)&set)[fd / 8] & (1u << (fd % 8)))
        fds[k++] = (int)fd;
    return k;
  }
  case SYS_epoll_wait:
  case SYS_epoll_pwait:
#ifdef SYS_epoll_pwait2
  case SYS_epoll_pwait2:
#endif
  {
    // The interest list is in the epoll fd's fdinfo: "tfd:        5 events:       19 ...".
    char info[2048];
    procPath(path, sizeof(path), pid, "fdinfo", (long)a[0], nullptr);
    ssize_t got = readSmallFile(path, info, sizeof(info));
    int k = 0;
    for (ssize_t i = 0; got > 0 && i + 4 < got && k < kMaxWatched; ++i) {
      if (info[i] != 't' || info[i + 1] != 'f' || info[i + 2] != 'd' || info[i + 3] != ':')
        continue;
      const char *q = info + i + 4, *qend = info + got;
      while (q < qend && *q == ' ')
        ++q;
      long fd = parseDec(q, qend);
      if (fd >= 0)
        fds[k++] = (int)fd;
    }
    return k;
  }
  default:
    return 0;
  }
}

// The pipe or FIFO behind fd of pid, if it is one of ours.
bool readsOneOf(long pid, int fd, const PipeId *ends, int nEnds, uint64_t *ino) {
  char path[96];
  procPath(path, sizeof(path), pid, "fd", fd, nullptr);
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISFIFO(st.st_mode))
    return false;
  for (int i = 0; i < nEnds; ++i)
    if (ends[i].dev == (uint64_t)st.st_dev && ends[i].ino == (uint64_t)st.st_ino) {
      *ino = ends[i].ino;
      return true;
    }
  return false;
}

// True when the child has one of our pipes open for reading: only such a child can be waiting
// for our end (a child that merely shares our stdout pipe holds a write end).
bool holdsReadEnd(long child, const PipeId *ends, int nEnds) {
  char dir[64];
  procPath(dir, sizeof(dir), child, "fd", -1, nullptr);
  bool found = false;
  forEachNumericEntry(dir, [&](const char *name) {
    char path[96];
    procPath(path, sizeof(path), child, "fd", toLong(name), nullptr);
    struct stat link, target;
    // The link's own mode tells how the fd was opened: owner read bit for reading.
    if (lstat(path, &link) != 0 || !(link.st_mode & S_IRUSR) || stat(path, &target) != 0 ||
        !S_ISFIFO(target.st_mode))
      return true;
    for (int i = 0; i < nEnds && !found; ++i)
      found = ends[i].dev == (uint64_t)target.st_dev && ends[i].ino == (uint64_t)target.st_ino;
    return !found;
  });
  return found;
}

// Looks at one child; true when it was running and is worth another look.
bool examineChild(long child, const PipeId *ends, int nEnds) {
  bool running = false, recorded = false;
  char dir[64];
  procPath(dir, sizeof(dir), child, "task", -1, nullptr);
  forEachNumericEntry(dir, [&](const char *name) {
    int fds[kMaxWatched];
    int n = watchedFds(child, toLong(name), fds);
    if (n < 0)
      running = true;
    for (int i = 0; i < n; ++i) {
      uint64_t ino = 0;
      if (readsOneOf(child, fds[i], ends, nEnds, &ino)) {
        record(
            Event{trace::EvChildWaitsForExit, {child, (int64_t)ino, fds[i], 0, 0, 0}, nullptr, 0});
        recorded = true;
        return false;
      }
    }
    return true;
  });
  return running && !recorded;
}

bool gDone = false;

} // namespace

void noteChildrenWaitingForExit() {
  if (!active() || gDone)
    return;
  int savedErrno = errno;
  siginfo_t info;
  // No child at all (the common case): one system call.
  if (syscall(SYS_waitid, P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT, nullptr) != 0 &&
      errno == ECHILD) {
    errno = savedErrno;
    return;
  }
  // Set only here: a vfork child (no children of its own) shares this flag with its parent.
  gDone = true;
  PipeId ends[kMaxEnds];
  int nEnds = ownWriteEnds(ends);
  long children[kMaxChildren];
  int nChildren = 0;
  if (nEnds > 0) {
    forEachNumericEntry("/proc/self/task", [&](const char *tid) {
      char path[96], buf[1024];
      procPath(path, sizeof(path), -1, "task", toLong(tid), "children");
      ssize_t len = readSmallFile(path, buf, sizeof(buf));
      const char *p = buf, *end = buf + (len > 0 ? len : 0);
      while (p < end && nChildren < kMaxChildren) {
        long pid = parseDec(p, end);
        if (pid > 0)
          children[nChildren++] = pid;
        while (p < end && (*p < '0' || *p > '9'))
          ++p;
      }
      return nChildren < kMaxChildren;
    });
  }
  // Only children holding one of those pipes' read ends can be helpers waiting for our end. One
  // busy with a last message (or waiting for a CPU on a loaded machine) blocks again soon:
  // those seen running get another look, for at most about half a second in all.
  bool again[kMaxChildren];
  for (int i = 0; i < nChildren; ++i)
    again[i] = holdsReadEnd(children[i], ends, nEnds);
  for (int round = 0; round < 60; ++round) {
    bool any = false;
    for (int i = 0; i < nChildren; ++i) {
      if (again[i])
        again[i] = examineChild(children[i], ends, nEnds);
      any = any || again[i];
    }
    if (!any)
      break;
    struct timespec pause = {0, round < 10 ? 2000000L : 10000000L};
    nanosleep(&pause, nullptr);
  }
  errno = savedErrno;
}

} // namespace rt
} // namespace procsan
