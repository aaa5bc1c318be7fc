// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// Parent and child each wait for the other to speak first.
#include <unistd.h>

int main(void) {
  int up[2], down[2];
  pipe(up);
  pipe(down);
  pid_t pid = fork();
  char c;
  if (pid == 0) {
    read(down[0], &c, 1); // waits for the parent
    write(up[1], "x", 1);
    _exit(0);
  }
  read(up[0], &c, 1); // waits for the child
  write(down[1], "y", 1);
  return 0;
}
// CHECK: procsan: error: processes [[P:[0-9]+]] and [[C:[0-9]+]] wait for each other in a cycle: none of them can go on (stuck for {{[0-9.]+}} s) [mp-deadlock]
// CHECK-DAG: pid [[P]] thread [[P]] ({{.*}}) blocked in read on pipe:[{{[0-9]+}}] (fd 3), whose write end pids [[P]] and [[C]] hold
// CHECK-DAG: pid [[C]] thread [[C]] ({{.*}}) blocked in read on pipe:[{{[0-9]+}}] (fd 5), whose write end pids [[P]] and [[C]] hold
