// Real-time timers (alarm, setitimer(ITIMER_REAL)): a process that waits in pause() or
// sigsuspend() with an alarm armed waits with a timeout, and is not hung. One record per call;
// programs arm these rarely (a test harness per test at most).
#include "rt/runtime.h"

#include <errno.h>
#include <sys/time.h>
#include <unistd.h>

using namespace procsan;

namespace {

int64_t toNs(const struct timeval &tv) {
  return (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
}

void noteArmed(int64_t inNs, int64_t intervalNs) {
  if (rt::active())
    rt::record(rt::Event{trace::EvTimerArmed, {inNs, intervalNs, 0, 0, 0, 0}, nullptr, 0});
}

} // namespace

PROCSAN_INTERCEPTOR unsigned alarm(unsigned seconds) {
  rt::ensureInit();
  PROCSAN_REAL("alarm", unsigned (*)(unsigned));
  unsigned r = real(seconds);
  int savedErrno = errno;
  noteArmed((int64_t)seconds * 1000000000, 0);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int setitimer(int which, const struct itimerval *value, struct itimerval *old) {
  rt::ensureInit();
  PROCSAN_REAL("setitimer", int (*)(int, const struct itimerval *, struct itimerval *));
  int r = real(which, value, old);
  int savedErrno = errno;
  if (r == 0 && which == ITIMER_REAL && value)
    noteArmed(toNs(value->it_value), toNs(value->it_interval));
  errno = savedErrno;
  return r;
}
