// fork and vfork: the child gets a log of its own before it runs any program code; the parent
// records the fork with its stack, the threads that exist at that moment and the bytes its
// stdout/stderr buffers still hold (mp-fork-with-threads, mp-fork-pending-stdio).
#include "rt/python/pyframes.h"
#include "rt/runtime.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
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

// The scheduler state of thread tid of this process ('R' running or runnable, 'S' sleeping, ...),
// or 0 when it cannot be read (the thread is gone).
char threadState(long tid) {
  char path[64] = "/proc/self/task/";
  size_t pl = appendDec(path, sizeof(path), strlen(path), tid);
  memcpy(path + pl, "/stat", 6);
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  char buf[256];
  long got = syscall(SYS_read, fd, buf, sizeof(buf) - 1);
  close(fd);
  if (got <= 0)
    return 0;
  buf[got] = 0;
  // "tid (comm) S ...": the comm may hold anything, so the state follows the last ')'.
  const char *close = strrchr(buf, ')');
  return close && close[1] == ' ' ? close[2] : 0;
}

// Calls fn(tid) for every thread of this process but the calling one, listing /proc/self/task
// with raw getdents64 (no malloc: this runs next to a fork). Returns the number of threads,
// the caller included (0 when the listing cannot be read).
template <typename Fn> int forEachOtherThread(Fn fn) {
  int fd =
      (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  long self = syscall(SYS_gettid);
  int threads = 0;
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
      ++threads;
      long tid = 0;
      for (const char *p = d->d_name; *p >= '0' && *p <= '9'; ++p)
        tid = tid * 10 + (*p - '0');
      if (tid != self)
        fn(tid);
    }
  }
  close(fd);
  return threads;
}

// A Python thread's name, quoted ("tid:\"name\""): a name may hold spaces, colons and quotes,
// which are escaped; control characters become '?'. At most room bytes, the closing quote
// included (the name's head is kept, never a split UTF-8 character).
size_t appendQuoted(char *dst, size_t at, size_t room, const char *name) {
  const size_t end = at + room - 1; // the closing quote's place
  dst[at++] = '"';
  for (const char *p = name; *p; ++p) {
    unsigned char ch = (unsigned char)*p;
    size_t need = (ch == '"' || ch == '\\') ? 2 : 1;
    if (ch >= 0xc0) // a character's first byte: the whole character must fit
      need = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2;
    if (at + need > end)
      break;
    if (ch >= 0xc0) {
      memcpy(dst + at, p, need);
      at += need;
      p += need - 1;
      continue;
    }
    if (need == 2)
      dst[at++] = '\\';
    dst[at++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
  }
  dst[at++] = '"';
  dst[at] = 0;
  return at;
}

// Names the other threads: "tid:name", with "(running)" after the ones that were running or
// runnable at that moment (a thread on its way out after a join is; one blocked waiting is not).
// In a CPython process, a thread that threading started is named by its Thread's name, quoted
// (read from the interpreter's objects, see py::threadNames), the main thread "MainThread"; the
// others (and every thread when those cannot be read) by their OS name.
void collectThreads(ForkContext &c) {
  size_t at = 0;
  c.names[0] = 0;
  constexpr int kPyNames = 12;
  rt::py::ThreadName pyNames[kPyNames];
  const bool python = rt::py::status() == 1;
  const int nPy = python ? rt::py::threadNames(pyNames, kPyNames) : 0;
  const long pid = (long)syscall(SYS_getpid);
  c.threads = forEachOtherThread([&](long tid) {
    if (at + 48 >= sizeof(c.names))
      return;
    if (at)
      c.names[at++] = ' ';
    at = appendDec(c.names, sizeof(c.names), at, tid);
    c.names[at++] = ':';
    const char *pyName = python && tid == pid ? "MainThread" : nullptr;
    for (int i = 0; i < nPy && !pyName; ++i)
      if (pyNames[i].tid == tid)
        pyName = pyNames[i].name;
    if (pyName) {
      // Room for this one and "(running)"; a long name is cut so that the next thread still fits
      // in the record's text when others follow.
      at = appendQuoted(c.names, at,
                        sizeof(c.names) - at - 10 < 34 ? sizeof(c.names) - at - 10 : 34, pyName);
    } else {
      char path[64] = "/proc/self/task/";
      size_t pl = appendDec(path, sizeof(path), strlen(path), tid);
      memcpy(path + pl, "/comm", 6);
      int cfd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
      if (cfd >= 0) {
        long got = syscall(SYS_read, cfd, c.names + at, 16);
        close(cfd);
        for (long i = 0; i < got && c.names[at] != '\n'; ++i)
          ++at;
      }
    }
    if (threadState(tid) == 'R') {
      memcpy(c.names + at, "(running)", 9);
      at += 9;
    }
    c.names[at] = 0;
  });
}

// Bytes written to a stdio stream and not yet flushed (glibc's FILE layout).
long pendingBytes(FILE *f) {
  if (!f || !f->_IO_write_ptr || !f->_IO_write_base)
    return 0;
  long n = f->_IO_write_ptr - f->_IO_write_base;
  return n > 0 ? n : 0;
}

struct ForkState {
  ForkContext threads;
  long out = 0, err = 0;
};

// What the parent looks like at the fork. The /proc task listing (for the other threads' names)
// is only read when threads started with pthread_create are alive: a single-threaded fork stays
// cheap. Threads glibc starts internally (SIGEV_THREAD timers, AIO helpers) are not counted.
void beforeFork(ForkState &f) {
  f.threads.threads = 1;
  f.threads.names[0] = 0;
  trace::LogState *st = rt::logState();
  if (!st)
    return;
  // An embedding program's interpreter (libpython dlopen'ed since start-up): found before the
  // threads are named, so they get their Python names.
  if (rt::py::status() == 0)
    rt::py::noticeLoadedInterpreter();
  // A thread that was just joined may still be on its way out (CPython wakes join() before the
  // OS thread ends): let such threads finish before counting them. Only paid by a fork while
  // started threads still count as alive: a few yields, then, while some other thread is still
  // runnable (one blocked in a wait is not leaving), short sleeps for at most 2 ms: a thread
  // still busy after that is left to the monitor, which excuses one that ends right after.
  auto live = [st] { return __atomic_load_n(&st->threadsLive, __ATOMIC_RELAXED) > 0; };
  for (int i = 0; i < 8 && live(); ++i)
    sched_yield();
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (live()) {
    bool runnable = false;
    forEachOtherThread([&](long tid) { runnable = runnable || threadState(tid) == 'R'; });
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!runnable ||
        (now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) > 2000000L)
      break;
    struct timespec pause = {0, 200000};
    nanosleep(&pause, nullptr);
  }
  if (live())
    collectThreads(f.threads);
  f.out = pendingBytes(stdout);
  f.err = pendingBytes(stderr);
}

