// RUN: %cc %s -o %t
// RUN: %procsan run --rules=mp-lost-crash -- %t 2>&1 | FileCheck %s
// A test of failure paths, as real suites have: the parent kills one worker, lets two crash on
// purpose (a null dereference, abort()), makes a fourth fail with exit(70) after catching the
// SIGTERM it sent, reaps each with its status, checks how each ended, and succeeds. Every failure
// was seen: nothing to report. The close positive, a status dropped with a NULL pointer, is
// mp-lost-crash-segv.c; a worker nobody reaps at all is mp-lost-crash-unreaped.c.
// CHECK: worker 0 killed by signal 9 as expected
// CHECK: worker 1 killed by signal 11 as expected
// CHECK: worker 2 killed by signal 6 as expected
// CHECK: worker 3 exited with 70 as expected
// CHECK-NOT: mp-lost-crash
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_term(int sig) {
  (void)sig;
  _exit(70);
}

int main(void) {
  int fds[2];
  if (pipe(fds) != 0)
    return 1;
  pid_t pids[4];
  for (int i = 0; i < 4; ++i) {
    pids[i] = fork();
    if (pids[i] < 0)
      return 1;
    if (pids[i] == 0) {
      if (i == 3) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_term;
        sigaction(SIGTERM, &sa, NULL);
      }
      if (write(fds[1], "r", 1) != 1)
        _exit(1);
      if (i == 1) {
        volatile int *p = NULL;
        *p = 1;
      }
      if (i == 2)
        abort();
      for (;;)
        pause();
    }
  }
  char c;
  for (int i = 0; i < 4; ++i)
    if (read(fds[0], &c, 1) != 1)
      return 1;
  kill(pids[0], SIGKILL);
  kill(pids[3], SIGTERM);
  const int expectSignal[4] = {SIGKILL, SIGSEGV, SIGABRT, 0};
  for (int i = 0; i < 4; ++i) {
    int status;
    if (waitpid(pids[i], &status, 0) != pids[i])
      return 1;
    if (expectSignal[i] && WIFSIGNALED(status) && WTERMSIG(status) == expectSignal[i])
      printf("worker %d killed by signal %d as expected\n", i, WTERMSIG(status));
    else if (!expectSignal[i] && WIFEXITED(status) && WEXITSTATUS(status) == 70)
      printf("worker %d exited with 70 as expected\n", i);
    else
      return 2;
  }
  return 0;
}
