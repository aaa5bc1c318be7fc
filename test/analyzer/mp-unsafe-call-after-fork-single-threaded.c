// RUN: %procsan check --checks='-*,mp-unsafe-call-after-fork' %s -- 2>&1 | FileCheck --allow-empty %s
// No thread anywhere: in the default `auto` mode, stdio in the child is fine.
// CHECK-NOT: warning:
#include <stdio.h>
#include <unistd.h>

int main(void) {
  if (fork() == 0) {
    printf("child\n");
    _exit(0);
  }
  return 0;
}
