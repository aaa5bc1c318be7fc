// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t 2> %t.file
// RUN: FileCheck %s < %t.file
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t 2>&1 | FileCheck %s
// A test runner prints "test_pipeline ... " and hangs before it can finish the line. The hang
// report starts on a line of its own, whether stderr is a file (its last byte is read) or a pipe
// (a newline comes first), and never runs on after the program's words.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int fds[2];
  if (pipe(fds) != 0)
    return 1;
  fputs("test_pipeline ... ", stderr);
  pid_t child = fork();
  if (child == 0) {
    char c;
    read(fds[0], &c, 1); // the parent never writes: it waits for this child
    _exit(0);
  }
  waitpid(child, NULL, 0);
  fputs("ok\n", stderr);
  return 0;
}
// CHECK: {{^}}test_pipeline ... {{$}}
// CHECK-NEXT: {{^}}procsan: error:
// CHECK-NOT: ok
