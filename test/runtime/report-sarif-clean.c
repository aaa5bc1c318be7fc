// REQUIRES: sarif-multitool
// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 3 %procsan run --format=sarif --output=%t.sarif -- %t
// RUN: %sarif-multitool validate %t.sarif > %t.validate 2>&1
// RUN: FileCheck --check-prefix=VALID %s < %t.validate
// RUN: %python %inputs/sarif_runtime.py %t.sarif | FileCheck %s
// The look-alike of report-sarif-lost-crash.c: the worker exits normally. The SARIF log is still
// valid and describes the rules checked, with no results.
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  int status;
  waitpid(pid, &status, 0);
  return 3;
}
// VALID-NOT: error
// VALID: Analysis completed successfully

// CHECK: version: 2.1.0
// CHECK: rules described: yes
// CHECK: results: 0
// CHECK-NOT: result
// CHECK: exit code: 3
