// pthread_create: how many threads the process started and how many still run, kept as two
// counters in the log header (no event per thread). A fork can then tell cheaply whether other
// threads exist (mp-fork-with-threads), and the model knows each process's live thread count.
#include "rt/runtime.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

using namespace procsan;

namespace {

struct Start {
  void *(*fn)(void *);
  void *arg;
};

pthread_key_t gKey;
int gKeyState; // 0: not yet, 1: being created, 2: ready, 3: unavailable

void adjustLive(int delta) {
  if (trace::LogState *st = rt::logState())
    __atomic_fetch_add(&st->threadsLive, delta, __ATOMIC_RELAXED);
}

// Runs at the thread's end however it ends (return, pthread_exit, cancellation). The value is
// the pid the thread started in: a thread that survives a fork (the forking one, in the child)
// is not counted in the child's fresh log, so it must not be subtracted there. An end shortly
// after a fork that saw this thread is recorded: the thread may have been on its way out then
// (CPython's join() returns before the OS thread ends), which the monitor can then tell.
void threadEnded(void *startPid) {
  if ((intptr_t)startPid != (intptr_t)getpid())
    return;
  adjustLive(-1);
  if (rt::threadedForkRecently())
    rt::record(rt::Event{trace::EvThreadEnd, {}, nullptr, 0});
}

bool keyReady() {
  int state = __atomic_load_n(&gKeyState, __ATOMIC_ACQUIRE);
  if (state == 0) {
    int expected = 0;
    if (__atomic_compare_exchange_n(&gKeyState, &expected, 1, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
      state = pthread_key_create(&gKey, threadEnded) == 0 ? 2 : 3;
      __atomic_store_n(&gKeyState, state, __ATOMIC_RELEASE);
    }
  }
  return __atomic_load_n(&gKeyState, __ATOMIC_ACQUIRE) == 2;
}

void *threadStart(void *p) {
  Start s = *static_cast<Start *>(p);
  free(p);
  pthread_setspecific(gKey, (void *)(intptr_t)getpid());
  return s.fn(s.arg);
}

} // namespace

PROCSAN_INTERCEPTOR int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                                       void *(*fn)(void *), void *arg) {
  rt::ensureInit();
  PROCSAN_REAL("pthread_create",
               int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *));
  trace::LogState *st = rt::logState();
  if (!st || !keyReady())
    return real(thread, attr, fn, arg);
  int savedErrno = errno;
  Start *s = static_cast<Start *>(malloc(sizeof(Start)));
  if (!s) {
    errno = savedErrno;
    return real(thread, attr, fn, arg);
  }
  s->fn = fn;
  s->arg = arg;
  // Counted before the thread can run and end, so the count never dips below the truth.
  adjustLive(1);
  errno = savedErrno;
  int r = real(thread, attr, threadStart, s);
  savedErrno = errno;
  if (r != 0) {
    adjustLive(-1);
    free(s);
  } else {
    __atomic_fetch_add(&st->threadsCreated, 1, __ATOMIC_RELAXED);
  }
  errno = savedErrno;
  return r;
}
