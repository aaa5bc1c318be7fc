// Named IPC objects: who created which shm segment, semaphore or message queue (with the stack),
// and who unlinked it (mp-leaked-ipc).
#include "rt/locks.h"
#include "rt/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdarg.h>
#include <sys/mman.h>

using namespace procsan;

namespace {

void noteCreate(trace::IpcKind kind, const char *name, int oflag, bool created) {
  if (!(oflag & O_CREAT))
    return; // opening an existing object creates nothing to leak
  rt::record(rt::Event{trace::EvIpcCreate, {kind, oflag, created ? 1 : 0, 0, 0, 0}, name, 0},
             /*wantStack=*/true);
}

void noteUnlink(trace::IpcKind kind, const char *name, int result) {
  rt::record(rt::Event{trace::EvIpcUnlink, {kind, result, 0, 0, 0, 0}, name, 0});
}

} // namespace

PROCSAN_INTERCEPTOR int shm_open(const char *name, int oflag, mode_t mode) {
  rt::ensureInit();
  PROCSAN_REAL("shm_open", int (*)(const char *, int, mode_t));
  int r = real(name, oflag, mode);
  int savedErrno = errno;
  if (r >= 0)
    noteCreate(trace::IpcShm, name, oflag, true);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int shm_unlink(const char *name) {
  rt::ensureInit();
  PROCSAN_REAL("shm_unlink", int (*)(const char *));
  int r = real(name);
  int savedErrno = errno;
  noteUnlink(trace::IpcShm, name, r);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR sem_t *sem_open(const char *name, int oflag, ...) {
  rt::ensureInit();
  PROCSAN_REAL("sem_open", sem_t * (*)(const char *, int, ...));
  sem_t *r;
  unsigned int value = 0;
  if (oflag & O_CREAT) {
    va_list ap;
    va_start(ap, oflag);
    mode_t mode = (mode_t)va_arg(ap, unsigned int);
    value = va_arg(ap, unsigned int);
    va_end(ap);
    r = real(name, oflag, mode, value);
  } else {
    r = real(name, oflag);
  }
  int savedErrno = errno;
  if (r != SEM_FAILED) {
    noteCreate(trace::IpcSem, name, oflag, true);
    if ((oflag & O_CREAT) && rt::active()) {
      rt::noteSemaphoreCreated(rt::identify(r), value, true);
      // Processes that open it by name later (spawned workers) learn that it is a lock.
      if (value == 1)
        rt::sessionMark("b", name, true);
    } else if (rt::active()) {
      rt::noteSemaphoreOpened(rt::identify(r), name);
    }
  }
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int sem_unlink(const char *name) {
  rt::ensureInit();
  PROCSAN_REAL("sem_unlink", int (*)(const char *));
  int r = real(name);
  int savedErrno = errno;
  noteUnlink(trace::IpcSem, name, r);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR mqd_t mq_open(const char *name, int oflag, ...) {
  rt::ensureInit();
  PROCSAN_REAL("mq_open", mqd_t(*)(const char *, int, ...));
  mqd_t r;
  if (oflag & O_CREAT) {
    va_list ap;
    va_start(ap, oflag);
    mode_t mode = (mode_t)va_arg(ap, unsigned int);
    struct mq_attr *attr = va_arg(ap, struct mq_attr *);
    va_end(ap);
    r = real(name, oflag, mode, attr);
  } else {
    r = real(name, oflag);
  }
  int savedErrno = errno;
  if (r != (mqd_t)-1)
    noteCreate(trace::IpcMq, name, oflag, true);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int mq_unlink(const char *name) {
  rt::ensureInit();
  PROCSAN_REAL("mq_unlink", int (*)(const char *));
  int r = real(name);
  int savedErrno = errno;
  noteUnlink(trace::IpcMq, name, r);
  errno = savedErrno;
  return r;
}
