// Process-wide state of the runtime and the per-process event log.
#include "rt/runtime.h"

#include "rt/lifeline.h"
#include "rt/locks.h"
#include "rt/logfile.h"
#include "rt/options.h"
#include "rt/python/pyframes.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if PROCSAN_LLVM_LIBUNWIND
// LLVM's libunwind, linked in statically with its symbols hidden: no library of its own to map
// into every traced process (and copy at every fork), no pipe, no signal masking per frame.
#include <libunwind.h>
#include <ucontext.h>
#else
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#endif

namespace procsan {
namespace rt {
namespace {

constexpr int kMaxModules = 64;
constexpr uint32_t kBackedAtOpen = 8; // records in the first page after the header

// All runtime state lives in this one plain struct: no constructors run before main.
struct State {
  int initState; // 0 = not yet, 1 = in progress, 2 = done
  bool active;
  char sessionDir[512];
  char preloadEntry[1024]; // "LD_PRELOAD=..." as this image got it, for re-injection at exec
  char sessionEntry[600];  // "PROCSAN_SESSION=..."
  trace::FileHeader *header;
  trace::Record *records;
  uint32_t capacity;
  uint64_t backedSlots;               // slots [0, backedSlots) have real storage (see backSlot)
  uintptr_t moduleStart[kMaxModules]; // mappings already written to this log
  uintptr_t moduleEnd[kMaxModules];
  int nModules;
  bool noConsumer;    // nobody consumes the logs while the program runs (no procsan run)
  bool backingFailed; // a page of this log could not be made real (no room): its ring stops at
                      // the first lap rather than write into a page that may have no storage
};

State gState;

trace::LogState *stateOf(trace::FileHeader *h) {
  return reinterpret_cast<trace::LogState *>(reinterpret_cast<char *>(h) + trace::kStateOffset);
}

long rawSyscall6(long n, long a, long b, long c, long d, long e, long f) {
  return syscall(n, a, b, c, d, e, f);
}

int rawOpen(const char *path, int flags, int mode) {
  return (int)rawSyscall6(SYS_openat, AT_FDCWD, (long)path, flags, mode, 0, 0);
}

void *rawMmap(size_t len, int fd) {
  long r = rawSyscall6(SYS_mmap, 0, (long)len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (r < 0 && r > -4096)
    return nullptr;
  return (void *)r;
}

uint64_t nowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

size_t copyStr(char *dst, size_t cap, const char *src) {
  size_t i = 0;
  for (; src && src[i] && i + 1 < cap; ++i)
    dst[i] = src[i];
  dst[i] = 0;
  return i;
}

// Formats a non-negative number in decimal; returns the number of characters written.
size_t formatDec(char *dst, uint64_t v) {
  char tmp[24];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; ++i)
    dst[i] = tmp[n - 1 - i];
  return n;
}

size_t logName(char *name, size_t cap, const char *prefix, uint64_t a, uint64_t b,
               const char *suffix) {
  size_t n = copyStr(name, cap, prefix);
  n += formatDec(name + n, a);
  name[n++] = '.';
  n += formatDec(name + n, b);
  return n + copyStr(name + n, cap - n, suffix);
}

// Makes the file name in the session directory, sized for cap records and mapped, with its header
// page and first records made real (on a full file system the process then runs untraced instead
// of dying of SIGBUS). Null when it cannot; *exists tells that the name was taken.
trace::FileHeader *makeLogFile(int dirFd, const char *name, uint32_t cap, bool *exists) {
  *exists = false;
  int fd = (int)rawSyscall6(SYS_openat, dirFd, (long)name,
                            O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600, 0, 0);
  if (fd < 0) {
    *exists = errno == EEXIST;
    return nullptr;
  }
  size_t size = trace::logFileSize(cap);
  void *base = nullptr;
  if (ftruncate(fd, (off_t)size) == 0)
    base = rawMmap(size, fd);
  close(fd); // the mapping keeps the file; the program never sees our fd
  if (base && !backLogRange(base, 0, trace::kHeaderSize + kBackedAtOpen * trace::kRecordSize)) {
    munmap(base, size);
    base = nullptr;
  }
  if (!base) {
    unlinkat(dirFd, name, 0);
    return nullptr;
  }
  auto *h = static_cast<trace::FileHeader *>(base);
  h->magic = trace::kMagic;
  h->version = trace::kVersion;
  h->recordSize = trace::kRecordSize;
  h->headerSize = trace::kHeaderSize;
  h->capacity = cap;
  return h;
}

// This process's log from now on.
void useLog(trace::FileHeader *h, pid_t pid, pid_t ppid, uint32_t gen) {
  h->pid = pid;
  h->ppid = ppid;
  h->generation = gen;
  h->startNs = nowNs();
  gState.header = h;
  gState.records =
      reinterpret_cast<trace::Record *>(reinterpret_cast<char *>(h) + trace::kHeaderSize);
  gState.capacity = h->capacity;
  gState.backedSlots = kBackedAtOpen;
  gState.backingFailed = false;
  gState.nModules = 0;
  if (gState.noConsumer)
    h->consumerGone = 1; // a full ring drops at once
}

bool openLog(pid_t pid, pid_t ppid) {
  // A log larger than the program's file size limit would kill it with SIGXFSZ.
  uint32_t cap = capacityWithinFileLimit(trace::kDefaultCapacity);
  if (cap == 0)
    return false;
  int dirFd = openSessionDirectory(gState.sessionDir);
  if (dirFd < 0)
    return false;
  char name[64];
  for (uint32_t gen = 0; gen < 256; ++gen) {
    logName(name, sizeof(name), "p", (uint64_t)pid, gen, ".log");
    bool exists = false;
    trace::FileHeader *h = makeLogFile(dirFd, name, cap, &exists);
    if (!h && exists)
      continue;
    close(dirFd);
    if (!h)
      return false;
    useLog(h, pid, ppid, gen);
    return true;
  }
  close(dirFd);
  return false;
}

// The log the next forked child takes over: made by the parent after a fork, while that child
// runs, so that the next child has no file to make. Named s<PARENT>.<SEQ>.spare (the trace
// reader ignores it) until a child renames it to its own p<PID>.<GEN>.log. Its header holds the
// parent's pid and the sequence number until then.
trace::FileHeader *gSpareReady; // exchanged atomically: one child takes it
uint32_t gSpareSeq;

void spareName(char *out, size_t cap, const trace::FileHeader *h) {
  logName(out, cap, "s", (uint64_t)h->ppid, h->generation, ".spare");
}

// Renames the spare to this child's log name and makes it the log; false when that fails (the
// spare is then unmapped, and the caller makes a log as usual).
bool adoptSpare(trace::FileHeader *h, pid_t pid, pid_t ppid) {
  char from[600], to[600];
  size_t n = copyStr(from, sizeof(from), gState.sessionDir);
  from[n++] = '/';
  spareName(from + n, sizeof(from) - n, h);
  size_t m = copyStr(to, sizeof(to), gState.sessionDir);
  to[m++] = '/';
  for (uint32_t gen = 0; gen < 256; ++gen) {
    logName(to + m, sizeof(to) - m, "p", (uint64_t)pid, gen, ".log");
    constexpr unsigned kNoReplace = 1; // RENAME_NOREPLACE
    if (syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, kNoReplace) == 0) {
      useLog(h, pid, ppid, gen);
      return true;
    }
    if (errno != EEXIST)
      break;
  }
  munmap(h, trace::logFileSize(h->capacity));
  return false;
}

} // namespace

ForkLog claimSpareLog() {
  return ForkLog{__atomic_exchange_n(&gSpareReady, (trace::FileHeader *)nullptr, __ATOMIC_ACQ_REL)};
}

void spareAfterFork(ForkLog taken, bool childMade) {
  if (taken.spare) {
    trace::FileHeader *none = nullptr;
    if (childMade || !__atomic_compare_exchange_n(&gSpareReady, &none, taken.spare, false,
                                                  __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
      munmap(taken.spare, trace::logFileSize(taken.spare->capacity)); // the child's now
  }
  if (!gState.active || __atomic_load_n(&gSpareReady, __ATOMIC_ACQUIRE) || !childMade)
    return;
  int savedErrno = errno;
  uint32_t cap = capacityWithinFileLimit(trace::kDefaultCapacity);
  int dirFd = cap ? openSessionDirectory(gState.sessionDir) : -1;
  if (dirFd >= 0) {
    pid_t self = getpid();
    for (int tries = 0; tries < 16; ++tries) {
      uint32_t seq = __atomic_fetch_add(&gSpareSeq, 1, __ATOMIC_RELAXED);
      char name[64];
      logName(name, sizeof(name), "s", (uint64_t)self, seq, ".spare");
      bool exists = false;
      trace::FileHeader *h = makeLogFile(dirFd, name, cap, &exists);
      if (!h && exists)
        continue;
      if (h) {
        h->ppid = self;
        h->generation = seq;
        trace::FileHeader *none = nullptr;
        if (!__atomic_compare_exchange_n(&gSpareReady, &none, h, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE)) {
          unlinkat(dirFd, name, 0); // another thread was quicker
          munmap(h, trace::logFileSize(cap));
        }
      }
      break;
    }
    close(dirFd);
  }
  errno = savedErrno;
}

namespace {

// Slot idx lies past the storage known to be real: make its page real, or report that the file
// system has no room for it.
bool backSlot(uint64_t idx) {
  size_t offset = trace::kHeaderSize + (size_t)idx * trace::kRecordSize;
  if (!backLogRange(gState.header, offset, trace::kRecordSize)) {
    gState.backingFailed = true;
    return false;
  }
  uint64_t upto = ((offset + 4096) / 4096 * 4096 - trace::kHeaderSize) / trace::kRecordSize;
  uint64_t cur = __atomic_load_n(&gState.backedSlots, __ATOMIC_RELAXED);
  while (cur < upto && !__atomic_compare_exchange_n(&gState.backedSlots, &cur, upto, true,
                                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
  return true;
}

void recordProcessStart(bool forked) {
  Event ev{
      trace::EvProcessStart, {getpid(), gState.header->ppid, forked ? 1 : 0, 0, 0, 0}, nullptr, 0};
  if (forked) {
    // Same image and argv as the parent, which the monitor knows: keep fork cheap.
    record(ev);
    return;
  }
  char exe[trace::kTextSize];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  exe[n > 0 ? n : 0] = 0;
  ev.text = exe;
  record(ev);

  int fd = rawOpen("/proc/self/cmdline", O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return;
  char chunk[trace::kTextSize];
  for (int64_t index = 0; index < 32; ++index) {
    ssize_t got = read(fd, chunk, sizeof(chunk));
    if (got <= 0)
      break;
    // Argv chunks carry raw bytes (with NULs); the count travels in a1.
    record(Event{trace::EvArgv, {index, got, 0, 0, 0, 0}, chunk, (size_t)got});
  }
  close(fd);
}

uint64_t parseHex(const char *&p, const char *end) {
  uint64_t v = 0;
  for (; p < end; ++p) {
    char c = *p;
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0)
      break;
    v = v * 16 + (uint64_t)d;
  }
  return v;
}

bool moduleSeen(uintptr_t start) {
  for (int i = 0; i < gState.nModules; ++i)
    if (gState.moduleStart[i] == start)
      return true;
  return false;
}

// True when every pc lies in a mapping this log already describes: no need to read the maps.
bool allCovered(const uint64_t *pcs, int n) {
  for (int i = 0; i < n; ++i) {
    bool in = false;
    for (int m = 0; m < gState.nModules && !in; ++m)
      in = pcs[i] >= gState.moduleStart[m] && pcs[i] < gState.moduleEnd[m];
    if (!in)
      return false;
  }
  return true;
}

// One line of /proc/self/maps: "start-end perms offset dev inode   path".
void considerMapsLine(const char *line, const char *end, const uint64_t *pcs, int n) {
  const char *p = line;
  uint64_t start = parseHex(p, end);
  if (p >= end || *p != '-')
    return;
  ++p;
  uint64_t stop = parseHex(p, end);
  if (p + 5 >= end)
    return;
  bool exec = p[3] == 'x';
  p += 6;
  uint64_t offset = parseHex(p, end);
  if (!exec)
    return;
  bool hit = false;
  for (int i = 0; i < n && !hit; ++i)
    hit = pcs[i] >= start && pcs[i] < stop;
  if (!hit || moduleSeen(start))
    return;
  // The path starts at the first '/' or '[' after the inode column.
  const char *path = p;
  while (path < end && *path != '/' && *path != '[')
    ++path;
  char text[trace::kTextSize];
  size_t len = (size_t)(end - path) < sizeof(text) - 1 ? (size_t)(end - path) : sizeof(text) - 1;
  memcpy(text, path, len);
  text[len] = 0;
  if (gState.nModules < kMaxModules) {
    gState.moduleStart[gState.nModules] = start;
    gState.moduleEnd[gState.nModules++] = stop;
  }
  record(
      Event{trace::EvModule, {(int64_t)start, (int64_t)stop, (int64_t)offset, 0, 0, 0}, text, 0});
}

// Writes EvModule records for the mappings that hold the given pcs, so the monitor can
// symbolize them after the process is gone.
void recordModulesFor(const uint64_t *pcs, int n) {
  if (allCovered(pcs, n))
    return;
  int fd = rawOpen("/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return;
  char buf[4096];
  size_t have = 0;
  for (;;) {
    ssize_t got = read(fd, buf + have, sizeof(buf) - have);
    if (got <= 0)
      break;
    have += (size_t)got;
    size_t begin = 0;
    for (size_t i = 0; i < have; ++i) {
      if (buf[i] != '\n')
        continue;
      considerMapsLine(buf + begin, buf + i, pcs, n);
      begin = i + 1;
    }
    if (begin == 0 && have == sizeof(buf))
      begin = have; // an absurdly long line: skip it
    memmove(buf, buf + begin, have - begin);
    have -= begin;
  }
  close(fd);
}

// Set while this thread walks a stack: a pipe made then is libunwind's own (see unwinding()).
__thread int tlsUnwinding __attribute__((tls_model("initial-exec")));

struct UnwindingScope {
  UnwindingScope() { ++tlsUnwinding; }
  ~UnwindingScope() { --tlsUnwinding; }
};

// Fills out[] with up to max pcs. slots, when given, gets for each frame past the first the
// address of the stack slot its return address was read from (its caller's stack pointer less 8
// on x86_64), for StackCache.
int captureStack(uint64_t *out, int max, void *signalContext, uint64_t *slots = nullptr) {
  UnwindingScope scope;
  unw_cursor_t cursor;
  int n = 0;
  if (!signalContext) {
    unw_context_t ctx;
    unw_getcontext(&ctx);
    if (unw_init_local(&cursor, &ctx) != 0)
      return 0;
    unw_step(&cursor); // skip record()
  } else {
#if PROCSAN_LLVM_LIBUNWIND
    // The interrupted registers, in the order LLVM's x86-64 context keeps them; the walk starts
    // at the exact pc that was interrupted.
    static_assert(sizeof(unw_context_t) >= 21 * sizeof(uint64_t), "x86-64 context layout");
    const greg_t *g = static_cast<const ucontext_t *>(signalContext)->uc_mcontext.gregs;
    unw_context_t ctx;
    memset(&ctx, 0, sizeof(ctx));
    const int order[] = {REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RDI, REG_RSI,
                         REG_RBP, REG_RSP, REG_R8,  REG_R9,  REG_R10, REG_R11,
                         REG_R12, REG_R13, REG_R14, REG_R15, REG_RIP, REG_EFL};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); ++i)
      ctx.data[i] = (uint64_t)g[order[i]];
    if (unw_init_local(&cursor, &ctx) != 0)
      return 0;
#else
    if (unw_init_local2(&cursor, static_cast<unw_context_t *>(signalContext),
                        UNW_INIT_SIGNAL_FRAME) != 0)
      return 0;
#endif
  }
  do {
    unw_word_t ip = 0, sp = 0;
    if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0)
      break;
    if (slots)
      slots[n] = unw_get_reg(&cursor, UNW_REG_SP, &sp) == 0 && sp >= 8 ? sp - 8 : 0;
    out[n++] = ip;
  } while (n < max && unw_step(&cursor) > 0);
  return n;
}

// The last stack this thread took with takeStack: a program that forks in a loop forks from the
// same place each time, and walking the stack again costs more than the fork (libunwind blocks
// signals twice per frame, and writes pages of its own that the last fork made copy-on-write).
// The stack is taken again unless the stack pointer is the same and every caller's return
// address is still in the slot it was read from: then the walk would find the same frames.
struct StackCache {
  uint64_t sp;
  int n;
  uint64_t frames[trace::kMaxFrames];
  uint64_t slots[trace::kMaxFrames];
};
__thread StackCache tlsStackCache __attribute__((tls_model("initial-exec")));

bool sameStackAsLast(const StackCache &c, uint64_t sp) {
  if (c.n <= 2 || c.sp != sp)
    return false;
  for (int i = 2; i < c.n; ++i)
    if (c.slots[i] < sp || *reinterpret_cast<const volatile uint64_t *>(c.slots[i]) != c.frames[i])
      return false;
  return true;
}

void initFromEnvironment(bool forked, pid_t parent) {
  const char *dir = getenv("PROCSAN_SESSION");
  char own[512];
  if (!dir || !*dir) {
    // No wrapper: PROCSAN_OPTIONS makes this process the root of a session of its own.
    if (forked || !startStandaloneSession(own, sizeof(own)))
      return;
    dir = own;
  } else if (!forked) {
    resumeStandaloneSession(dir);
  }
  readLockTracing(dir);
  if (strlen(dir) >= sizeof(gState.sessionDir))
    return;      // a truncated path would put the logs somewhere else
  if (!forked) { // a forked child keeps its parent's answer
    char marker[600];
    size_t m = copyStr(marker, sizeof(marker), dir);
    copyStr(marker + m, sizeof(marker) - m, "/no-consumer");
    gState.noConsumer = access(marker, F_OK) == 0;
  }
  copyStr(gState.sessionDir, sizeof(gState.sessionDir), dir);
  size_t n = copyStr(gState.sessionEntry, sizeof(gState.sessionEntry), "PROCSAN_SESSION=");
  copyStr(gState.sessionEntry + n, sizeof(gState.sessionEntry) - n, dir);
  if (const char *preload = getenv("LD_PRELOAD")) {
    n = copyStr(gState.preloadEntry, sizeof(gState.preloadEntry), "LD_PRELOAD=");
    copyStr(gState.preloadEntry + n, sizeof(gState.preloadEntry) - n, preload);
  }
  if (!openLog(getpid(), forked ? parent : getppid()))
    return;
  gState.active = true;
  gLogState = stateOf(gState.header);
  recordProcessStart(forked);
}

} // namespace

bool unwinding() { return tlsUnwinding > 0; }

void *resolveNext(const char *name) { return dlsym(RTLD_NEXT, name); }

bool active() { return gState.active; }

trace::LogState *gLogState;
__thread int tlsTid __attribute__((tls_model("initial-exec")));

int cacheTid() {
  tlsTid = (int)syscall(SYS_gettid);
  return tlsTid;
}

void forEachMapping(bool (*fn)(void *, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                               const char *),
                    void *ctx) {
  int fd = rawOpen("/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return;
  char buf[4096];
  size_t have = 0;
  bool more = true;
  while (more) {
    ssize_t got = read(fd, buf + have, sizeof(buf) - have);
    if (got <= 0)
      break;
    have += (size_t)got;
    size_t begin = 0;
    for (size_t i = 0; i < have && more; ++i) {
      if (buf[i] != '\n')
        continue;
      const char *p = buf + begin, *end = buf + i;
      begin = i + 1;
      uint64_t start = parseHex(p, end);
      if (p >= end || *p != '-')
        continue;
      ++p;
      uint64_t stop = parseHex(p, end);
      if (p + 6 >= end)
        continue;
      char perms[5];
      memcpy(perms, p + 1, 4);
      perms[4] = 0;
      p += 6;
      uint64_t offset = parseHex(p, end);
      ++p;
      uint64_t major = parseHex(p, end);
      ++p;
      uint64_t minor = parseHex(p, end);
      ++p;
      uint64_t inode = 0;
      for (; p < end && *p >= '0' && *p <= '9'; ++p)
        inode = inode * 10 + (uint64_t)(*p - '0');
      more = fn(ctx, start, stop, offset, (major << 20) | minor, inode, perms);
    }
    if (begin == 0 && have == sizeof(buf))
      begin = have;
    memmove(buf, buf + begin, have - begin);
    have -= begin;
  }
  close(fd);
}

namespace {
uint64_t gThreadedForkNs; // when this process last forked with other threads alive (atomic)
} // namespace

void noteThreadedFork() { __atomic_store_n(&gThreadedForkNs, nowNs(), __ATOMIC_RELAXED); }

bool threadedForkRecently() {
  uint64_t at = __atomic_load_n(&gThreadedForkNs, __ATOMIC_RELAXED);
  return at && nowNs() - at < 1000000000ull;
}

bool roomForOptionalEvents() {
  // A quarter of the log stays for what the detectors need (exits, crashes, waits).
  if (!gState.active)
    return false;
  uint64_t next = __atomic_load_n(&gState.header->nextIndex, __ATOMIC_RELAXED);
  uint64_t consumed = __atomic_load_n(&gState.header->consumed, __ATOMIC_RELAXED);
  return next < consumed + (uint64_t)gState.capacity * 3 / 4;
}

const char *preloadEntry() { return gState.preloadEntry[0] ? gState.preloadEntry : nullptr; }
const char *sessionEntry() { return gState.sessionEntry[0] ? gState.sessionEntry : nullptr; }

void ensureInit() {
  if (__atomic_load_n(&gState.initState, __ATOMIC_ACQUIRE) == 2)
    return;
  int expected = 0;
  if (!__atomic_compare_exchange_n(&gState.initState, &expected, 1, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE))
    return; // another thread (or a re-entrant call) is initialising; do not wait on it
  initFromEnvironment(false, 0);
  if (gState.active) {
    py::init(); // finds a CPython in this process (dlsym: not in a signal handler)
    installCrashHandlers();
    prepareExitFunctions();
  }
  __atomic_store_n(&gState.initState, 2, __ATOMIC_RELEASE);
}

namespace {

// Event idx goes around the ring into the slot of event idx - capacity: wait until the monitor
// has consumed that one. The monitor looks at filling logs several times a second, so a writer
// waits only when it outruns the monitor by a whole ring; it then sleeps in 1 ms steps
// (async-signal-safe: this may run in a signal handler). When nothing is consumed for 2 s (the
// monitor is stopped, or was killed), the event is dropped and later writers drop at once for a
// second (FileHeader::backoffUntilNs) rather than wait again; the monitor's next consumption
// ends that. A log nobody consumes (consumerGone) drops at once.
bool waitForRoom(uint64_t idx) {
  trace::FileHeader *h = gState.header;
  uint64_t seen = __atomic_load_n(&h->consumed, __ATOMIC_ACQUIRE);
  if (idx < seen + gState.capacity)
    return true;
  if (__atomic_load_n(&h->consumerGone, __ATOMIC_RELAXED) ||
      nowNs() < __atomic_load_n(&h->backoffUntilNs, __ATOMIC_RELAXED))
    return false;
  int idle = 0;
  for (int spin = 0;; ++spin) {
    if (spin < 16) {
      sched_yield();
    } else {
      struct timespec ms = {0, 1000000};
      nanosleep(&ms, nullptr);
      ++idle;
    }
    uint64_t now = __atomic_load_n(&h->consumed, __ATOMIC_ACQUIRE);
    if (idx < now + gState.capacity)
      return true;
    if (now != seen) {
      seen = now;
      idle = 0;
    }
    if (__atomic_load_n(&h->consumerGone, __ATOMIC_RELAXED))
      return false;
    if (idle > 2000) {
      __atomic_store_n(&h->backoffUntilNs, nowNs() + 1000000000ull, __ATOMIC_RELAXED);
      return false;
    }
  }
}

// Takes the index of the next event, once its slot is free (the event capacity before it was
// consumed): an event that cannot be stored takes no index, so the ring has no gap for the
// monitor to wait on. False: dropped (counted).
bool reserveIndex(uint64_t &idx) {
  trace::FileHeader *h = gState.header;
  idx = __atomic_load_n(&h->nextIndex, __ATOMIC_RELAXED);
  for (;;) {
    if (idx >= gState.capacity) {
      // A later lap: its slots were made real in the first one, unless backing them failed then.
      if (gState.backingFailed)
        return false;
      if (idx >= __atomic_load_n(&h->consumed, __ATOMIC_ACQUIRE) + gState.capacity) {
        if (!waitForRoom(idx))
          return false;
        idx = __atomic_load_n(&h->nextIndex, __ATOMIC_RELAXED);
        continue;
      }
    }
    if (__atomic_compare_exchange_n(&h->nextIndex, &idx, idx + 1, true, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED))
      return true;
  }
}

// Appends one record whose payload is written raw: len bytes from the record's frames on
// (through its text), nframes of them counted as frames. For the Python records, which need
// more room for names than the text has. Async-signal-safe.
bool recordRaw(trace::EventKind kind, const int64_t (&args)[6], const void *payload, size_t len,
               int nframes) {
  uint64_t idx = 0;
  if (!reserveIndex(idx) ||
      (idx < gState.capacity && idx >= __atomic_load_n(&gState.backedSlots, __ATOMIC_RELAXED) &&
       !backSlot(idx))) {
    __atomic_fetch_add(&gState.header->dropped, 1, __ATOMIC_RELAXED);
    return false;
  }
  trace::Record *slot = &gState.records[trace::slotOf(idx, gState.capacity)];
  slot->tid = (uint32_t)currentTid();
  slot->timeNs = nowNs();
  for (int i = 0; i < 6; ++i)
    slot->args[i] = args[i];
  char *area = reinterpret_cast<char *>(slot->frames);
  size_t room = trace::kPyNamesSize;
  memcpy(area, payload, len < room ? len : room);
  if (len < room)
    memset(area + len, 0, room - len);
  slot->nframes = (uint16_t)nframes;
  __atomic_store_n(&slot->kind, (uint16_t)kind, __ATOMIC_RELEASE);
  return true;
}

// Code objects this process image has named in its log (EvPyCode), by address and fingerprint:
// an open-addressed set filled with compare-and-swap, so any thread (or a signal handler) can
// add to it. A code object is added once its name is in the log (two threads may both name it:
// harmless); one freed and another made at its address has another fingerprint and is named
// again. A child of fork starts a new log and forgets the set. When it is full, names are simply
// written again.
constexpr int kPyCodeSlots = 2048;
uint64_t gPyCodesNamed[kPyCodeSlots];
bool gPyInfoRecorded;

uint64_t pyCodeKey(const py::Frame &f) {
  return (f.code & 0xffffffffffffull) | ((uint64_t)f.fingerprint << 48);
}

uint64_t *pyCodeSlot(uint64_t key, bool claim) {
  uint64_t h = key * 0x9e3779b97f4a7c15ull;
  for (int probe = 0; probe < 16; ++probe) {
    uint64_t *slot = &gPyCodesNamed[((h >> 40) + (uint64_t)probe) % kPyCodeSlots];
    uint64_t cur = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (cur == key)
      return slot;
    if (cur == 0) {
      if (!claim)
        return nullptr;
      uint64_t expected = 0;
      if (__atomic_compare_exchange_n(slot, &expected, key, false, __ATOMIC_ACQ_REL,
                                      __ATOMIC_ACQUIRE) ||
          expected == key)
        return slot;
    }
  }
  return nullptr;
}

void recordPythonInfo() {
  if (__atomic_exchange_n(&gPyInfoRecorded, true, __ATOMIC_ACQ_REL))
    return;
  // A function of the interpreter tells the monitor which module the interpreter is (its
  // frames are folded away in reports).
  uint64_t code = py::interpreterCodeAddress();
  if (code)
    recordModulesFor(&code, 1);
  py::Remote remote;
  py::describeForRemote(remote);
  int64_t args[6] = {(int64_t)py::version(),   py::status(),  (int64_t)remote.runtime,
                     (int64_t)remote.codeType, (int64_t)code, (int64_t)remote.unicodeType};
  const char *why = py::status() == 2 ? py::unreadableReason() : "";
  char payload[trace::kPyNamesSize];
  memset(payload, 0, sizeof(payload));
  // More addresses as the record's frames; the reason where a record's text is.
  uint64_t more[4] = {remote.bytesType, remote.frameType, 0, 0};
  py::evalLoopRange(&more[2], &more[3]);
  memcpy(payload, more, sizeof(more));
  size_t len = 0;
  for (const char *c = why; *c && len + 1 < trace::kTextSize; ++c)
    payload[trace::kMaxFrames * 8 + len++] = *c;
  recordRaw(trace::EvPyInfo, args, payload, sizeof(payload), 4);
}

// The Python frames of the calling thread, after a record with a native stack (EvPyStack), and
// the names of code objects not named yet in this log (EvPyCode).
void recordPythonFrames() {
  recordPythonInfo();
  if (py::status() != 1)
    return;
  constexpr int kMaxPyCapture = 48;
  py::Frame frames[kMaxPyCapture];
  int n = py::captureThisThread(frames, kMaxPyCapture);
  if (n <= 0)
    return;
  for (int i = 0; i < n && i < (int)trace::kMaxPyFrames; ++i) {
    uint64_t key = pyCodeKey(frames[i]);
    if (pyCodeSlot(key, false))
      continue;
    char names[trace::kPyNamesSize];
    char *file = names;
    char name[256];
    int32_t firstLine = 0;
    if (!py::codeStrings(frames[i].code, file, 300, name, sizeof(name), &firstLine))
      continue;
    size_t fileLen = strlen(file);
    size_t nameLen = strnlen(name, sizeof(names) - fileLen - 2);
    memcpy(names + fileLen + 1, name, nameLen);
    names[fileLen + 1 + nameLen] = 0;
    int64_t args[6] = {
        (int64_t)frames[i].code, firstLine, (int64_t)(fileLen + nameLen + 2), 0, 0, 0};
    if (recordRaw(trace::EvPyCode, args, names, fileLen + nameLen + 2, 0))
      pyCodeSlot(key, true);
  }
  int kept = n < (int)trace::kMaxPyFrames ? n : (int)trace::kMaxPyFrames;
  struct {
    uint64_t codes[trace::kMaxFrames];
    int32_t lines[trace::kTextSize / 4];
  } payload;
  memset(&payload, 0, sizeof(payload));
  int64_t entries = 0;
  for (int i = 0; i < kept; ++i) {
    payload.codes[i] = frames[i].code;
    payload.lines[i] = frames[i].line;
    if (frames[i].flags & py::kEvalEntry)
      entries |= (int64_t)1 << i;
  }
  static_assert(sizeof(payload) == trace::kPyNamesSize, "codes fill the frames, lines the text");
  static_assert(trace::kMaxPyFrames <= 62, "entry frames fit a4's bits");
  // a2: the capture stopped at its limit, so the thread may have had more frames than a1. a3:
  // a4 says which frames began an eval loop call.
  const bool entriesKnown = kept > 0 && (frames[0].flags & py::kEvalKnown);
  int64_t args[6] = {kept, n, n == kMaxPyCapture ? 1 : 0, entriesKnown ? 1 : 0, entries, 0};
  recordRaw(trace::EvPyStack, args, &payload, sizeof(payload), kept);
}

bool lookForInterpreterAt(uint16_t kind) {
  switch (kind) {
  case trace::EvFork:
  case trace::EvIpcCreate:
  case trace::EvSysvShmGet:
  case trace::EvSharedMap:
  case trace::EvLockTaken:
  case trace::EvLockBlock:
  case trace::EvMqBlock:
    return true;
  default:
    return false;
  }
}

// The body of both record()s: frames, when given, were taken earlier (n of them); otherwise the
// stack is taken here when asked for.
void recordWith(const Event &ev, const uint64_t *frames, int n, bool wantStack,
                void *signalContext) {
  if (!gState.active)
    return;
  int savedErrno = errno;
  uint64_t idx = 0;
  if (!reserveIndex(idx) ||
      (idx < gState.capacity && idx >= __atomic_load_n(&gState.backedSlots, __ATOMIC_RELAXED) &&
       !backSlot(idx))) {
    __atomic_fetch_add(&gState.header->dropped, 1, __ATOMIC_RELAXED);
    errno = savedErrno;
    return;
  }
  trace::Record *slot = &gState.records[trace::slotOf(idx, gState.capacity)];
  slot->tid = (uint32_t)currentTid();
  slot->timeNs = nowNs();
  for (int i = 0; i < 6; ++i)
    slot->args[i] = ev.args[i];
  if (ev.textLength)
    memcpy(slot->text, ev.text,
           ev.textLength < sizeof(slot->text) ? ev.textLength : sizeof(slot->text));
  else
    copyStr(slot->text, sizeof(slot->text), ev.text);
  bool taken = false;
  if (frames) {
    memcpy(slot->frames, frames, (size_t)n * sizeof(uint64_t));
  } else if (wantStack || signalContext) {
    n = captureStack(slot->frames, (int)trace::kMaxFrames, signalContext);
    taken = true;
  }
  slot->nframes = (uint16_t)n;
  __atomic_store_n(&slot->kind, (uint16_t)ev.kind, __ATOMIC_RELEASE);
  if (taken && n > 0)
    recordModulesFor(slot->frames, n);
  // A program that loaded libpython itself (dlopen) may run Python by now: looked for at the
  // events of the program's own flow, never in a signal handler's (the loader's lock).
  if (n > 0 && !signalContext && py::status() == 0 && lookForInterpreterAt(ev.kind))
    py::noticeLoadedInterpreter();
  if (n > 0 && py::status() != 0)
    recordPythonFrames();
  errno = savedErrno;
}

} // namespace

void record(const Event &ev, bool wantStack, void *signalContext) {
  recordWith(ev, nullptr, 0, wantStack, signalContext);
}

void takeStack(Stack &out) {
  out.n = 0;
  if (!gState.active)
    return;
  int savedErrno = errno;
#if defined(__x86_64__)
  uint64_t sp;
  __asm__ __volatile__("mov %%rsp, %0" : "=r"(sp));
  StackCache &c = tlsStackCache;
  if (sameStackAsLast(c, sp)) {
    memcpy(out.frames, c.frames, (size_t)c.n * sizeof(uint64_t));
    out.n = c.n;
    // The cache may come from before a fork: this log may not know the modules yet.
    recordModulesFor(out.frames, out.n);
    errno = savedErrno;
    return;
  }
  c.n = 0;
  out.n = captureStack(out.frames, (int)trace::kMaxFrames, nullptr, c.slots);
  // Frames 0 and 1 are captureStack and this function; the slots of the callers' return
  // addresses lie above this frame.
  bool cacheable = out.n > 2;
  for (int i = 2; i < out.n && cacheable; ++i)
    cacheable = c.slots[i] >= sp;
  if (cacheable) {
    memcpy(c.frames, out.frames, (size_t)out.n * sizeof(uint64_t));
    c.sp = sp;
    c.n = out.n;
  }
#else
  out.n = captureStack(out.frames, (int)trace::kMaxFrames, nullptr);
#endif
  if (out.n > 0)
    recordModulesFor(out.frames, out.n);
  errno = savedErrno;
}

void record(const Event &ev, const Stack &stack) {
  recordWith(ev, stack.frames, stack.n < 0 ? 0 : stack.n, false, nullptr);
}

void afterForkInChild(pid_t parent, ForkLog taken) {
  if (!gState.active)
    return;
  // The parent's log is still mapped here; drop it so nothing the child writes lands in it.
  munmap(gState.header, trace::logFileSize(gState.capacity));
  tlsTid = 0; // the forking thread has a new id here
  gThreadedForkNs = 0;
  // The child's log is new: code objects are named again there.
  memset(gPyCodesNamed, 0, sizeof(gPyCodesNamed));
  gPyInfoRecorded = false;
  gLogState = nullptr;
  gState.active = false;
  gState.header = nullptr;
  gState.records = nullptr;
  // A spare the parent made that another thread's fork took is not this child's either.
  trace::FileHeader *other =
      __atomic_exchange_n(&gSpareReady, (trace::FileHeader *)nullptr, __ATOMIC_ACQ_REL);
  if (other)
    munmap(other, trace::logFileSize(other->capacity));
  pid_t self = getpid();
  if (!(taken.spare && adoptSpare(taken.spare, self, parent)) && !openLog(self, parent))
    return;
  gState.active = true;
  gLogState = stateOf(gState.header);
  locksAfterForkInChild();
  recordProcessStart(true);
}

bool sessionMark(const char *kind, const char *name, bool create) {
  if (!gState.active || !name)
    return false;
  char path[1024];
  size_t n = copyStr(path, sizeof(path), gState.sessionDir);
  n += copyStr(path + n, sizeof(path) - n, "/m");
  n += copyStr(path + n, sizeof(path) - n, kind);
  path[n++] = '-';
  // Names may hold '/': keep the file inside the session directory.
  for (size_t i = 0; name[i] && n + 1 < sizeof(path); ++i)
    path[n++] = name[i] == '/' ? '_' : name[i];
  path[n] = 0;
  if (!create)
    return access(path, F_OK) == 0;
  int fd = rawOpen(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0)
    close(fd);
  return fd >= 0;
}

} // namespace rt
} // namespace procsan

// Runs when the library is loaded, before the program's main.
__attribute__((constructor)) static void procsanRuntimeInit() { procsan::rt::ensureInit(); }

// Runs during exit() processing (also after a return from main), never after _exit: tells the
// monitor that this image ran its exit handlers and flushed its stdio buffers.
__attribute__((destructor)) static void procsanRuntimeFini() {
  procsan::rt::noteChildrenWaitingForExit();
  procsan::rt::record(procsan::rt::Event{
      procsan::trace::EvExit, {0, procsan::trace::ExitAtexit, 0, 0, 0, 0}, nullptr, 0});
}
