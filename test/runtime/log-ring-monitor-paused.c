// RUN: %cc %s -o %t
// RUN: %procsan run --format=json --output=%t.json -- %t 2> %t.err | FileCheck %s
// RUN: %python %S/Inputs/check_last_reaped.py %t.json | FileCheck --check-prefix=LAST %s
// A program records events as fast as it can while a helper stops the monitor (procsan, the
// program's parent) for 3 s and lets it go on. While the monitor is stopped the ring fills and
// events are dropped (counted); once it runs again, recording resumes: the child forked and
// reaped at the very end is in the report with its exit status and its reaper.
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
  pid_t monitor = getppid();
  pid_t helper = fork();
  if (helper == 0) {
    usleep(300000);
    kill(monitor, SIGSTOP);
    sleep(3);
    kill(monitor, SIGCONT);
    _exit(0);
  }
  double until = now() + 6.0;
  long events = 0;
  while (now() < until) {
    kill(getpid(), SIGURG); // ignored by default; one event each
    ++events;
  }
  waitpid(helper, NULL, 0);
  pid_t last = fork();
  if (last == 0)
    _exit(42);
  int status;
  waitpid(last, &status, 0);
  printf("recorded %s, last child %d exited %d\n", events > 0 ? "events" : "nothing", (int)last,
         WEXITSTATUS(status));
  return 0;
}
// CHECK: recorded events, last child {{[0-9]+}} exited 42
// LAST: last child exit 42, reaped by its parent
