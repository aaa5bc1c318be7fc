// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// Stacks of threads blocked outside the interceptors are taken with ptrace. A process that is
// already traced (here by its parent, as under a debugger) cannot be attached: the report
// still comes, without that stack and saying why; the parent's stack is there.
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    char c;
    read(fds[0], &c, 1); // the parent never writes
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  return 0;
}
// CHECK: procsan: error: {{.*}} [mp-deadlock]
// CHECK-DAG: pid [[P:[0-9]+]] thread [[P]] ({{.*}}) blocked in wait4, for child [[C:[0-9]+]] to end{{$}}
// CHECK-DAG: pid [[C]] thread [[C]] ({{.*}}) blocked in read on pipe:[{{[0-9]+}}] (fd 3), whose write end pids {{.*}} hold (no stack: ptrace denied (Operation not permitted)){{$}}
// CHECK: procsan run: the tree is stuck; killing it
