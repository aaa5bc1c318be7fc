// POSIX semaphores. Process-private ones (sem_init(s, 0, n)) take a fast path. Shared ones:
// a wait that would block is marked in the held table (for hang diagnosis); binary semaphores
// (created with value 1, as multiprocessing.Lock is) are tracked as locks held by the waiter
// until it posts.
#include "rt/locks.h"
#include "rt/options.h"
#include "rt/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdarg.h>

using namespace procsan;

namespace {

// glibc's new semaphore: {uint64 data; int private; int pad}. The field holds the futex flag
// glibc passes along: 0 for sem_init(s, 0, n), non-zero for shared and sem_open'ed ones.
inline bool isShared(const sem_t *s) { return reinterpret_cast<const int *>(s)[2] != 0; }

using WaitFn = int (*)(sem_t *);

WaitFn realTrywait() {
  PROCSAN_REAL("sem_trywait", WaitFn);
  return real;
}

void acquired(sem_t *s, const rt::LockId &id) {
  (void)s;
  if (rt::isBinarySemaphore(id))
    rt::noteAcquired(id, trace::LockSem);
}

} // namespace

PROCSAN_INTERCEPTOR int sem_init(sem_t *s, int pshared, unsigned value) {
  rt::ensureInit();
  PROCSAN_REAL("sem_init", int (*)(sem_t *, int, unsigned));
  int r = real(s, pshared, value);
  int savedErrno = errno;
  if (r == 0 && pshared && rt::active())
    rt::noteSemaphoreCreated(rt::identify(s), value, false);
  errno = savedErrno;
  return r;
}

namespace {

using TimedWaitFn = int (*)(sem_t *, const struct timespec *);

TimedWaitFn realTimedwait() {
  PROCSAN_REAL("sem_timedwait", TimedWaitFn);
  return real;
}

// The wait of sem_wait (limit null) or sem_timedwait once the semaphore was found taken.
// sem_wait's wait records nothing (unless a timeline was asked for): the held-table slot filled
// before it (rt::prepareAcquire) says which semaphore the thread waits for, and a hang diagnosis
// takes the blocked thread's stack itself. A stack per blocking wait cost every hand-off through
// a multiprocessing Lock or Queue a walk of the interpreter's stack, and filled the log. A timed
// wait first waits a short while and is recorded only if the semaphore is still not there after
// it (rt::graceDeadline); sem_wait cannot do the same, since a timed futex wait ends with EINTR
// when a handler runs, where sem_wait restarts under SA_RESTART.
int waitUnrecorded(sem_t *s, const rt::LockId &id, int savedErrno) {
  PROCSAN_REAL("sem_wait", WaitFn);
  bool binary = rt::isBinarySemaphore(id);
  int slot = rt::prepareAcquire(id, trace::LockSem);
  errno = savedErrno;
  int r = real(s);
  int err = errno;
  rt::finishAcquire(slot, id, trace::LockSem, nullptr, r == 0 && binary, binary);
  errno = err;
  return r;
}

int waitTaken(sem_t *s, const rt::LockId &id, const struct timespec *limit, int savedErrno) {
  PROCSAN_REAL("sem_wait", WaitFn);
  struct timespec grace;
  bool userFirst = false;
  int r;
  if (limit && rt::graceDeadline(&grace, limit, &userFirst)) {
    errno = savedErrno;
    r = realTimedwait()(s, &grace);
    if (r == 0 || errno != ETIMEDOUT || userFirst)
      return r;
  }
  errno = savedErrno;
  rt::noteBlocking(id, trace::LockSem, s);
  r = limit ? realTimedwait()(s, limit) : real(s);
  rt::noteWoke(id, trace::LockSem, r == 0 ? 0 : errno);
  return r;
}

} // namespace

PROCSAN_INTERCEPTOR int sem_wait(sem_t *s) {
  PROCSAN_REAL("sem_wait", WaitFn);
  if (!isShared(s) || !rt::active())
    return real(s);
  int savedErrno = errno;
  rt::LockId id = rt::identify(s);
  int r = realTrywait()(s);
  if (r != 0 && errno == EAGAIN) {
    if (!rt::gLockTracing)
      return waitUnrecorded(s, id, savedErrno);
    r = waitTaken(s, id, nullptr, savedErrno);
  }
  if (r == 0)
    acquired(s, id);
  return r;
}

// glibc declares the timeout nonnull, but a program may still pass NULL (a separate function,
// so the compiler does not fold the test away).
__attribute__((noinline)) static bool validTimeout(const struct timespec *t) {
  return t && t->tv_nsec >= 0 && t->tv_nsec < 1000000000;
}

PROCSAN_INTERCEPTOR int sem_timedwait(sem_t *s, const struct timespec *t) {
  PROCSAN_REAL("sem_timedwait", int (*)(sem_t *, const struct timespec *));
  // glibc fails a bad time with EINVAL even when the semaphore is free: the trywait below must
  // not turn that into a success.
  if (!isShared(s) || !rt::active() || !validTimeout(t))
    return real(s, t);
  int savedErrno = errno;
  rt::LockId id = rt::identify(s);
  int r = realTrywait()(s);
  if (r != 0 && errno == EAGAIN)
    r = waitTaken(s, id, t, savedErrno);
  if (r == 0)
    acquired(s, id);
  return r;
}

PROCSAN_INTERCEPTOR int sem_trywait(sem_t *s) {
  int r = realTrywait()(s);
  if (r == 0 && isShared(s) && rt::active()) {
    int savedErrno = errno;
    acquired(s, rt::identify(s));
    errno = savedErrno;
  }
  return r;
}

PROCSAN_INTERCEPTOR int sem_post(sem_t *s) {
  PROCSAN_REAL("sem_post", WaitFn);
  if (isShared(s) && rt::active()) {
    int savedErrno = errno;
    rt::LockId id = rt::identify(s);
    if (rt::gLockTracing && !rt::holds(id))
      rt::noteProducerPost(id);
    // Posted by a thread that did not take it (another thread of this process did, or none):
    // a token handed over, like a post by another process, not the release of a lock.
    if (!rt::holds(id) || !rt::noteReleased(id))
      rt::notePosted(id, s);
    errno = savedErrno;
  }
  return real(s);
}
