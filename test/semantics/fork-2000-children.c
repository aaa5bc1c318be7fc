// RUN: %cc %s -o %t
// RUN: %threeways %t | FileCheck %s
// 2,000 children, up to 50 alive at once, each exiting with its own status: every status comes
// back to the parent exactly once.
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { kChildren = 2000, kAlive = 50 };
static pid_t pids[kChildren];

int main(void) {
  static char seen[kChildren];
  int alive = 0, reaped = 0, wrong = 0;
  for (int i = 0; i < kChildren; ++i) {
    if (alive == kAlive) {
      int status;
      pid_t p = wait(&status);
      for (int j = 0; j < i; ++j)
        if (pids[j] == p) {
          wrong += !WIFEXITED(status) || WEXITSTATUS(status) != 0 || seen[j];
          seen[j] = 1;
        }
      ++reaped;
      --alive;
    }
    pids[i] = fork();
    if (pids[i] == 0)
      _exit(0);
    if (pids[i] < 0) {
      printf("fork failed at %d\n", i);
      return 1;
    }
    ++alive;
  }
  int status;
  pid_t p;
  while ((p = wait(&status)) > 0) {
    for (int j = 0; j < kChildren; ++j)
      if (pids[j] == p) {
        wrong += !WIFEXITED(status) || WEXITSTATUS(status) != 0 || seen[j];
        seen[j] = 1;
      }
    ++reaped;
  }
  int missing = 0;
  for (int j = 0; j < kChildren; ++j)
    missing += !seen[j];
  printf("reaped %d children, %d wrong, %d missing\n", reaped, wrong, missing);
  return 0;
}
// CHECK: reaped 2000 children, 0 wrong, 0 missing
// CHECK-NEXT: status: exit 0
