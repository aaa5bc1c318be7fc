// RUN: %procsan check --checks='-*,mp-join-before-drain' %s -- 2>&1 | FileCheck --allow-empty %s
// Drained before the wait, a small single message, a WNOHANG poll, a child that only reads.
// CHECK-NOT: warning:
#include <sys/wait.h>
#include <unistd.h>

void drain_then_wait(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    char block[8192] = {0};
    for (int i = 0; i < 10; ++i)
      write(fds[1], block, sizeof(block));
    _exit(0);
  }
  close(fds[1]);
  char buf[512];
  while (read(fds[0], buf, sizeof(buf)) > 0) {
  }
  waitpid(pid, NULL, 0);
}

void small_message(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    write(fds[1], "ok", 2);
    _exit(0);
  }
  waitpid(pid, NULL, 0); // 2 bytes always fit
  char buf[4];
  read(fds[0], buf, sizeof(buf));
}

void polling(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    for (;;)
      write(fds[1], "x", 1);
  }
  waitpid(pid, NULL, WNOHANG);
  char c;
  while (read(fds[0], &c, 1) > 0) {
  }
}
