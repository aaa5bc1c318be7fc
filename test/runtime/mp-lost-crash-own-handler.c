// RUN: %cc %s -o %t
// RUN: %procsan run -- %t 2>&1 | FileCheck %s
// The worker installs its own SIGSEGV handler: it still runs (procsan chains to it), sees its own
// handler when it asks, and the worker's failing exit status is lost by the parent.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_segv(int sig) {
  (void)sig;
  static const char msg[] = "handler ran\n";
  write(2, msg, sizeof(msg) - 1);
  _exit(3);
}

int main(void) {
  pid_t pid = fork();
  if (pid == 0) {
    struct sigaction sa, seen;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGSEGV, NULL, &seen);
    if (seen.sa_handler != on_segv)
      fprintf(stderr, "wrong handler reported\n");
    volatile int *p = 0;
    *p = 1;
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  return 0;
}
// CHECK-NOT: wrong handler reported
// CHECK: handler ran
// CHECK: procsan: error: process {{[0-9]+}} ({{.*}}) exited with status 3 but the program exited with status 0 [mp-lost-crash]
