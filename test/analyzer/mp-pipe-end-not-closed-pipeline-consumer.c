// RUN: not %procsan check --checks='-*,mp-pipe-end-not-closed' %s -- 2>&1 | FileCheck --implicit-check-not='warning:' %s
// A hand-built two-process pipeline, `ls | wc -l`: the consumer moves the read end onto its stdin
// but keeps the write end across exec, so wc holds a writer of its own input and never sees
// end-of-file. The producer's closes before it are in another child: they do not count here.
#include <sys/wait.h>
#include <unistd.h>

int count_lines(void) {
  int fds[2];
  if (pipe(fds) < 0)
    return -1;
  pid_t producer = fork();
  if (producer == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execlp("ls", "ls", (char *)0);
    _exit(127);
  }
  pid_t consumer = fork();
  if (consumer == 0) {
    dup2(fds[0], 0);
    close(fds[0]);
    execlp("wc", "wc", "-l", (char *)0);
    // CHECK: consumer.c:[[@LINE-1]]:5: warning: the write end 'fds[1]' is still open in the child at execlp(): the program it runs inherits it; that program reads this same pipe and never sees end-of-file
    _exit(127);
  }
  close(fds[0]);
  close(fds[1]);
  int st1, st2;
  waitpid(producer, &st1, 0);
  waitpid(consumer, &st2, 0);
  return st1 | st2;
}

// The look-alike closes both ends in the consumer.
int count_lines_closed(void) {
  int fds[2];
  if (pipe(fds) < 0)
    return -1;
  pid_t producer = fork();
  if (producer == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execlp("ls", "ls", (char *)0);
    _exit(127);
  }
  pid_t consumer = fork();
  if (consumer == 0) {
    dup2(fds[0], 0);
    close(fds[0]);
    close(fds[1]);
    execlp("wc", "wc", "-l", (char *)0);
    _exit(127);
  }
  close(fds[0]);
  close(fds[1]);
  int st1, st2;
  waitpid(producer, &st1, 0);
  waitpid(consumer, &st2, 0);
  return st1 | st2;
}
