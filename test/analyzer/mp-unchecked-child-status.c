// RUN: not %procsan check --checks='-*,mp-unchecked-child-status' %s -- 2>&1 | FileCheck %s
// RUN: not %procsan check --checks='-*,mp-unchecked-child-status' --check-option=mp-unchecked-child-status.IgnoreExecChildren=true %s -- 2>&1 | FileCheck --check-prefix=EXEC %s
// Statuses thrown away or never looked at.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void work(void);

void null_status(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  // CHECK: mp-unchecked-child-status.c:[[@LINE-1]]:3: warning: waitpid() discards the child's exit status: a child that crashes or fails goes unnoticed; test it with WIFSIGNALED/WIFEXITED [mp-unchecked-child-status]
  // CHECK: :[[@LINE-7]]:15: note: the child is created here
  // EXEC: mp-unchecked-child-status.c:[[@LINE-3]]:3: warning: waitpid() discards
}

void status_ignored(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
  }
  // CHECK: mp-unchecked-child-status.c:[[@LINE-2]]:10: warning: the status waitpid() stores is never examined
}

void join_all(int n) {
  for (int i = 0; i < n; ++i)
    wait(NULL);
  // CHECK: mp-unchecked-child-status.c:[[@LINE-1]]:5: warning: wait() discards the child's exit status
}

void exec_child(char **argv) {
  pid_t pid = fork();
  if (pid == 0) {
    execv(argv[0], argv);
    _exit(127);
  }
  waitpid(pid, NULL, 0);
  // CHECK: mp-unchecked-child-status.c:[[@LINE-1]]:3: warning: waitpid() discards
  // EXEC-NOT: :[[@LINE-2]]:3: warning
}
