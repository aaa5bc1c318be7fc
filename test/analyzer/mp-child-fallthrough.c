// RUN: not %procsan check --checks='-*,mp-child-fallthrough' %s -- 2>&1 | FileCheck %s
// Child branches that end without _exit/exec and run on into the parent's code.
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

void work(void);
int handle(int fd);

void obvious(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    // CHECK: mp-child-fallthrough.c:[[@LINE-1]]:5: warning: the child process runs on into code the parent also runs; end the child with _exit() or exec [mp-child-fallthrough]
    // CHECK: :[[@LINE-4]]:15: note: child of this fork()
    // CHECK: :[[@LINE-4]]:7: note: this test makes it the child's path
  }
  printf("parent continues\n");
  // CHECK: :[[@LINE-1]]:3: note: the parent runs this code as well
  waitpid(pid, NULL, 0);
}

void exec_failure(char **argv) {
  pid_t pid = fork();
  if (pid == 0)
    execvp(argv[0], argv);
  // CHECK: mp-child-fallthrough.c:[[@LINE-1]]:5: warning: if execvp() fails, the child process runs on into code the parent also runs; end the child with _exit()
  waitpid(pid, NULL, 0);
}

// A prefork server: the worker's accept loop breaks out on error and falls into the parent's code.
void prefork(int listener, int workers) {
  for (int i = 0; i < workers; ++i) {
    pid_t pid = fork();
    if (pid < 0)
      return;
    if (pid > 0)
      continue;
    for (;;) {
      int fd = accept(listener, NULL, NULL);
      if (fd < 0)
        break;
      handle(fd);
    }
    return;
    // CHECK: mp-child-fallthrough.c:[[@LINE-1]]:5: warning: the child process returns from 'prefork' into its caller's code, which the parent runs too; end the child with _exit()
  }
}

// The parent returns early; everything after is the child's, and it returns to the caller.
void start_helper(void) {
  pid_t pid = fork();
  if (pid != 0)
    return;
  work();
  // CHECK: mp-child-fallthrough.c:[[@LINE-1]]:3: warning: the child process returns from 'start_helper' into its caller's code
}

void switched(void) {
  switch (fork()) {
  case -1:
    perror("fork");
    return;
  case 0:
    work();
    break;
    // CHECK: mp-child-fallthrough.c:[[@LINE-2]]:5: warning: the child process runs on into code the parent also runs
    // CHECK: :[[@LINE-8]]:11: note: child of this fork()
    // CHECK: :[[@LINE-5]]:3: note: the child takes this label of the switch
  default:
    break;
  }
  work();
}
// CHECK: 5 warnings generated.
