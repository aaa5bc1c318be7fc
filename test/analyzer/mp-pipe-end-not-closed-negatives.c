// RUN: %procsan check --checks='-*,mp-pipe-end-not-closed' %s -- 2>&1 | FileCheck --allow-empty %s
// Ends closed in the reader (directly, conditionally, through a helper), a single read that
// is not a wait for end-of-file, and a pipe made after the fork.
// CHECK-NOT: warning:
#include <unistd.h>

void produce(int fd);
void close_unused(int fds[2]);

void closes_first(void) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    close(fds[0]);
    produce(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  char buf[64];
  while (read(fds[0], buf, sizeof(buf)) > 0) {
  }
}

void helper_closes(void) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    produce(fds[1]);
    _exit(0);
  }
  close_unused(fds);
  char buf[64];
  while (read(fds[0], buf, sizeof(buf)) > 0) {
  }
}

int single_read(void) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    write(fds[1], "x", 1);
    _exit(0);
  }
  char c;
  return (int)read(fds[0], &c, 1); // one message, not a wait for EOF
}

void after_fork(void) {
  if (fork() == 0)
    _exit(0);
  int fds[2];
  pipe(fds);
  char buf[8];
  while (read(fds[0], buf, sizeof(buf)) > 0) {
  }
}
