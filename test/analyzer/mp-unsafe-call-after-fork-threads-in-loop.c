// RUN: not %procsan check --checks='-*,mp-unsafe-call-after-fork' %s -- -pthread 2>&1 | FileCheck %s
// main() forks before its first thread, but in a loop that starts a thread after each fork:
// from the second iteration on, the fork copies a multithreaded process.
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *serve(void *arg) { return arg; }

int main(int argc, char **argv) {
  (void)argv;
  for (int i = 1; i < argc; ++i) {
    if (fork() == 0) {
      printf("worker %d\n", i);
      // CHECK: mp-unsafe-call-after-fork-threads-in-loop.c:[[@LINE-1]]:7: warning: 'printf' is not async-signal-safe in the child of fork() of a multithreaded process
      _exit(0);
    }
    pthread_t t;
    pthread_create(&t, NULL, serve, NULL);
  }
  return 0;
}
// CHECK: 1 warning generated.
