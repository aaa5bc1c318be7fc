// RUN: not %procsan check --checks='-*,mp-exit-in-child' %s -- 2>&1 | FileCheck %s
// exit() or a return from main in a child of fork; main registers an atexit handler.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void work(void); static void cleanup(void) {}
static void die(const char *what) {
  perror(what);
  exit(1);
}
static void fail_hard(const char *what) { die(what); }

void direct(void) {
  pid_t pid = fork();
  if (pid == 0) {
    sleep(1);
    exit(0);
    // CHECK: mp-exit-in-child.c:[[@LINE-1]]:5: warning: exit() in the child of fork() runs the parent's atexit handlers and flushes its stdio buffers a second time; use _exit() [mp-exit-in-child]
    // CHECK-NEXT: {{^}}   19 |     exit(0);
    // CHECK-NEXT: {{^}}      |     ^~~~
    // CHECK-NEXT: {{^}}      |     _exit
    // CHECK: :[[@LINE-8]]:15: note: child of this fork()
  }
  waitpid(pid, NULL, 0);
}

void after_failed_exec(char **argv) {
  if (fork() == 0) {
    execvp(argv[0], argv);
    perror("execvp");
    exit(127);
    // CHECK: mp-exit-in-child.c:[[@LINE-1]]:5: warning: exit() in the child of fork()
  }
}

void through_helpers(void) {
  if (fork() == 0) {
    work();
    fail_hard("worker");
    // CHECK: mp-exit-in-child.c:[[@LINE-1]]:5: warning: 'fail_hard' calls exit() in the child of fork()
    // CHECK: :13:43: note: which calls this
    // CHECK: :11:3: note: exit() is called here
  }
}

int main(int argc, char **argv) {
  (void)argc; atexit(cleanup);
  pid_t pid = fork();
  if (pid == 0) {
    work();
    return 0;
    // CHECK: mp-exit-in-child.c:[[@LINE-1]]:5: warning: returning from main in the child of fork() runs atexit handlers
  }
  direct();
  after_failed_exec(argv);
  through_helpers();
  waitpid(pid, NULL, 0);
  return 0;
}
// CHECK: 4 warnings generated.
