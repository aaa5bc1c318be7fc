// RUN: not %procsan check --checks='-*,mp-child-fallthrough' %s -- 2>&1 | FileCheck %s
// A child that returns from a process entry point ends the process with that value: an applet's
// `*_main` of a multi-call binary (reached through a table), or a function whose every caller
// exits with its value. Returning from a helper whose caller goes on is a fall-through.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void work(void);
int tool_main(int argc, char **argv);

// An applet: the multi-call binary calls it through its table and exits with its value.
int sleeper_main(int argc, char **argv) {
  (void)argc;
  pid_t pid = fork();
  if (pid == 0) {
    work();
    return 0;
  }
  waitpid(pid, NULL, 0);
  return argv[1] != NULL;
}

static int run_child(int code) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    return code;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WEXITSTATUS(status);
}

static int dispatch(int argc, char **argv) {
  pid_t pid = fork();
  if (pid == 0)
    return tool_main(argc, argv);
  waitpid(pid, NULL, 0);
  return 0;
}

// Close positive: this helper's caller tests its value and goes on.
static int helper(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    return 1;
    // CHECK: mp-child-fallthrough-entry-point.c:[[@LINE-1]]:5: warning: the child process returns from 'helper' into its caller's code, which the parent runs too
  }
  waitpid(pid, NULL, 0);
  return 0;
}

int main(int argc, char **argv) {
  if (helper())
    work();
  if (argc > 2)
    return dispatch(argc, argv);
  exit(run_child(argc));
}
// CHECK-NOT: warning:
