// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 124 %procsan run --max-fork-rate=50 --hang-timeout=30 -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// A flat bomb: one parent starts 200 children that stay alive, far below --max-procs but far
// faster than 50 new processes per second.
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  for (int i = 0; i < 200; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      sleep(3);
      _exit(0);
    }
  }
  while (wait(NULL) > 0) {
  }
  return 0;
}
// CHECK: procsan: error: fork bomb: the tree grew by {{[0-9]+}} live processes (to {{[0-9]+}}) in {{[0-9.]+}} s, faster than 50 per second (--max-fork-rate); procsan stopped the tree. Growth chain (depth 2): {{[0-9]+}} ({{.*}}) -> {{[0-9]+}} [mp-fork-bomb]
// CHECK-NEXT: {{[0-9]+}} forks here by 1 process of the tree; this one by pid {{[0-9]+}} (depth 1 of the chain)
// CHECK: procsan run: the tree grew out of bounds; killing it
