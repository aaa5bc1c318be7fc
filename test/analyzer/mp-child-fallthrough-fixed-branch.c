// RUN: not %procsan check --checks='-*,mp-child-fallthrough' %s -- 2>&1 | FileCheck %s
// A branch on something the function never changes (a global set once from the command line,
// a parameter) goes the same way every time round a loop. An accept loop that returns only in
// debug mode, where it does not fork, never returns in the parent of a fork made when not in
// debug mode; a persistent listener whose parent goes back for the next connection never runs
// the code after its fork. Reported (the close positive): the same loop leaves on a flag the
// loop itself sets, so the parent comes back to the caller too.
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int debug_mode;
void serve(int fd);
int wants_stop(void);

static void accept_loop(int lfd, int *conn) {
  for (;;) {
    int c = accept(lfd, 0, 0);
    if (c < 0)
      continue;
    if (debug_mode) {
      *conn = c; // serve it in this process, no fork
      return;
    }
    pid_t pid = fork();
    if (pid < 0) {
      close(c);
      continue;
    }
    if (pid == 0) {
      close(lfd);
      *conn = c;
      return; // the child serves the connection in the caller
    }
    close(c);
  }
}

static void listen_on(int lfd, int persistent, char **prog) {
  int fd;
again:
  fd = accept(lfd, 0, 0);
  if (fd < 0)
    goto again;
  if (persistent && prog) {
    if (fork() != 0) {
      close(fd); // the parent goes back for the next connection
      goto again;
    }
  }
  dup2(fd, 0);
  execvp(prog ? prog[0] : "/bin/cat", prog);
  _exit(127);
}

static void accept_until_stopped(int lfd, int *conn) {
  int stopping = 0;
  for (;;) {
    if (stopping) {
      *conn = -1;
      return;
    }
    int c = accept(lfd, 0, 0);
    pid_t pid = fork();
    if (pid == 0) {
      *conn = c;
      return;
      // CHECK: mp-child-fallthrough-fixed-branch.c:[[@LINE-1]]:7: warning: the child process returns from 'accept_until_stopped' into its caller's code, which the parent runs too
    }
    close(c);
    stopping = wants_stop();
  }
}

// A local given its value by its declaration inside the loop changes on every pass.
static void accept_until_asked(int lfd, int *conn) {
  for (;;) {
    int stopping = wants_stop();
    if (stopping) {
      *conn = -1;
      return;
    }
    int c = accept(lfd, 0, 0);
    pid_t pid = fork();
    if (pid == 0) {
      *conn = c;
      return;
      // CHECK: mp-child-fallthrough-fixed-branch.c:[[@LINE-1]]:7: warning: the child process returns from 'accept_until_asked' into its caller's code
    }
    close(c);
  }
}

// A field read through a pointer may be changed by any function called in the loop.
struct server_conf {
  int stop;
};
void refresh(struct server_conf *cf);

static void accept_with_conf(int lfd, struct server_conf *cf, int *conn) {
  for (;;) {
    if (cf->stop) {
      *conn = -1;
      return;
    }
    int c = accept(lfd, 0, 0);
    pid_t pid = fork();
    if (pid == 0) {
      *conn = c;
      return;
      // CHECK: mp-child-fallthrough-fixed-branch.c:[[@LINE-1]]:7: warning: the child process returns from 'accept_with_conf' into its caller's code
    }
    close(c);
    refresh(cf);
  }
}

// A global the loop changes through a function of this file is not fixed either.
static int shutting_down;
static void check_signals(void) {
  if (wants_stop())
    shutting_down = 1;
}

static void accept_until_shutdown(int lfd, int *conn) {
  for (;;) {
    if (shutting_down) {
      *conn = -1;
      return;
    }
    int c = accept(lfd, 0, 0);
    pid_t pid = fork();
    if (pid == 0) {
      *conn = c;
      return;
      // CHECK: mp-child-fallthrough-fixed-branch.c:[[@LINE-1]]:7: warning: the child process returns from 'accept_until_shutdown' into its caller's code
    }
    close(c);
    check_signals();
  }
}

int main(int argc, char **argv) {
  int conn;
  accept_loop(3, &conn);
  serve(conn);
  listen_on(4, argc > 1, argv + 1);
  accept_until_stopped(5, &conn);
  serve(conn);
  accept_until_asked(6, &conn);
  struct server_conf cf = {0};
  accept_with_conf(7, &cf, &conn);
  accept_until_shutdown(8, &conn);
  return 0;
}
// CHECK-NOT: warning:
