// RUN: %procsan check --checks='-*,mp-unsafe-call-after-fork' %s -- -pthread 2>&1 | FileCheck --allow-empty %s
// The program starts threads, but only after it has daemonized: at the forks (in main, and in
// a function only main calls, before the threads) it has one thread.
// CHECK-NOT: warning:
#include <pthread.h>
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
  setsid();
  printf("daemon %d\n", (int)getpid());
}

static void load_config(void) { printf("config\n"); }

int main(int argc, char **argv) {
  load_config();
  daemonize();
  if (argc > 1 && fork() == 0) {
    printf("helper\n");
    _exit(0);
  }
  start_pool();
  pthread_exit(NULL);
}
