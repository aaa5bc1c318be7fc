// RUN: %cc %s -o %t
// RUN: %procsan run -- %t 2>&1 | FileCheck %s
// RUN: %procsan run --max-procs=20 --max-fork-rate=20 -- %t 2>&1 | FileCheck %s
// Legitimate programs that fork a lot: 300 short-lived children one after the other, then a
// pool of 16 workers (under both limits above; the default limits are far higher).
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  for (int i = 0; i < 300; ++i) {
    pid_t pid = fork();
    if (pid == 0)
      _exit(0);
    int status;
    if (waitpid(pid, &status, 0) != pid || status != 0)
      return 1;
  }
  pid_t pool[16];
  for (int i = 0; i < 16; ++i) {
    pool[i] = fork();
    if (pool[i] == 0) {
      usleep(500000);
      _exit(0);
    }
  }
  for (int i = 0; i < 16; ++i)
    waitpid(pool[i], NULL, 0);
  puts("done");
  return 0;
}
// CHECK: done
// CHECK-NOT: mp-fork-bomb
// CHECK-NOT: grew out of bounds
