// REQUIRES: pid-namespace
// RUN: %cc %s -o %t
// RUN: unshare --pid --fork --mount-proc %procsan run --format=json --output=%t.json -- %t > %t.out 2> %t.err
// RUN: %python %inputs/list_shared_pids.py %t.json >> %t.out
// RUN: FileCheck %s < %t.out
// RUN: FileCheck --check-prefix=QUIET --allow-empty %s < %t.err
// Two processes of one run have the same pid: the second is forked by another parent once the
// first was reaped (in a pid namespace of its own, the test sets the namespace's last pid so the
// kernel hands the pid out again at once; a long run goes around pid_max the same way). The
// report lists both, each with its own parent, exit status and reaper.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "Inputs/last_pid.h"

int main(void) {
  pid_t first = fork();
  if (first < 0)
    return 1;
  if (first == 0)
    _exit(3);
  int status;
  if (waitpid(first, &status, 0) != first)
    return 2;
  pid_t helper = fork();
  if (helper < 0)
    return 1;
  if (helper == 0) {
    // The next fork in this namespace gets `first` again.
    if (setLastPid(first - 1) != 0)
      _exit(10);
    pid_t second = fork();
    if (second < 0)
      _exit(11);
    if (second == 0) {
      kill(getpid(), SIGTERM);
      _exit(12);
    }
    if (waitpid(second, &status, 0) != second)
      _exit(13);
    _exit(second == first ? 0 : 14);
  }
  if (waitpid(helper, &status, 0) != helper)
    return 2;
  printf("root=%d first=%d helper=%d status=%d\n", (int)getpid(), (int)first, (int)helper,
         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}
// CHECK: root=[[ROOT:[0-9]+]] first=[[PID:[0-9]+]] helper=[[HELPER:[0-9]+]] status=0
// CHECK-NEXT: shared pid=[[PID]]#0 ppid=[[ROOT]] exit=code=3 reaped_by=[[ROOT]]
// CHECK-NEXT: shared pid=[[PID]]#1 ppid=[[HELPER]] exit=SIGTERM reaped_by=[[HELPER]]
// CHECK-NEXT: processes=4 pids=3 without_exit_or_reaper=0
// QUIET-NOT: warning