void afterForkInParent(const ForkState &f, pid_t r, int err, trace::ForkApi api) {
  if (!rt::active())
    return;
  if (f.threads.threads > 1)
    rt::noteThreadedFork();
  rt::Stack stack;
  rt::takeStack(stack);
  rt::record(rt::Event{trace::EvFork,
                       {r, r < 0 ? err : 0, f.threads.threads, f.out, f.err, api},
                       f.threads.names,
                       0},
             stack);
}

pid_t forkAndTrace(trace::ForkApi api) {
  rt::ensureInit();
  PROCSAN_REAL("fork", pid_t(*)());
  ForkState f;
  beforeFork(f);
  pid_t parent = getpid();
  rt::ForkLog log = rt::claimSpareLog();
  pid_t r = real();
  int savedErrno = errno;
  if (r == 0) {
    rt::afterForkInChild(parent, log);
  } else {
    afterForkInParent(f, r, savedErrno, api);
    rt::spareAfterFork(log, r > 0);
  }
  errno = savedErrno;
  return r;
}

struct CloneStart {
  int (*fn)(void *);
  void *arg;
  pid_t parent;
  rt::ForkLog log;
};

// First code of a clone child that has its own memory: the CloneStart it reads is its copy of
// the parent's stack frame.
int cloneChildStart(void *p) {
  CloneStart *c = static_cast<CloneStart *>(p);
  rt::afterForkInChild(c->parent, c->log);
  return c->fn(c->arg);
}

} // namespace

PROCSAN_INTERCEPTOR pid_t fork() { return forkAndTrace(trace::ForkFork); }

// A vfork child borrows the parent's memory and stack, so an interceptor that returns into it
// would corrupt the parent. Like ThreadSanitizer, the runtime turns vfork into fork: every
// correct vfork program (exec or _exit next) behaves the same, only slower.
PROCSAN_INTERCEPTOR pid_t vfork() { return forkAndTrace(trace::ForkVfork); }

// clone() without CLONE_VM or CLONE_THREAD makes a process like fork does: the child gets its own
// log before fn runs. Threads and memory-sharing children (CLONE_VM: they would write into the
// parent's log state) go straight through, as do children in a new pid namespace (their getpid()
// is not the pid the monitor sees); children that exec are traced from the new image on. The raw
// clone3 system call has no glibc wrapper to interpose and is not seen.
PROCSAN_INTERCEPTOR int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...) {
  rt::ensureInit();
  PROCSAN_REAL("clone", int (*)(int (*)(void *), void *, int, void *, ...));
  // The optional arguments are read unconditionally, as glibc's own wrapper does.
  va_list ap;
  va_start(ap, arg);
  pid_t *parentTid = va_arg(ap, pid_t *);
  void *tls = va_arg(ap, void *);
  pid_t *childTid = va_arg(ap, pid_t *);
  va_end(ap);
  if (!rt::active() || !fn || (flags & (CLONE_VM | CLONE_THREAD | CLONE_NEWPID)))
    return real(fn, stack, flags, arg, parentTid, tls, childTid);
  ForkState f;
  beforeFork(f);
  CloneStart start{fn, arg, getpid(), rt::claimSpareLog()};
  int r = real(cloneChildStart, stack, flags, &start, parentTid, tls, childTid);
  int savedErrno = errno;
  afterForkInParent(f, r, savedErrno, trace::ForkClone);
  rt::spareAfterFork(start.log, r > 0);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR pid_t setsid() {
  rt::ensureInit();
  PROCSAN_REAL("setsid", pid_t(*)());
  pid_t r = real();
  int savedErrno = errno;
  rt::record(rt::Event{trace::EvSetsid, {r, 0, 0, 0, 0, 0}, nullptr, 0});
  errno = savedErrno;
  return r;
}
