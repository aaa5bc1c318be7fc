// RUN: not %procsan check --checks='-*,mp-pipe-end-not-closed' %s -- 2>&1 | FileCheck %s
// Pipe ends handed to helpers defined in the file are read through the helpers' summaries: a
// helper that reads its fd in a loop is the reader; one that only logs or writes the write end
// does not close it; one that closes it, or stores it where anything may happen, handles it.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int saved_fd = -1;

static void drain(int fd) {
  char buf[512];
  while (read(fd, buf, sizeof buf) > 0) {
  }
}
static void log_fd(int fd) { fprintf(stderr, "fd %d\n", fd); }
static void shut(int fd) { close(fd); }
static void shut_through(int fd) { shut(fd); }
static void keep(int fd) { saved_fd = fd; }

void logs_write_end(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    write(fds[1], "x", 1);
    _exit(0);
  }
  log_fd(fds[1]);
  drain(fds[0]);
  // CHECK: mp-pipe-end-not-closed-helpers.c:[[@LINE-1]]:3: warning: the parent reads 'fds[0]' until end-of-file but never closes its own copy of the write end 'fds[1]'
  // CHECK: :11:13: note: 'drain' reads its fd parameter until end-of-file
  waitpid(pid, NULL, 0);
}

void closes_through_helpers(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    write(fds[1], "x", 1);
    _exit(0);
  }
  shut_through(fds[1]);
  drain(fds[0]);
  waitpid(pid, NULL, 0);
}

void stores_write_end(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    write(fds[1], "x", 1);
    _exit(0);
  }
  keep(fds[1]); // closed later, elsewhere: not this check's business
  drain(fds[0]);
  waitpid(pid, NULL, 0);
}

void closes_directly(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    write(fds[1], "x", 1);
    _exit(0);
  }
  close(fds[1]);
  drain(fds[0]);
  waitpid(pid, NULL, 0);
}
// CHECK-NOT: warning:
// CHECK: 1 warning generated.
