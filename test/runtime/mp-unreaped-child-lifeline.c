// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: %procsan run --rules=mp-unreaped-child -- %t 2>&1 | FileCheck %s
// Helpers a parent leaves running on purpose: each waits for the end of a pipe the parent writes
// to and exits when the parent is gone (blocked in read, in poll, in epoll_wait). Their
// look-alikes are reported: a child that merely sleeps past its parent, and a child polling a
// pipe whose write end the parent closed before exiting (the parent's exit is no signal to it).
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

enum { kRead, kPoll, kEpoll };

static void helper(int how) {
  int p[2];
  pipe(p);
  if (fork() == 0) {
    close(p[1]);
    char c;
    if (how == kRead) {
      while (read(p[0], &c, 1) > 0) {
      }
    } else if (how == kPoll) {
      struct pollfd pfd = {p[0], POLLIN, 0};
      poll(&pfd, 1, 10000);
    } else {
      int ep = epoll_create1(0);
      struct epoll_event ev = {EPOLLIN, {0}};
      epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
      epoll_wait(ep, &ev, 1, 10000);
    }
    _exit(0);
  }
  close(p[0]); // the parent keeps the write end until it exits
}

static void sleeper(void) {
  if (fork() == 0) {
    usleep(400000);
    _exit(0);
  }
}

static void poller_of_closed_pipe(void) {
  int p[2];
  pipe(p);
  if (fork() == 0) {
    struct pollfd pfd = {p[0], POLLIN, 0};
    poll(&pfd, 1, 400); // its own copy of the write end keeps the pipe open
    _exit(0);
  }
  close(p[0]);
  close(p[1]);
}

int main(void) {
  helper(kRead);
  helper(kPoll);
  helper(kEpoll);
  sleeper();
  poller_of_closed_pipe();
  usleep(100000); // every child is blocked by now
  return 0;
}
// CHECK-DAG: procsan: warning: process {{[0-9]+}} ({{.*}}) was still running when its parent{{.*}} [mp-unreaped-child]
// CHECK-DAG: started by pid {{[0-9]+}}
// CHECK-DAG: in sleeper {{.*}}mp-unreaped-child-lifeline.c:38
// CHECK-DAG: in poller_of_closed_pipe {{.*}}mp-unreaped-child-lifeline.c:47
// CHECK: procsan: 2 findings
