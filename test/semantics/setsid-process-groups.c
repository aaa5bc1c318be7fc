// RUN: %cc %s -o %t
// RUN: %threeways %t | FileCheck %s
// Sessions and process groups: setsid in a child makes it leader of both, setpgid moves a
// child into a new group, killpg reaches every member and nobody else, getsid/getpgid agree.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int p[2];
  pipe(p);
  pid_t leader = fork();
  if (leader == 0) {
    pid_t s = setsid();
    char c = (s == getpid() && getsid(0) == getpid() && getpgrp() == getpid()) ? 'y' : 'n';
    write(p[1], &c, 1);
    errno = 0;
    c = setsid() < 0 && errno == EPERM ? 'y' : 'n'; // already a leader
    write(p[1], &c, 1);
    _exit(0);
  }
  char a, b;
  read(p[0], &a, 1);
  read(p[0], &b, 1);
  waitpid(leader, NULL, 0);
  printf("setsid in child: leader of session and group %c, second setsid EPERM %c\n", a, b);

  // Two children in a fresh group, one outside it; killpg hits exactly the two.
  pid_t kids[3];
  for (int i = 0; i < 3; ++i) {
    kids[i] = fork();
    if (kids[i] == 0) {
      pause();
      _exit(0);
    }
  }
  setpgid(kids[0], kids[0]);
  setpgid(kids[1], kids[0]);
  printf("group of first two: %d %d, third stays in ours: %d\n", getpgid(kids[0]) == kids[0],
         getpgid(kids[1]) == kids[0], getpgid(kids[2]) == getpgrp());
  printf("killpg: %d\n", killpg(kids[0], SIGTERM));
  for (int i = 0; i < 2; ++i) {
    int status;
    waitpid(kids[i], &status, 0);
    printf("member %d: %s\n", i, WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exited");
  }
  int status;
  printf("outsider still running: %d\n", waitpid(kids[2], &status, WNOHANG) == 0);
  kill(kids[2], SIGKILL);
  waitpid(kids[2], &status, 0);
  printf("setpgid of a reaped child: %d %s\n", setpgid(kids[2], 0), strerror(errno));
  return 0;
}
// CHECK: setsid in child: leader of session and group y, second setsid EPERM y
// CHECK-NEXT: group of first two: 1 1, third stays in ours: 1
// CHECK-NEXT: killpg: 0
// CHECK-NEXT: member 0: Terminated
// CHECK-NEXT: member 1: Terminated
// CHECK-NEXT: outsider still running: 1
// CHECK-NEXT: setpgid of a reaped child: -1 No such process
// CHECK-NEXT: status: exit 0
