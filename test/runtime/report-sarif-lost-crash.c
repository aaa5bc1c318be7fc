// REQUIRES: symbolizer, sarif-multitool
// RUN: %cc %s -o %t
// RUN: %procsan run --format=sarif --output=%t.sarif -- %t 2>/dev/null
// RUN: %sarif-multitool validate %t.sarif > %t.validate 2>&1
// RUN: FileCheck --check-prefix=VALID %s < %t.validate
// RUN: %python %inputs/sarif_runtime.py %t.sarif | FileCheck %s
// procsan run's SARIF passes the SARIF validator and places a runtime finding where GitHub code
// scanning can show it: the crashing line, with the stacks of the processes involved.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void crash_worker(volatile int *p) { *p = 42; }

int main(void) {
  pid_t pid = fork();
  if (pid == 0) {
    crash_worker(NULL);
    _exit(0);
  }
  // The status is dropped: nobody looks at how the worker ended.
  waitpid(pid, NULL, 0);
  return 0;
}
// VALID-NOT: error
// VALID: Analysis completed successfully

// CHECK: version: 2.1.0
// CHECK: rules described: yes
// CHECK: results: 1
// CHECK: result mp-lost-crash level error at report-sarif-lost-crash.c:13
// CHECK: stack: crash_worker > main
// CHECK: fingerprint: yes
// CHECK: exit code: 0
