// RUN: not %procsan check --checks='-*,mp-unchecked-fork' %s -- 2>&1 | FileCheck %s
// A wrapper returns the pid; the caller that drops it is the one reported, with a note at the fork.
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static pid_t xfork(void) {
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    exit(1);
  }
  return pid;
}

static pid_t spawn_worker(int id) {
  (void)id;
  return xfork();
}

int main(void) {
  spawn_worker(1);
  // CHECK: mp-unchecked-fork-wrapper.c:[[@LINE-1]]:3: warning: result of spawn_worker() is discarded: parent and child both run the code that follows [mp-unchecked-fork]
  // CHECK: mp-unchecked-fork-wrapper.c:9:15: note: 'spawn_worker' returns the result of this fork()
  pid_t p = spawn_worker(2);
  // CHECK: mp-unchecked-fork-wrapper.c:[[@LINE-1]]:13: warning: result of spawn_worker() is stored in 'p' but never compared
  printf("%d\n", (int)p);
  return 0;
}
// CHECK-NOT: warning:
