// RUN: %cc %s -o %t
// RUN: %threeways %t | FileCheck %s
// The classic daemon: fork, setsid in the child, fork again, the middle process exits, the
// grandchild (re-parented away from us) works on in its own session and reports through a pipe.
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int p[2];
  pipe(p);
  pid_t middle = fork();
  if (middle == 0) {
    close(p[0]);
    if (setsid() < 0)
      _exit(2);
    pid_t daemon = fork();
    if (daemon < 0)
      _exit(3);
    if (daemon > 0)
      _exit(0);
    usleep(50000); // let the middle process go first
    char msg[128];
    int n = snprintf(msg, sizeof(msg),
                     "daemon: session leader %d, group leader %d, parent is gone %d\n",
                     getsid(0) == getpid(), getpgrp() == getpid(), getppid() != getpid());
    write(p[1], msg, (size_t)n);
    _exit(0);
  }
  close(p[1]);
  int status;
  waitpid(middle, &status, 0);
  printf("middle exited %d\n", WEXITSTATUS(status));
  char buf[256];
  ssize_t n, total = 0;
  while ((n = read(p[0], buf + total, sizeof(buf) - 1 - (size_t)total)) > 0)
    total += n;
  buf[total] = 0;
  fputs(buf, stdout);
  printf("daemon is not our child: %d\n", waitpid(-1, &status, WNOHANG) < 0);
  return 0;
}
// CHECK: middle exited 0
// CHECK-NEXT: daemon: session leader 0, group leader 0, parent is gone 1
// CHECK-NEXT: daemon is not our child: 1
// CHECK-NEXT: status: exit 0
