// REQUIRES: symbolizer
// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --rules=mp-fork-with-threads -- %t 2>&1 | FileCheck %s
// A process with a worker thread forks a child that runs on without exec; a fork+exec from the
// same process and a fork made before the thread existed are fine.
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void *logger(void *arg) {
  prctl(PR_SET_NAME, "logger");
  usleep(300000);
  return arg;
}

static void spawn_helper(void) {
  pid_t pid = fork();
  if (pid == 0) {
    usleep(1000);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
}

int main(void) {
  spawn_helper(); // no thread yet
  pthread_t t;
  pthread_create(&t, NULL, logger, NULL);
  usleep(50000);
  spawn_helper(); // reported
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/true", "true", (char *)0);
    _exit(127);
  }
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  return 0;
}
// CHECK: procsan: warning: process {{[0-9]+}} ({{.*}}) forked process {{[0-9]+}} ({{.*}}) while 1 other thread was running, and the child went on without exec: locks those threads held stay locked in the child [mp-fork-with-threads]
// CHECK-NEXT: fork in pid {{[0-9]+}}; other threads: {{[0-9]+}}:logger
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in spawn_helper {{.*}}mp-fork-with-threads.c:18
// CHECK: procsan: 1 finding
