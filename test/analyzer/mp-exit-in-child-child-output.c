// RUN: not %procsan check --checks='-*,mp-exit-in-child' %s -- 2>&1 | FileCheck %s
// With an exit handler registered, exit() in a child runs it twice: reported. A fix-it to
// _exit() is offered only where the child has no output of its own that exit() would flush.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void remove_pidfile(void) { unlink("/run/demo.pid"); }

static int child_main(void) {
  puts("result: 42");
  return 0;
}

void quiet_child(void) {
  if (fork() == 0) {
    sleep(1);
    exit(0);
    // CHECK: mp-exit-in-child-child-output.c:[[@LINE-1]]:5: warning: exit() in the child of fork() runs the parent's atexit handlers
    // CHECK-NEXT: {{^}}   19 |     exit(0);
    // CHECK-NEXT: {{^}}      |     ^~~~
    // CHECK-NEXT: {{^}}      |     _exit
  }
}

void talking_child(void) {
  pid_t pid = fork();
  if (pid == 0)
    exit(child_main());
  // CHECK: mp-exit-in-child-child-output.c:[[@LINE-1]]:5: warning: exit() in the child of fork() runs the parent's atexit handlers
  // CHECK-NEXT: {{^}}   30 |     exit(child_main());
  // CHECK-NEXT: {{^}}      |     ^{{$}}
  // CHECK: :[[@LINE-4]]:5: note: the child may have output of its own in its stdio buffers
  waitpid(pid, NULL, 0);
}

int main(void) {
  atexit(remove_pidfile);
  quiet_child();
  talking_child();
  return 0;
}
// CHECK-NOT: warning:
