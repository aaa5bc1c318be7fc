// RUN: not %procsan check --checks='-*,mp-unsafe-call-after-fork' %s -- -pthread 2>&1 | FileCheck %s
// Forks that threads may precede: the pool started before the daemonizing call, and a fork in
// a function that also runs as a signal handler (at any time).
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *serve(void *arg) { return arg; }

static void start_pool(void) {
  pthread_t t;
  pthread_create(&t, NULL, serve, NULL);
}

static void daemonize(void) {
  if (fork() != 0)
    exit(0);
  printf("daemon %d\n", (int)getpid());
  // CHECK: mp-unsafe-call-after-fork-daemonize-late.c:[[@LINE-1]]:3: warning: 'printf' is not async-signal-safe in the child of fork() of a multithreaded process
}

static void respawn(int sig) {
  (void)sig;
  if (fork() == 0) {
    puts("respawned");
    // CHECK: mp-unsafe-call-after-fork-daemonize-late.c:[[@LINE-1]]:5: warning: 'puts' is not async-signal-safe in the child of fork() of a multithreaded process
    _exit(0);
  }
}

int main(void) {
  signal(SIGUSR1, respawn);
  start_pool();
  daemonize();
  return 0;
}
// CHECK: 2 warnings generated.
