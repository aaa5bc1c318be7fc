// pthread mutexes: private ones (every threading.Lock, most C++ std::mutex) take a fast path
// that records nothing; process-shared ones update the held-locks table, and record a stack
// only before blocking and for a new lock-order edge.
#include "rt/locks.h"
#include "rt/options.h"
#include "rt/runtime.h"

#include <errno.h>
#include <pthread.h>

using namespace procsan;

namespace {

// glibc keeps PTHREAD_MUTEX_PSHARED_BIT (128) in __data.__kind.
inline bool isShared(const pthread_mutex_t *m) { return (m->__data.__kind & 128) != 0; }

using LockFn = int (*)(pthread_mutex_t *);

LockFn realTrylock() {
  PROCSAN_REAL("pthread_mutex_trylock", LockFn);
  return real;
}

using TimedLockFn = int (*)(pthread_mutex_t *, const struct timespec *);

TimedLockFn realTimedlock() {
  PROCSAN_REAL("pthread_mutex_timedlock", TimedLockFn);
  return real;
}

// The wait for a mutex trylock found taken (limit: the caller's deadline, or null for
// pthread_mutex_lock). pthread_mutex_lock's wait is not recorded at all (unless a timeline was
// asked for): its slot in the held table, filled by rt::prepareAcquire, says which lock the
// thread waits for, and a hang diagnosis takes the stack from the blocked thread. Anything else
// (a timed try first, like a timed lock's) would give every contended hand-off a kernel timer:
// with four processes contending for one mutex, that was most of the runtime's cost. A timed
// lock waits a short while first and records the wait with its stack only if it lasts
// (rt::graceDeadline).
int waitTaken(pthread_mutex_t *m, const rt::LockId &id, const struct timespec *limit) {
  PROCSAN_REAL("pthread_mutex_lock", LockFn);
  if (!limit && !rt::gLockTracing)
    return real(m);
  struct timespec grace;
  bool userFirst = false;
  if (rt::graceDeadline(&grace, limit, &userFirst)) {
    int r = realTimedlock()(m, &grace);
    if (r != ETIMEDOUT || userFirst)
      return r;
  }
  rt::noteBlocking(id, trace::LockMutex, m);
  int r = limit ? realTimedlock()(m, limit) : real(m);
  rt::noteWoke(id, trace::LockMutex, r == EOWNERDEAD ? 0 : r);
  return r;
}

// glibc declares the deadline nonnull, but a program may still pass NULL (a separate function, so
// the compiler does not fold the test away).
__attribute__((noinline)) bool hasDeadline(const struct timespec *t) { return t != nullptr; }

// The process-shared mutexes this thread locked last, with their identity and the held-table
// slot it parked for each (rt::releaseSlot). Locking one of them again needs no look at the mutex
// itself: other processes fight over its cache line, and reading its type well before the lock's
// own atomic operation costs a second transfer of the line (with four processes contending, that
// doubled the run time); nor a search for a slot. Entries are good while rt::sharedEpoch() is
// unchanged: no mutex was initialised or destroyed and no memory was mapped or unmapped since.
constexpr int kKnown = 4;
struct KnownMutexes {
  int n;
  uint32_t epoch;
  const pthread_mutex_t *addr[kKnown];
  uint64_t dev[kKnown], inode[kKnown], offset[kKnown];
  int slot[kKnown]; // parked or held slot, or -1
};
__thread KnownMutexes tlsKnown __attribute__((tls_model("initial-exec")));

void forgetKnown() {
  KnownMutexes &k = tlsKnown;
  for (int i = 0; i < k.n; ++i)
    rt::unparkSlot(k.slot[i]);
  k.n = 0;
}

// Where m is in this thread's cache (its identity in id), or -1.
inline int knownShared(const pthread_mutex_t *m, rt::LockId &id) {
  KnownMutexes &k = tlsKnown;
  if (k.n == 0)
    return -1;
  for (int i = 0; i < k.n; ++i) {
    if (k.addr[i] != m)
      continue;
    if (k.epoch != rt::sharedEpoch()) {
      forgetKnown();
      return -1;
    }
    id = rt::LockId{k.dev[i], k.inode[i], k.offset[i]};
    return i;
  }
  return -1;
}

int rememberShared(const pthread_mutex_t *m, const rt::LockId &id) {
  KnownMutexes &k = tlsKnown;
  uint32_t epoch = rt::sharedEpoch();
  if (k.epoch != epoch) {
    forgetKnown();
    k.epoch = epoch;
  }
  int i = k.n < kKnown ? k.n++ : kKnown - 1;
  if (i == kKnown - 1 && k.addr[i])
    rt::unparkSlot(k.slot[i]); // evicted (a held slot stays: the unlock finds it by its lock)
  k.addr[i] = m;
  k.dev[i] = id.dev;
  k.inode[i] = id.inode;
  k.offset[i] = id.offset;
  k.slot[i] = -1;
  return i;
}

} // namespace

