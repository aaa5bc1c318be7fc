// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 4 env LD_PRELOAD=%rtlib PROCSAN_OPTIONS=exitcode=23 %t > %t.out 2> %t.err
// RUN: FileCheck --check-prefix=OUT %s < %t.out
// RUN: FileCheck --allow-empty %s < %t.err
// The look-alike of preload-options-exitcode.c: the worker exits normally, so the program's
// own status, output and silent stderr pass through unchanged.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  printf("before fork\n");
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
  printf("buffered at exit\n");
  return 4;
}
// OUT: before fork
// OUT-NEXT: buffered at exit
// CHECK-NOT: {{.}}
