// RUN: not %procsan check --checks='-*,mp-unsafe-call-after-fork' %s -- -pthread 2>&1 | FileCheck %s
// A multithreaded server forks helpers; the children call into malloc, stdio and syslog.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

static void *reaper_thread(void *arg) { return arg; }

static void log_line(const char *what) { syslog(LOG_INFO, "%s", what); }
static void prepare(void) { log_line("child starting"); }

void start_threads(void) {
  pthread_t t;
  pthread_create(&t, NULL, reaper_thread, NULL);
}

void obvious(char **argv) {
  pid_t pid = fork();
  if (pid == 0) {
    char *copy = strdup(argv[0]);
    // CHECK: mp-unsafe-call-after-fork.c:[[@LINE-1]]:18: warning: 'strdup' is not async-signal-safe in the child of fork() of a multithreaded process: it can deadlock on a lock another thread held at the fork [mp-unsafe-call-after-fork]
    // CHECK: :[[@LINE-4]]:15: note: child of this fork()
    // CHECK: :18:3: note: the process starts threads here
    execv(copy, argv);
    _exit(127);
  }
  waitpid(pid, NULL, 0);
}

void prefork(int n) {
  for (int i = 0; i < n; ++i) {
    if (fork() == 0) {
      printf("worker %d up\n", i);
      // CHECK: mp-unsafe-call-after-fork.c:[[@LINE-1]]:7: warning: 'printf' is not async-signal-safe in the child of fork()
      _exit(0);
    }
  }
}

void through_helpers(void) {
  if (fork() == 0) {
    prepare();
    // CHECK: mp-unsafe-call-after-fork.c:[[@LINE-1]]:5: warning: this call reaches code that is not async-signal-safe in the child of fork()
    // CHECK: :14:29: note: which calls this
    // CHECK: :13:42: note: 'syslog' is not async-signal-safe
    _exit(0);
  }
}
