// RUN: not %procsan check --checks='-*,mp-lost-child-write' %s -- 2>&1 | FileCheck --implicit-check-not='warning:' %s
// The child fills its own `struct report rep` and writes it to a pipe; the parent declares
// another `rep` and read()s into it. Fields of different variables that share a name are not the
// same memory, and a value the parent read from a pipe is not a lost child write.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

struct report {
  int scanned;
  int failed;
};

int scan(void);

int report_through_pipe(void) {
  int fd[2];
  if (pipe(fd) < 0)
    return -1;
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    struct report rep;
    rep.scanned = scan();
    rep.failed = rep.scanned < 0;
    write(fd[1], &rep, sizeof rep);
    _exit(0);
  }
  close(fd[1]);
  int status;
  waitpid(pid, &status, 0);
  struct report rep;
  if (read(fd[0], &rep, sizeof rep) != sizeof rep)
    return -1;
  printf("%d scanned, %d failed\n", rep.scanned, rep.failed);
  return WIFEXITED(status) ? 0 : -1;
}

// One variable for both: the child fills it and sends it, the parent reads the pipe into it.
int report_into_same(void) {
  int fd[2];
  struct report rep = {0, 0};
  if (pipe(fd) < 0)
    return -1;
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    rep.scanned = scan();
    write(fd[1], &rep, sizeof rep);
    _exit(0);
  }
  close(fd[1]);
  int status;
  waitpid(pid, &status, 0);
  read(fd[0], &rep, sizeof rep);
  return rep.scanned;
}

// The close positive: the child fills the parent's variable and sends nothing.
int report_lost(void) {
  struct report rep = {0, 0};
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    rep.scanned = scan();
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? rep.scanned : -1;
  // CHECK: same-name.c:[[@LINE-1]]:30: warning: 'rep.scanned' is read by the parent after the child ended
  // CHECK: :[[@LINE-7]]:17: note: the child's assignment, invisible to the parent
}
