// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// The parent waits for its child before reading the pipe the child fills: both block forever.
// procsan reports it after --hang-timeout and ends the tree (exit status 124).
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    char block[4096];
    memset(block, 'x', sizeof(block));
    for (int i = 0; i < 1024; ++i) // 4 MiB: far more than a pipe holds
      write(fds[1], block, sizeof(block));
    _exit(0);
  }
  close(fds[1]);
  waitpid(pid, NULL, 0); // joins before draining
  char buf[4096];
  while (read(fds[0], buf, sizeof(buf)) > 0) {
  }
  return 0;
}
// CHECK: procsan: error: process [[PARENT:[0-9]+]] ({{.*}}) waits for its child process [[CHILD:[0-9]+]] ({{.*}}) to exit, while the child is blocked writing to a full pipe that only the parent reads: neither can go on (stuck for {{[0-9.]+}} s) [mp-join-before-drain]
// CHECK-NEXT: pid [[PARENT]] thread [[PARENT]] ({{.*}}) blocked in wait4
// CHECK: pid [[CHILD]] thread [[CHILD]] ({{.*}}) blocked in write on pipe:[{{[0-9]+}}] (fd {{[0-9]+}})
// CHECK: procsan run: the tree is stuck; killing it
// CHECK-NOT: mp-lost-crash
// CHECK-NOT: mp-unreaped-child
// CHECK: procsan: 1 finding
