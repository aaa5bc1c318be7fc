// RUN: %cc %s -o %t
// RUN: %procsan run --rules=mp-fork-pending-stdio -- %t > %t.out 2> %t.err
// RUN: FileCheck --check-prefix=OUT %s < %t.out
// RUN: FileCheck %s < %t.err
// stdout is a file here, so printf's output waits in the buffer; the child exits with exit() and
// flushes its copy: the line appears twice. A child that ends with _exit() does not.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  printf("report header\n");
  pid_t pid = fork();
  if (pid == 0)
    exit(0);
  waitpid(pid, NULL, 0);
  fflush(stdout);
  printf("second part\n");
  pid = fork();
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
  return 0;
}
// OUT: report header
// OUT-NEXT: report header
// OUT-NEXT: second part
// OUT-NOT: second part
// CHECK: procsan: warning: process {{[0-9]+}} ({{.*}}) forked while stdout held 14 unflushed bytes; process {{[0-9]+}} ({{.*}}) flushed its copy when it exited, so that output appears twice [mp-fork-pending-stdio]
// CHECK: procsan: 1 finding
