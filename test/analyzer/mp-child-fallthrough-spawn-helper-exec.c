// RUN: not %procsan check --checks='-*,mp-child-fallthrough' %s -- 2>&1 | FileCheck %s
// A spawn helper that execs in the child and returns the pid: its callers think the child is
// gone. When the exec fails, a child that returns hands its caller 0 or -1 as if it were the
// parent, and runs the caller's code. A helper that _exits after the failed exec, and a plain
// wrapper that leaves the child to its caller, are fine.
#include <sys/types.h>
#include <unistd.h>

pid_t spawn_returns(char **argv) {
  pid_t pid = fork();
  if (pid == 0) {
    execvp(argv[0], argv);
    return -1;
    // CHECK: mp-child-fallthrough-spawn-helper-exec.c:[[@LINE-1]]:5: warning: if execvp() fails, the child process returns from 'spawn_returns' into its caller's code; end the child with _exit() [mp-child-fallthrough]
  }
  return pid;
}

pid_t spawn_falls_to_return(char **argv) {
  pid_t pid = fork();
  if (pid == 0)
    execvp(argv[0], argv);
  // CHECK: mp-child-fallthrough-spawn-helper-exec.c:[[@LINE-1]]:5: warning: if execvp() fails, the child process runs on into code the parent also runs; end the child with _exit() [mp-child-fallthrough]
  return pid;
}

pid_t spawn_exits(char **argv) {
  pid_t pid = fork();
  if (pid == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
  return pid;
}

pid_t plain_wrapper(void) {
  pid_t pid = fork();
  return pid;
}
// CHECK-NOT: warning:
