// RUN: %cc %s -o %t
// RUN: rm -f %t.log
// RUN: %python %inputs/expect_status.py 23 env LD_PRELOAD=%rtlib PROCSAN_OPTIONS=exitcode=23:log_path=%t.log %t
// RUN: FileCheck %s < %t.log
// Without the wrapper: PROCSAN_OPTIONS makes the first process the root of a session; when it
// exits, the report goes to log_path and a finding turns the exit status into exitcode.
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid == 0) {
    volatile int *p = 0;
    *p = 1;
  }
  waitpid(pid, NULL, 0);
  return 0;
}
// CHECK: procsan: error: process {{[0-9]+}} ({{.*}}) killed by SIGSEGV but the program exited with status 0 [mp-lost-crash]
// CHECK: procsan: 1 finding
