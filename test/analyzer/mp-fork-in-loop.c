// RUN: not %procsan check --checks='-*,mp-fork-in-loop' %s -- 2>&1 | FileCheck %s
// Children that stay in the loop and fork again.
#include <errno.h>
#include <sys/types.h>
#include <unistd.h>

void work(void);
pid_t xfork(void) { return fork(); } // a wrapper: its callers are fork sites

void obvious(int n) {
  for (int i = 0; i < n; ++i)
    fork();
  // CHECK: mp-fork-in-loop.c:[[@LINE-1]]:5: warning: the child process stays in the loop and calls fork() again: the number of processes grows exponentially [mp-fork-in-loop]
  // CHECK: :[[@LINE-3]]:3: note: the loop the child goes around
}

void worker_pool(int n) {
  int started = 0;
  while (started < n) {
    pid_t pid = fork();
    // CHECK: mp-fork-in-loop.c:[[@LINE-1]]:17: warning: the child process stays in the loop
    if (pid == 0) {
      work(); // the worker forgets to leave
      // CHECK: :[[@LINE-1]]:7: note: the child's branch ends here without _exit() or exec
    }
    ++started;
  }
}

void do_while(int n) {
  do {
    if (xfork() == 0)
      work();
    // CHECK: mp-fork-in-loop.c:[[@LINE-2]]:9: warning: the child process stays in the loop and calls xfork() again
  } while (--n > 0);
}

void with_goto(int n) {
again:
  if (fork() == 0) {
    // CHECK: mp-fork-in-loop.c:[[@LINE-1]]:7: warning: the child process stays in the loop and calls fork() again
    work();
  }
  if (--n > 0)
    goto again;
}
// CHECK: 4 warnings generated.
