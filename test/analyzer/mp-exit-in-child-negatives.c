// RUN: %procsan check --checks='-*,mp-exit-in-child' %s -- 2>&1 | FileCheck --allow-empty %s
// exit() where only the parent or the error path runs, _exit in the child, exit before the fork.
// CHECK-NOT: warning:
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void work(void);
static void unused_die(void) { exit(2); }

int main(void) {
  if (getenv("NOPE"))
    exit(1); // before any fork
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    exit(1); // the error path is the parent process itself
  }
  if (pid == 0) {
    work();
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status))
    exit(1); // the parent
  if (fork() > 0)
    exit(0); // daemonizing: the parent leaves
  work();
  (void)unused_die;
  _exit(0);
}
