// RUN: %procsan check --checks='-*,mp-fork-in-loop' %s -- 2>&1 | FileCheck --allow-empty %s
// The parent loops; children leave: _exit, exec, a noreturn helper, a break then _exit.
// Only the error path loops when retrying on EAGAIN.
// CHECK-NOT: warning:
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void work(void);
static void serve(void) {
  for (;;)
    work();
}

void prefork(int n) {
  for (int i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid < 0)
      abort();
    if (pid == 0)
      serve();
  }
}

void pool(int n, char **argv) {
  for (int i = 0; i < n; ++i) {
    switch (fork()) {
    case 0:
      execv(argv[0], argv);
      _exit(127);
    case -1:
      return;
    default:
      break;
    }
  }
  while (wait(NULL) > 0) {
  }
}

void retry(void) {
  pid_t pid;
  while ((pid = fork()) < 0 && errno == EAGAIN)
    sleep(1);
  if (pid == 0) {
    work();
    _exit(0);
  }
}

void child_breaks_out(int n) {
  int i;
  pid_t pid = -1;
  for (i = 0; i < n; ++i) {
    pid = fork();
    if (pid == 0)
      break;
  }
  if (pid == 0) {
    work();
    _exit(0);
  }
}
