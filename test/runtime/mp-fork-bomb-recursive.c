// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 124 %procsan run --max-procs=40 --hang-timeout=30 -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// Every process forks two children that do the same, down to a depth that keeps this test safe
// (255 processes) if the limit did not hold; each waits a while so the tree stays alive.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void grow(int depth);

static void spawn_worker(int depth) {
  pid_t pid = fork();
  if (pid == 0) {
    grow(depth + 1);
    _exit(0);
  }
}

static void grow(int depth) {
  if (depth < 8) {
    spawn_worker(depth);
    spawn_worker(depth);
  }
  sleep(3);
  while (wait(NULL) > 0) {
  }
}

int main(void) {
  grow(1);
  return 0;
}
// CHECK: procsan: error: fork bomb: the tree {{reached [0-9]+ live processes, over the limit of 40 \(--max-procs\)|grew by [0-9]+ live processes}}{{.*}}; procsan stopped the tree. Growth chain (depth {{[0-9]+}}): {{[0-9]+}} ({{.*}}) -> {{[0-9]+}} -> {{.*}} [mp-fork-bomb]
// CHECK-NEXT: {{[0-9]+}} forks here by {{[0-9]+}} processes of the tree; this one by pid {{[0-9]+}} (depth {{[0-9]+}} of the chain)
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in spawn_worker {{.*}}mp-fork-bomb-recursive.c:14
// CHECK: procsan run: the tree grew out of bounds; killing it
// CHECK-NOT: mp-lost-crash
// CHECK-NOT: mp-unreaped-child
