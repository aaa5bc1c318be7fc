// RUN: not %procsan check --checks='-*,mp-pipe-end-not-closed' %s -- 2>&1 | FileCheck %s
// Pipe ends kept in small wrapper structs (an int[2] member) or copied into named variables.
#include <sys/wait.h>
#include <unistd.h>

struct channel {
  int fds[2];
  pid_t pid;
};

void member_array(void) {
  struct channel ch;
  pipe(ch.fds);
  ch.pid = fork();
  if (ch.pid == 0) {
    close(ch.fds[0]);
    write(ch.fds[1], "x", 1);
    _exit(0);
  }
  char buf[64];
  while (read(ch.fds[0], buf, sizeof buf) > 0) {
    // CHECK: mp-pipe-end-not-closed-struct.c:[[@LINE-1]]:10: warning: the parent reads 'ch.fds[0]' until end-of-file but never closes its own copy of the write end 'ch.fds[1]'
  }
  waitpid(ch.pid, 0, 0);
}

void named_ends(void) {
  int fds[2];
  pipe(fds);
  int rd = fds[0], wr = fds[1];
  pid_t pid = fork();
  if (pid == 0) {
    close(rd);
    write(wr, "x", 1);
    _exit(0);
  }
  char buf[64];
  while (read(rd, buf, sizeof buf) > 0) {
    // CHECK: mp-pipe-end-not-closed-struct.c:[[@LINE-1]]:10: warning: the parent reads 'fds[0]' until end-of-file but never closes its own copy of the write end 'fds[1]'
  }
  waitpid(pid, 0, 0);
}

// Look-alikes: the same shapes with the write end closed by the reader.
void member_array_closed(void) {
  struct channel ch;
  pipe(ch.fds);
  ch.pid = fork();
  if (ch.pid == 0) {
    close(ch.fds[0]);
    write(ch.fds[1], "x", 1);
    _exit(0);
  }
  close(ch.fds[1]);
  char buf[64];
  while (read(ch.fds[0], buf, sizeof buf) > 0) {
  }
  waitpid(ch.pid, 0, 0);
}

void named_ends_closed(void) {
  int fds[2];
  pipe(fds);
  int rd = fds[0], wr = fds[1];
  pid_t pid = fork();
  if (pid == 0) {
    close(rd);
    write(wr, "x", 1);
    _exit(0);
  }
  close(wr);
  char buf[64];
  while (read(rd, buf, sizeof buf) > 0) {
  }
  waitpid(pid, 0, 0);
}
// CHECK-NOT: warning:
// CHECK: 2 warnings generated.
