// RUN: %procsan check --checks='-*,mp-nonportable-ipc-payload' %s -- 2>&1 | FileCheck %s --allow-empty
// A self-pipe between the threads of one process may carry pointers: the program never forks.
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct task {
  void (*run)(void *);
  void *arg;
};

static int wake[2];

void submit(struct task *t) { write(wake[1], &t, sizeof t); }

static void *loop(void *unused) {
  struct task *t;
  while (read(wake[0], &t, sizeof t) == sizeof t)
    t->run(t->arg);
  return unused;
}

void start(void) {
  pipe(wake);
  pthread_t th;
  pthread_create(&th, NULL, loop, NULL);
}
// CHECK-NOT: warning:
