// RUN: not %procsan check --checks='-*,mp-unchecked-fork' %s -- 2>&1 | FileCheck %s
// The pid is kept, printed, even waited for, but nothing ever tells the child from the parent.
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct worker {
  pid_t pid;
  int id;
};

int start_logged(void) {
  pid_t pid = fork();
  // CHECK: mp-unchecked-fork-stored.c:[[@LINE-1]]:15: warning: result of fork() is stored in 'pid' but never compared: parent and child both run the code that follows [mp-unchecked-fork]
  printf("started %d\n", (int)pid);
  waitpid(pid, NULL, 0); // acting on the pid is not telling the processes apart
  return 0;
}

void start_worker(struct worker *w) {
  w->pid = fork();
  // CHECK: mp-unchecked-fork-stored.c:[[@LINE-1]]:12: warning: result of fork() is stored in 'pid' but never compared
  w->id = 1;
}

static void log_pid(pid_t p) { printf("%d\n", (int)p); }

int main(void) {
  pid_t children[4];
  for (int i = 0; i < 4; ++i) {
    children[i] = fork();
    // CHECK: mp-unchecked-fork-stored.c:[[@LINE-1]]:19: warning: result of fork() is stored in 'children' but never compared
    log_pid(children[i]); // the helper only prints it
  }
  struct worker w;
  start_worker(&w);
  return start_logged();
}
