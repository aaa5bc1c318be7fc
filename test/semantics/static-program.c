// RUN: %cc %s -o %t -static
// RUN: %threeways %t | FileCheck %s
// RUN: %cc %s -o %t.dynamic
// RUN: %threeways %t.dynamic | FileCheck --check-prefix=DYNAMIC %s
// A statically linked program cannot have the runtime preloaded: procsan says so clearly, and
// the program runs exactly as it would (children, statuses, output). The same program linked
// dynamically gets no such warning.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  int status;
  waitpid(pid, &status, 0);
  printf("child reaped: %d\n", WIFEXITED(status));
  return 3;
}
// CHECK: child reaped: 1
// CHECK-NEXT: status: exit 3
// CHECK-NEXT: procsan-said: procsan run: warning: '{{.*}}' cannot be traced: it is statically linked, so the runtime cannot be preloaded into it; it runs unwatched
// CHECK-NOT: procsan-said
// DYNAMIC: child reaped: 1
// DYNAMIC-NEXT: status: exit 3
// DYNAMIC-NOT: procsan-said
