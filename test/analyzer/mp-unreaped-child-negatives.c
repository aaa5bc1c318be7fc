// RUN: %procsan check --checks='-*,mp-unreaped-child' %s -- 2>&1 | FileCheck --allow-empty %s
// Reaped directly, through a helper, by a parent that exits (daemon), or returned to a caller.
// CHECK-NOT: warning:
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void reap(pid_t child) {
  int status;
  waitpid(child, &status, 0);
  if (WIFSIGNALED(status))
    abort();
}

void direct(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
}

void through_helper(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  reap(pid);
}

void daemonize(void) {
  if (fork() > 0)
    exit(0);
  setsid();
}

pid_t start(void) { return fork(); } // the caller waits

void keep(pid_t pid); // defined elsewhere: it may wait
void handed_over(void) { keep(fork()); }

int main(void) {
  direct();
  through_helper();
  if (fork() == 0)
    _exit(0);
  return 0; // the parent leaves: init reaps
}
