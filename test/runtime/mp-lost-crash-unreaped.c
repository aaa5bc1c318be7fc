// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: not %procsan run -- %t 2>&1 | FileCheck %s
// A worker aborts and its parent never waits for it: even though the program fails for another
// reason, the crash itself is lost (procsan reaps the zombie after the parent is gone).
#include <stdlib.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid == 0)
    abort();
  sleep(1);
  return 3;
}
// CHECK: procsan: error: process {{[0-9]+}} ({{.*}}) killed by SIGABRT{{.*}} and nobody in the program reaped it [mp-lost-crash]
// CHECK: SIGABRT raised by abort() (itself)
// CHECK: in abort
// CHECK: its parent, pid {{[0-9]+}}, never waited for it; procsan reaped it after the parent was gone
