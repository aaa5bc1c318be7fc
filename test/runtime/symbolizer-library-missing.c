// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: env PROCSAN_LLVM_LIBRARY=%t.missing/libprocsan-llvm.so %procsan run -- %t 2>&1 | FileCheck %s
// Without libprocsan-llvm.so (which holds the symbolizer) the report still comes: one warning,
// then frames as module+offset.
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
// CHECK: procsan: warning: stacks are shown as module+offset: cannot load {{.*}}.missing/libprocsan-llvm.so: {{.*}}No such file or directory
// CHECK-NOT: procsan: warning: stacks
// CHECK: killed by SIGSEGV but the program exited with status 0 [mp-lost-crash]
// CHECK-NEXT: SIGSEGV on address 0x0 in process
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} ({{.*}}symbolizer-library-missing.c.tmp+0x{{[0-9a-f]+}})
// CHECK-NOT: crash_worker
// CHECK: procsan: 1 finding
