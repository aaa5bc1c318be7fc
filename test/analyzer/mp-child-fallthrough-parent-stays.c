// RUN: not %procsan check --checks='-*,mp-child-fallthrough' %s -- 2>&1 | FileCheck %s
// A child that returns from the function that forked is a fall-through only when the parent can
// return from it too. Quiet: an accept loop whose parent serves forever and whose child returns
// the connection to its caller, and a daemonizing fork whose parent exits. Reported (the close
// positive): the same accept loop when the parent leaves it on a stop flag, so both processes
// come back to the caller.
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

void serve(int fd);
extern volatile int stop;

static int accept_forever(int lfd) {
  for (;;) {
    int c = accept(lfd, 0, 0);
    if (c < 0)
      continue;
    pid_t pid = fork();
    if (pid == 0) {
      close(lfd);
      return c; // the child takes the connection back to main
    }
    close(c);
  }
}

static void daemonize(void) {
  pid_t pid = fork();
  if (pid < 0)
    exit(1);
  if (pid > 0)
    exit(0);
  setsid(); // the child goes on as the daemon
}

static int accept_until_stopped(int lfd) {
  while (!stop) {
    int c = accept(lfd, 0, 0);
    if (c < 0)
      continue;
    pid_t pid = fork();
    if (pid == 0) {
      close(lfd);
      return c;
      // CHECK: :[[@LINE-1]]:7: warning: the child process returns from 'accept_until_stopped' into its caller's code, which the parent runs too; end the child with _exit() [mp-child-fallthrough]
    }
    close(c);
  }
  return -1;
}

int main(int argc, char **argv) {
  (void)argv;
  daemonize();
  int c = argc > 1 ? accept_forever(3) : accept_until_stopped(3);
  serve(c);
  return 0;
}
// CHECK-NOT: warning:
// CHECK: 1 warning generated.
