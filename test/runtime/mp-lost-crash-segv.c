// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: %procsan run --format=json --output=%t.json -- %t 2>&1 | FileCheck %s
// RUN: FileCheck --check-prefix=JSON %s < %t.json
// A worker segfaults; the parent reaps it without taking its status (a NULL status pointer) and
// the program exits 0: nobody can have looked at how it ended. The look-alike that keeps the
// status is mp-lost-crash-noticed-status-kept.c.
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
  printf("worker %d\n", (int)pid);
  fflush(stdout);
  waitpid(pid, NULL, 0);
  return 0;
}
// CHECK: worker [[PID:[0-9]+]]
// CHECK: procsan: error: process [[PID]] ({{.*}}) killed by SIGSEGV but the program exited with status 0 [mp-lost-crash]
// CHECK-NEXT: SIGSEGV on address 0x0 in process [[PID]]
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in crash_worker {{.*}}mp-lost-crash-segv.c:12
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}mp-lost-crash-segv.c:17
// CHECK: reaped it without keeping its status (killed by SIGSEGV) and the program still exited with status 0
// CHECK: procsan: 1 finding

// JSON: "tool": "procsan"
// JSON: "exit_status": 0
// JSON: "processes": [
// JSON: "signal": "SIGSEGV"
// JSON: "reaped_by": {{[0-9]+}}
// JSON: "findings": [
// JSON: "rule": "mp-lost-crash"
// JSON-NEXT: "severity": "error"
// JSON: "events": [
// JSON: "function": "crash_worker"
