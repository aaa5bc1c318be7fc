// RUN: not %procsan check --checks='-*,mp-exit-in-child' %s -- 2>&1 | FileCheck %s
// exit() in a child hurts only when it runs or flushes something of the parent's a second time.
// Here nobody registers exit handlers: a worker that ends with exit() is fine unless the parent
// wrote to stdout before the fork without flushing; exit(child_main()) must flush the child's
// own output, and _exit() there would lose it.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void serve(int fd);

static int child_main(int fd) {
  printf("worker %d ready\n", fd); // the child's own output: exit() flushes it
  serve(fd);
  return 0;
}

void prefork(int listener, int n) {
  fprintf(stderr, "starting %d workers\n", n); // stderr is unbuffered: nothing pending
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid < 0)
      continue;
    if (pid == 0) {
      serve(listener);
      exit(0);
    }
  }
}

void report_child(int fd) {
  pid_t pid = fork();
  if (pid == 0)
    exit(child_main(fd));
  waitpid(pid, NULL, 0);
}

void flushed_first(int fd) {
  printf("spawning\n");
  fflush(stdout);
  if (fork() == 0) {
    serve(fd);
    exit(0);
  }
}

// Close positive: "spawning" is still in the parent's buffer at the fork, and the child's
// exit() prints it a second time.
void not_flushed(int fd) {
  printf("spawning\n");
  if (fork() == 0) {
    serve(fd);
    exit(0);
    // CHECK: mp-exit-in-child-nothing-twice.c:[[@LINE-1]]:5: warning: exit() in the child of fork() runs the parent's atexit handlers and flushes its stdio buffers a second time; use _exit() [mp-exit-in-child]
    // CHECK: :[[@LINE-5]]:3: note: output written here may still be in the parent's stdio buffer at the fork
  }
}
// CHECK-NOT: warning:
