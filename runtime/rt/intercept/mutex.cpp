// pthread mutexes: private ones (every threading.Lock, most C++ std::mutex) take a fast path
// that records nothing; process-shared ones update the held-locks table, and record a stack
// only before blocking and for a new lock-order edge.
#include "rt/locks.h"
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
// pthread_mutex_lock): a short wait first, recorded only if the mutex is still taken after it
// (rt::graceDeadline).
int waitTaken(pthread_mutex_t *m, const rt::LockId &id, const struct timespec *limit) {
  PROCSAN_REAL("pthread_mutex_lock", LockFn);
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

} // namespace

PROCSAN_INTERCEPTOR int pthread_mutex_lock(pthread_mutex_t *m) {
  PROCSAN_REAL("pthread_mutex_lock", LockFn);
  if (!isShared(m) || !rt::active())
    return real(m);
  rt::LockId id = rt::identify(m);
  int r = realTrylock()(m);
  if (r == EBUSY)
    r = waitTaken(m, id, nullptr);
  if (r == 0 || r == EOWNERDEAD)
    rt::noteAcquired(id, trace::LockMutex);
  return r;
}

PROCSAN_INTERCEPTOR int pthread_mutex_trylock(pthread_mutex_t *m) {
  int r = realTrylock()(m);
  if ((r == 0 || r == EOWNERDEAD) && isShared(m) && rt::active())
    rt::noteAcquired(rt::identify(m), trace::LockMutex);
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
    rt::noteAcquired(id, trace::LockMutex);
  return r;
}

PROCSAN_INTERCEPTOR int pthread_mutex_unlock(pthread_mutex_t *m) {
  PROCSAN_REAL("pthread_mutex_unlock", LockFn);
  if (isShared(m) && rt::active())
    rt::noteReleased(rt::identify(m));
  return real(m);
}
