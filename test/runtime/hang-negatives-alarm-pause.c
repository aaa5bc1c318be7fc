// RUN: %cc %s -o %t
// RUN: %procsan run --hang-timeout=1 -- %t 2>&1 | FileCheck %s
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t lost 2>&1 | FileCheck --check-prefix=LOST %s
// A program that waits for its alarm in pause() (alarm(2); pause();) and one re-armed with
// setitimer waits with a timeout: not a hang, not killed. The look-alike: the signal it pauses
// for was already delivered before its handler existed, nothing is armed, nothing in the tree
// can signal it: that is a hang, reported and ended.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t rang;
static void on_signal(int sig) {
  (void)sig;
  rang = 1;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "lost") == 0) {
    pid_t child = fork();
    if (child == 0)
      _exit(0);
    waitpid(child, NULL, 0); // its SIGCHLD came and went before the handler below
    signal(SIGCHLD, on_signal);
    while (!rang)
      pause();
    return 0;
  }
  signal(SIGALRM, on_signal);
  alarm(2);
  while (!rang)
    pause();
  puts("alarm rang");
  rang = 0;
  struct itimerval tv = {{0, 0}, {2, 0}};
  setitimer(ITIMER_REAL, &tv, NULL);
  while (!rang)
    pause();
  puts("timer rang");
  return 0;
}
// CHECK: alarm rang
// CHECK-NEXT: timer rang
// CHECK-NOT: procsan
// LOST: blocked in pause
// LOST: procsan run: the tree is stuck; killing it