PROCSAN_INTERCEPTOR int pthread_mutex_lock(pthread_mutex_t *m) {
  PROCSAN_REAL("pthread_mutex_lock", LockFn);
  rt::LockId id;
  int known = knownShared(m, id);
  if (known < 0) {
    if (!isShared(m) || !rt::active())
      return real(m);
    id = rt::identify(m);
    known = rememberShared(m, id);
  }
  int slot = tlsKnown.slot[known];
  trace::LogState *st = rt::logState();
  bool parked = st && rt::takeParkedSlot(st, slot, id, trace::LockMutex);
  if (!parked)
    slot = rt::prepareAcquire(id, trace::LockMutex, slot);
  int r = realTrylock()(m);
  if (r == EBUSY)
    r = waitTaken(m, id, nullptr);
  bool ok = r == 0 || r == EOWNERDEAD;
  // Held nothing else: no order edge to record, one store (and, when this thread had no slot
  // for the lock yet, maybe its first take of it).
  if (ok && st && slot >= 0 && slot < (int)trace::kMaxHeld && !rt::gLockTracing &&
      rt::tlsHeldCount <= 0) {
    rt::markKnownSlotHeld(st, slot);
    if (!parked)
      rt::noteTaken(id, trace::LockMutex);
  } else
    rt::finishAcquire(slot, id, trace::LockMutex, nullptr, ok, /*edges=*/true);
  tlsKnown.slot[known] = ok ? slot : -1;
  return r;
}

PROCSAN_INTERCEPTOR int pthread_mutex_trylock(pthread_mutex_t *m) {
  int r = realTrylock()(m);
  if ((r == 0 || r == EOWNERDEAD) && isShared(m) && rt::active())
    rt::noteAcquired(rt::identify(m), trace::LockMutex, m);
  return r;
}

PROCSAN_INTERCEPTOR int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *t) {
  PROCSAN_REAL("pthread_mutex_timedlock", int (*)(pthread_mutex_t *, const struct timespec *));
  if (!isShared(m) || !rt::active())
    return real(m, t);
  rt::LockId id = rt::identify(m);
  int r = realTrylock()(m);
  if (r == EBUSY)
    r = hasDeadline(t) ? waitTaken(m, id, t) : real(m, t); // glibc's own answer, unrecorded
  if (r == 0 || r == EOWNERDEAD)
    rt::noteAcquired(id, trace::LockMutex, m);
  return r;
}

PROCSAN_INTERCEPTOR int pthread_mutex_unlock(pthread_mutex_t *m) {
  PROCSAN_REAL("pthread_mutex_unlock", LockFn);
  rt::LockId id;
  int known = knownShared(m, id);
  if (known >= 0) {
    int slot = tlsKnown.slot[known];
    trace::LogState *st = rt::logState();
    bool inTable = st && slot >= 0 && slot < (int)trace::kMaxHeld;
    if (inTable && (rt::gLockTracing ? rt::releaseSlot(slot, id, /*park=*/true)
                                     : rt::releaseKnownSlot(st, slot)))
      return real(m);
  }
  if ((known >= 0 || isShared(m)) && rt::active() && !rt::noteReleasedAt(m))
    rt::noteReleased(known >= 0 ? id : rt::identify(m));
  return real(m);
}

// A mutex made or unmade here may be a different kind of mutex at an address seen before.
PROCSAN_INTERCEPTOR int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr) {
  PROCSAN_REAL("pthread_mutex_init", int (*)(pthread_mutex_t *, const pthread_mutexattr_t *));
  rt::mutexRemade(m);
  return real(m, attr);
}

PROCSAN_INTERCEPTOR int pthread_mutex_destroy(pthread_mutex_t *m) {
  PROCSAN_REAL("pthread_mutex_destroy", LockFn);
  rt::mutexRemade(m);
  return real(m);
}
