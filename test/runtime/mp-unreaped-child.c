// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: %procsan run --rules=mp-unreaped-child -- %t 2>&1 | FileCheck %s
// A parent leaves one child a zombie and another running when it exits.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t start_quick_job(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  return pid;
}

static pid_t start_slow_job(void) {
  pid_t pid = fork();
  if (pid == 0) {
    usleep(300000);
    _exit(0);
  }
  return pid;
}

int main(void) {
  start_quick_job();
  start_slow_job();
  pid_t waited = fork();
  if (waited == 0)
    _exit(0);
  waitpid(waited, NULL, 0); // this one is reaped: no finding
  usleep(100000);
  return 0;
}
// CHECK-DAG: procsan: warning: process [[QUICK:[0-9]+]] ({{.*}}) exited with status 0 but its parent, process {{[0-9]+}} ({{.*}}), never waited for it: it stayed a zombie and its status was lost [mp-unreaped-child]
// CHECK-DAG: procsan: warning: process {{[0-9]+}} ({{.*}}) was still running when its parent, process {{[0-9]+}} ({{.*}}), exited without waiting for it [mp-unreaped-child]
// CHECK-DAG: #0 0x{{[0-9a-f]+}} in start_quick_job {{.*}}mp-unreaped-child.c:11
// CHECK-DAG: #0 0x{{[0-9a-f]+}} in start_slow_job {{.*}}mp-unreaped-child.c:18
// CHECK: procsan: 2 findings
