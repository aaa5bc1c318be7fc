// REQUIRES: root
// RUN: %cc %s -o %t
// RUN: chown nobody %t && chmod u+s %t
// RUN: %threeways %t | FileCheck %s
// RUN: %cc %s -o %t.plain
// RUN: %threeways %t.plain | FileCheck --check-prefix=PLAIN %s
// A setuid program that changes the user runs in secure-execution mode, where the loader ignores
// LD_PRELOAD: procsan says it cannot be traced and the program runs exactly as it would. The
// same program without the setuid bit gets no warning.
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("effective user differs: %d\n", geteuid() != getuid());
  return 0;
}
// CHECK: effective user differs: 1
// CHECK-NEXT: status: exit 0
// CHECK-NEXT: procsan-said: procsan run: warning: '{{.*}}' cannot be traced: it is setuid, so the runtime cannot be preloaded into it; it runs unwatched
// CHECK-NOT: procsan-said
// PLAIN: effective user differs: 0
// PLAIN-NEXT: status: exit 0
// PLAIN-NOT: procsan-said
