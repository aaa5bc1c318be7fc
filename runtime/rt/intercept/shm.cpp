// Shared memory: mmap(MAP_SHARED)/munmap and the SysV segment calls. A SysV segment outlives
// every process until someone removes it with shmctl(IPC_RMID), so its creation carries the
// stack (mp-leaked-ipc). Private mappings (every malloc arena, every loaded library) take a fast
// path that records nothing.
#include "rt/locks.h"
#include "rt/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace procsan;

namespace {

// Shared mappings this process made, so munmap records only those (munmap of private memory is
// frequent: free() of large blocks). Slots are claimed with a compare-exchange on start.
constexpr int kMaxTracked = 128;
struct Tracked {
  uintptr_t start;
  uintptr_t end;
};
Tracked gTracked[kMaxTracked];
int gTrackedCount; // slots ever used (a high-water mark)

void track(uintptr_t start, size_t len) {
  for (int i = 0; i < kMaxTracked; ++i) {
    uintptr_t expected = 0;
    if (__atomic_compare_exchange_n(&gTracked[i].start, &expected, start, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_RELAXED)) {
      __atomic_store_n(&gTracked[i].end, start + len, __ATOMIC_RELEASE);
      int used = __atomic_load_n(&gTrackedCount, __ATOMIC_RELAXED);
      while (used < i + 1 && !__atomic_compare_exchange_n(&gTrackedCount, &used, i + 1, false,
                                                          __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
      }
      return;
    }
  }
}

// True when [start, start+len) touches a tracked mapping; forgets the ones it covers.
bool untrack(uintptr_t start, size_t len) {
  int used = __atomic_load_n(&gTrackedCount, __ATOMIC_ACQUIRE);
  bool hit = false;
  for (int i = 0; i < used; ++i) {
    uintptr_t s = __atomic_load_n(&gTracked[i].start, __ATOMIC_ACQUIRE);
    uintptr_t e = __atomic_load_n(&gTracked[i].end, __ATOMIC_ACQUIRE);
    if (s == 0 || e <= start || s >= start + len)
      continue;
    hit = true;
    if (s >= start && e <= start + len)
      __atomic_store_n(&gTracked[i].start, (uintptr_t)0, __ATOMIC_RELEASE);
  }
  return hit;
}

// The system calls themselves: resolving the next mmap with dlsym could allocate, and an
// allocator that maps memory through the PLT would come back here before the answer is known.
void *sysMmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);
  return (void *)r;
}

void noteMap(void *r, size_t len, int flags, int fd, off_t off) {
  if (r == MAP_FAILED)
    return;
  rt::forgetMappings((uintptr_t)r, len); // MAP_FIXED over, or reuse of, an address seen before
  if (!(flags & MAP_SHARED) || !rt::active())
    return;
  int savedErrno = errno;
  (void)off;
  // The identity locks in this mapping will have (device and inode as /proc/self/maps shows
  // them, also for anonymous shared memory), the file's path, and the stack: the mapping's
  // creation is what names a mutex in it in a report.
  rt::LockId id = rt::identify(r);
  char path[256];
  path[0] = 0;
  if (!(flags & MAP_ANONYMOUS) && fd >= 0) {
    char link[32] = "/proc/self/fd/";
    char digits[12];
    int nd = 0;
    for (unsigned v = (unsigned)fd; nd == 0 || v > 0; v /= 10)
      digits[nd++] = (char)('0' + v % 10);
    size_t at = strlen(link);
    while (nd > 0)
      link[at++] = digits[--nd];
    link[at] = 0;
    long n = syscall(SYS_readlinkat, AT_FDCWD, link, path, sizeof(path) - 1);
    path[n > 0 ? n : 0] = 0;
  }
  track((uintptr_t)r, len);
  rt::record(rt::Event{trace::EvSharedMap,
                       {(int64_t)(uintptr_t)r, (int64_t)len, flags, (int64_t)id.dev,
                        (int64_t)id.inode, (int64_t)id.offset},
                       path[0] ? path : nullptr,
                       0},
             /*wantStack=*/true);
  errno = savedErrno;
}

} // namespace

PROCSAN_INTERCEPTOR void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  void *r = sysMmap(addr, len, prot, flags, fd, off);
  noteMap(r, len, flags, fd, off);
  return r;
}

PROCSAN_INTERCEPTOR void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  void *r = sysMmap(addr, len, prot, flags, fd, off);
  noteMap(r, len, flags, fd, off);
  return r;
}

PROCSAN_INTERCEPTOR int munmap(void *addr, size_t len) {
  int r = (int)syscall(SYS_munmap, addr, len);
  if (r == 0)
    rt::forgetMappings((uintptr_t)addr, len);
  if (r == 0 && __atomic_load_n(&gTrackedCount, __ATOMIC_RELAXED) > 0 &&
      untrack((uintptr_t)addr, len)) {
    int savedErrno = errno;
    rt::record(rt::Event{
        trace::EvSharedUnmap, {(int64_t)(uintptr_t)addr, (int64_t)len, 0, 0, 0, 0}, nullptr, 0});
    errno = savedErrno;
  }
  return r;
}

PROCSAN_INTERCEPTOR int shmget(key_t key, size_t size, int flags) {
  rt::ensureInit();
  PROCSAN_REAL("shmget", int (*)(key_t, size_t, int));
  int r = real(key, size, flags);
  if (r < 0 || !rt::active())
    return r;
  int savedErrno = errno;
  // Whether this call made the segment: certain for IPC_PRIVATE and IPC_CREAT|IPC_EXCL; for a
  // plain IPC_CREAT, a segment this process made that nobody has attached yet.
  bool created = key == IPC_PRIVATE || ((flags & IPC_CREAT) && (flags & IPC_EXCL));
  if (!created && (flags & IPC_CREAT)) {
    struct shmid_ds ds;
    created = syscall(SYS_shmctl, r, IPC_STAT, &ds) == 0 && ds.shm_cpid == getpid() &&
              ds.shm_nattch == 0 && ds.shm_atime == 0;
  }
  rt::record(
      rt::Event{
          trace::EvSysvShmGet, {r, key, (int64_t)size, flags, created ? 1 : 0, 0}, nullptr, 0},
      /*wantStack=*/created);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR void *shmat(int id, const void *addr, int flags) {
  rt::ensureInit();
  PROCSAN_REAL("shmat", void *(*)(int, const void *, int));
  void *r = real(id, addr, flags);
  int savedErrno = errno;
  rt::record(rt::Event{trace::EvSysvShmAt, {id, (int64_t)(intptr_t)r, 0, 0, 0, 0}, nullptr, 0});
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int shmdt(const void *addr) {
  rt::ensureInit();
  PROCSAN_REAL("shmdt", int (*)(const void *));
  int r = real(addr);
  int savedErrno = errno;
  rt::record(rt::Event{trace::EvSysvShmDt, {(int64_t)(intptr_t)addr, r, 0, 0, 0, 0}, nullptr, 0});
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int shmctl(int id, int cmd, struct shmid_ds *buf) {
  rt::ensureInit();
  PROCSAN_REAL("shmctl", int (*)(int, int, struct shmid_ds *));
  int r = real(id, cmd, buf);
  if (cmd == IPC_RMID) {
    int savedErrno = errno;
    rt::record(rt::Event{trace::EvSysvShmRmid, {id, r, 0, 0, 0, 0}, nullptr, 0});
    errno = savedErrno;
  }
  return r;
}
