// RUN: not %procsan check --checks='-*,mp-unreaped-child' %s -- 2>&1 | FileCheck %s
// Children nobody waits for while the parent goes on serving.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void handle(int fd);
int next_client(void);

void fire_and_forget(char **argv) {
  pid_t pid = fork();
  // CHECK: mp-unreaped-child.c:[[@LINE-1]]:15: warning: the child process made by fork() is never waited for: it stays a zombie while the parent runs, and its exit status is lost [mp-unreaped-child]
  // CHECK: :[[@LINE-2]]:9: note: its pid is kept in 'pid', but no wait call uses it
  if (pid == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
}

void server_loop(void) {
  for (;;) {
    int fd = next_client();
    if (fork() == 0) {
      // CHECK: mp-unreaped-child.c:[[@LINE-1]]:9: warning: the child process made by fork() is never waited for
      // CHECK: note: its pid is not kept, so only a wait for any child could reap it
      handle(fd);
      _exit(0);
    }
  }
}

static pid_t spawn(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  return pid;
}

void uses_wrapper(void) {
  pid_t worker = spawn();
  // CHECK: mp-unreaped-child.c:[[@LINE-1]]:18: warning: the child process made by spawn() is never waited for
  (void)worker;
}

struct pool {
  pid_t workers[8];
};

void fill(struct pool *p, int i) {
  p->workers[i] = fork();
  // CHECK: mp-unreaped-child.c:[[@LINE-1]]:19: warning: the child process made by fork() is never waited for
  // CHECK: note: its pid is kept in 'workers', but no wait call uses it
  if (p->workers[i] == 0)
    _exit(0);
}
