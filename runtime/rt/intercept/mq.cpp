// Message queue sends and receives. Like the lock interceptors, each call first tries without
// waiting (an absolute timeout already in the past); only a call that would block records
// "about to block" (with the queue's name and the stack) and, once it returns, "returned". The
// hang diagnosis uses the last unanswered block of a thread to name the queue it waits on.
#include "rt/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

using namespace procsan;

namespace {

const struct timespec kNoWait = {0, 0};

// A queue descriptor is a file descriptor whose /proc link is the queue's name ("/jobs").
void noteBlock(trace::MqOp op, mqd_t q) {
  char path[48];
  snprintf(path, sizeof(path), "/proc/self/fd/%d", (int)q);
  char name[256];
  long n = syscall(SYS_readlinkat, AT_FDCWD, path, name, sizeof(name) - 1);
  name[n > 0 ? n : 0] = 0;
  rt::record(rt::Event{trace::EvMqBlock, {op, (int64_t)q, 0, 0, 0, 0}, name, 0},
             /*wantStack=*/true);
}

void noteWake(trace::MqOp op, mqd_t q, bool failed, int err) {
  rt::record(rt::Event{trace::EvMqWake, {op, (int64_t)q, failed ? err : 0, 0, 0, 0}, nullptr, 0});
}

// The kernel rejects a malformed timeout before it looks at the queue: such calls go straight
// through, so the first try cannot succeed where the program's own call fails.
bool badTimeout(const struct timespec *abs) {
  return abs && (abs->tv_sec < 0 || abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000);
}

using TimedSend = int (*)(mqd_t, const char *, size_t, unsigned, const struct timespec *);
using TimedReceive = ssize_t (*)(mqd_t, char *, size_t, unsigned *, const struct timespec *);

TimedSend realTimedSend() {
  PROCSAN_REAL("mq_timedsend", TimedSend);
  return real;
}

TimedReceive realTimedReceive() {
  PROCSAN_REAL("mq_timedreceive", TimedReceive);
  return real;
}

int send(mqd_t q, const char *msg, size_t len, unsigned prio, const struct timespec *abs) {
  rt::ensureInit();
  if (!rt::active() || badTimeout(abs))
    return realTimedSend()(q, msg, len, prio, abs);
  int savedErrno = errno;
  int r = realTimedSend()(q, msg, len, prio, &kNoWait);
  if (r == 0 || errno != ETIMEDOUT) {
    if (r == 0)
      errno = savedErrno;
    return r;
  }
  noteBlock(trace::MqSend, q);
  errno = savedErrno;
  r = realTimedSend()(q, msg, len, prio, abs);
  int err = errno;
  noteWake(trace::MqSend, q, r != 0, err);
  errno = err;
  return r;
}

ssize_t receive(mqd_t q, char *msg, size_t len, unsigned *prio, const struct timespec *abs) {
  rt::ensureInit();
  if (!rt::active() || badTimeout(abs))
    return realTimedReceive()(q, msg, len, prio, abs);
  int savedErrno = errno;
  ssize_t r = realTimedReceive()(q, msg, len, prio, &kNoWait);
  if (r >= 0 || errno != ETIMEDOUT) {
    if (r >= 0)
      errno = savedErrno;
    return r;
  }
  noteBlock(trace::MqReceive, q);
  errno = savedErrno;
  r = realTimedReceive()(q, msg, len, prio, abs);
  int err = errno;
  noteWake(trace::MqReceive, q, r < 0, err);
  errno = err;
  return r;
}

} // namespace

PROCSAN_INTERCEPTOR int mq_send(mqd_t q, const char *msg, size_t len, unsigned prio) {
  return send(q, msg, len, prio, nullptr);
}

PROCSAN_INTERCEPTOR int mq_timedsend(mqd_t q, const char *msg, size_t len, unsigned prio,
                                     const struct timespec *abs) {
  return send(q, msg, len, prio, abs);
}

PROCSAN_INTERCEPTOR ssize_t mq_receive(mqd_t q, char *msg, size_t len, unsigned *prio) {
  return receive(q, msg, len, prio, nullptr);
}

PROCSAN_INTERCEPTOR ssize_t mq_timedreceive(mqd_t q, char *msg, size_t len, unsigned *prio,
                                            const struct timespec *abs) {
  return receive(q, msg, len, prio, abs);
}
