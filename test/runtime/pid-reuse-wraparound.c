// REQUIRES: small-pid-max
// RUN: %cc -O1 %s -o %t
// RUN: %procsan run --format=json --output=%t.json -- %t 2> %t.err | FileCheck %s
// RUN: %python %inputs/list_shared_pids.py %t.json | FileCheck --check-prefix=JSON %s
// RUN: FileCheck --check-prefix=QUIET --allow-empty %s < %t.err
// A parent forks and reaps children until the kernel hands out a pid it already used (a long test
// run goes around pid_max the same way). Two processes shared a pid: the report lists both, each
// with its own exit and reaper, and says nothing else about it (the model tells processes apart
// by pid and start, so no rule has to stay silent about them). Where the test may write the
// namespace's last pid (root), it sets it before each fork so the kernel goes around at once
// (another process of the machine may take the pid first: then it forks again); otherwise it
// forks through the whole pid range, which takes a minute or more on a loaded machine.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "Inputs/last_pid.h"

int main(void) {
  FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
  long max = 32768;
  if (f && fscanf(f, "%ld", &max) != 1)
    max = 32768;
  if (f)
    fclose(f);
  pid_t first = -1;
  int can_set = 1;
  for (long i = 0; i < 2 * max + 1000; ++i) {
    if (first > 1 && can_set && setLastPid(first - 1) != 0)
      can_set = 0;
    pid_t pid = fork();
    if (pid < 0)
      return 1;
    if (pid == 0)
      _exit(0);
    int status;
    if (waitpid(pid, &status, 0) != pid)
      return 2;
    if (first < 0)
      first = pid;
    else if (pid == first) {
      printf("pid %d came back after %ld children\n", (int)pid, i);
      return 0;
    }
  }
  puts("no pid came back");
  return 0;
}
// CHECK: pid {{[0-9]+}} came back after {{[0-9]+}} children
// JSON: shared pid=[[PID:[0-9]+]]#0 ppid=[[ROOT:[0-9]+]] exit=code=0 reaped_by=[[ROOT]]
// JSON-NEXT: shared pid=[[PID]]#1 ppid=[[ROOT]] exit=code=0 reaped_by=[[ROOT]]
// JSON: without_exit_or_reaper=0
// QUIET-NOT: warning
