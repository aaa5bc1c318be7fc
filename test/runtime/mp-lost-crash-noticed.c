// RUN: %cc %s -o %t
// RUN: not %procsan run -- %t 2>&1 | FileCheck %s
// The parent tests the status and fails: the crash is visible, and the status passes through.
// CHECK: worker crashed with signal 11
// CHECK-NOT: mp-lost-crash
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid == 0) {
    volatile int *p = 0;
    *p = 1;
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    fprintf(stderr, "worker crashed with signal %d\n", WTERMSIG(status));
    return 1;
  }
  return 0;
}
