// RUN: not %procsan check --checks='-*,mp-unchecked-fork' %s -- 2>&1 | FileCheck %s
// The child is told apart, but a failed fork's -1 reaches calls that act on a process.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

void work(void);

void stop_helper(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  }
  sleep(1);
  kill(pid, SIGTERM);
  // CHECK: mp-unchecked-fork-error-path.c:[[@LINE-1]]:3: warning: when fork() fails, 'pid' is -1 here and kill(-1, ...) signals every process the user may signal [mp-unchecked-fork]
  // CHECK: :[[@LINE-8]]:15: note: the error path of this fork() is not handled before
  waitpid(pid, NULL, 0);
  // CHECK: mp-unchecked-fork-error-path.c:[[@LINE-1]]:3: warning: when fork() fails, 'pid' is -1 here and waitpid(-1, ...) waits for any child, not this one
}

void handled(void) {
  pid_t pid = fork();
  if (pid < 0)
    return;
  if (pid == 0)
    _exit(0);
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
}

void handled_by_switch(void) {
  pid_t pid;
  switch (pid = fork()) {
  case -1:
    return;
  case 0:
    _exit(0);
  }
  kill(pid, SIGKILL);
}
void fatal(const char *msg); // defined elsewhere, not declared noreturn

void handled_by_an_opaque_helper(void) {
  pid_t pid = fork();
  if (pid == -1)
    fatal("fork");
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
}
// CHECK-NOT: warning:
