// RUN: not %procsan check --checks='-*,mp-unchecked-fork' %s -- 2>&1 | FileCheck %s
// The result of fork() is thrown away: parent and child run the same code.
#include <sys/types.h>
#include <unistd.h>

void spread(int n) {
  for (int i = 0; i < n; ++i)
    fork();
  // CHECK: mp-unchecked-fork-discarded.c:[[@LINE-1]]:5: warning: result of fork() is discarded: parent and child both run the code that follows [mp-unchecked-fork]
  // CHECK-NEXT: {{^}}    8 |     fork();
  // CHECK-NEXT: {{^}}      |     ^
}

int main(void) {
  (void)fork();
  // CHECK: mp-unchecked-fork-discarded.c:[[@LINE-1]]:9: warning: result of fork() is discarded
  vfork(), spread(2);
  // CHECK: mp-unchecked-fork-discarded.c:[[@LINE-1]]:3: warning: result of vfork() is discarded
  return 0;
}
// CHECK: 3 warnings generated.
