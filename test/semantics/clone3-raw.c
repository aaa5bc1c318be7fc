// RUN: %cc %s -o %t
// RUN: %threeways %t | FileCheck %s
// Children made without fork(): the raw clone3 and clone system calls (as a language runtime
// would), with an exit signal of SIGCHLD, are waited for like any child and keep their status;
// glibc's fork (clone3/clone underneath) is unaffected.
#define _GNU_SOURCE
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void describe(const char *label, pid_t pid) {
  int status;
  if (pid < 0) {
    printf("%s: failed\n", label);
    return;
  }
  pid_t got = waitpid(pid, &status, 0);
  printf("%s: reaped %d exit %d\n", label, got == pid, WEXITSTATUS(status));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct clone_args args;
  memset(&args, 0, sizeof(args));
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof(args));
  if (pid == 0)
    syscall(SYS_exit_group, 0); // no libc in a raw clone child
  describe("clone3", (pid_t)pid);

  pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
  if (pid == 0)
    syscall(SYS_exit_group, 0);
  describe("clone", (pid_t)pid);

  pid = fork();
  if (pid == 0)
    _exit(0);
  describe("fork", (pid_t)pid);
  return 0;
}
// CHECK: clone3: reaped 1 exit 0
// CHECK-NEXT: clone: reaped 1 exit 0
// CHECK-NEXT: fork: reaped 1 exit 0
// CHECK-NEXT: status: exit 0
