// RUN: %procsan check --checks='-*,mp-unsafe-call-after-fork' %s -- -pthread 2>&1 | FileCheck --allow-empty %s
// RUN: %procsan check --checks='-*,mp-unsafe-call-after-fork' %S/mp-unsafe-call-after-fork-single-threaded.c -- 2>&1 | FileCheck --allow-empty %s
// RUN: not %procsan check --checks='-*,mp-unsafe-call-after-fork' --check-option=mp-unsafe-call-after-fork.AssumeMultithreaded=always %S/mp-unsafe-call-after-fork-single-threaded.c -- 2>&1 | FileCheck --check-prefix=ALWAYS %s
// RUN: %procsan check --checks='-*,mp-unsafe-call-after-fork' --check-option=mp-unsafe-call-after-fork.AssumeMultithreaded=never %S/mp-unsafe-call-after-fork.c -- 2>&1 | FileCheck --allow-empty %s
// Threads created only after the fork, in the parent, do not exist in the child.
// CHECK-NOT: warning:
// ALWAYS: warning: 'printf' is not async-signal-safe in the child of fork()
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *thread_main(void *arg) { return arg; }

int main(void) {
  pid_t pid = fork();
  if (pid == 0) {
    printf("child\n");
    _exit(0);
  }
  pthread_t t;
  pthread_create(&t, NULL, thread_main, NULL);
  pthread_join(t, NULL);
  return 0;
}
