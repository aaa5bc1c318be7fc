// RUN: not %procsan check --checks='-*,mp-join-before-drain' %s -- 2>&1 | FileCheck %s
// The parent joins its child before draining the pipe the child fills.
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void consume(const char *buf, long n);

void big_loop(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    char block[4096];
    memset(block, 'x', sizeof(block));
    for (int i = 0; i < 100; ++i)
      write(fds[1], block, sizeof(block));
    _exit(0);
  }
  close(fds[1]);
  waitpid(pid, NULL, 0);
  // CHECK: mp-join-before-drain.c:[[@LINE-1]]:3: warning: the parent waits for the child before reading 'fds[0]', which the child fills: once the pipe is full the child blocks in write and neither can go on; read to end-of-file first, then wait [mp-join-before-drain]
  // CHECK: :[[@LINE-6]]:7: note: the child may write more than the pipe holds here
  char buf[4096];
  long n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0)
    // CHECK: :[[@LINE-1]]:15: note: the parent reads only here
    consume(buf, n);
}

void result_of_unknown_size(const char *data, unsigned long len) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    write(fds[1], data, len);
    _exit(0);
  }
  wait(NULL);
  // CHECK: mp-join-before-drain.c:[[@LINE-1]]:3: warning: the parent waits for the child before reading 'fds[0]'
  char buf[64];
  read(fds[0], buf, sizeof(buf));
}
