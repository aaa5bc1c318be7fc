// RUN: not %procsan check --checks='-*,mp-pipe-end-not-closed' %s -- 2>&1 | FileCheck %s
// Readers that wait for end-of-file on a pipe whose write end they still hold.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void consume(const char *buf, long n);
void produce(int fd);

void parent_reads(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    produce(fds[1]);
    _exit(0);
  }
  char buf[256];
  long n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0)
    // CHECK: mp-pipe-end-not-closed.c:[[@LINE-1]]:15: warning: the parent reads 'fds[0]' until end-of-file but never closes its own copy of the write end 'fds[1]': end-of-file never comes [mp-pipe-end-not-closed]
    // CHECK: :[[@LINE-11]]:3: note: the pipe is created here
    // CHECK: :[[@LINE-11]]:15: note: after this fork() both processes hold both ends
    consume(buf, n);
  waitpid(pid, NULL, 0);
}

void child_reads(void) {
  int pipefd[2];
  pipe(pipefd);
  switch (fork()) {
  case 0: {
    char buf[64];
    while (read(pipefd[0], buf, sizeof(buf)) > 0) {
      // CHECK: mp-pipe-end-not-closed.c:[[@LINE-1]]:12: warning: the child reads 'pipefd[0]' until end-of-file
    }
    _exit(0);
  }
  case -1:
    return;
  default:
    close(pipefd[0]);
    produce(pipefd[1]);
    close(pipefd[1]);
    wait(NULL);
  }
}
// CHECK: 2 warnings generated.
