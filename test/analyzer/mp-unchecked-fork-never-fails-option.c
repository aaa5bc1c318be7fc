// RUN: not %procsan check --checks='-*,mp-unchecked-fork,mp-child-fallthrough' %s -- 2>&1 | FileCheck --check-prefix=DEFAULT %s
// RUN: rm -rf %t && mkdir -p %t && printf 'CheckOptions:\n  ForkFunctions: spawn_helper\n  NoReturnFunctions: "fatal;leave"\n' > %t/cfg.yaml
// RUN: not %procsan check --config-file=%t/cfg.yaml --checks='-*,mp-unchecked-fork,mp-child-fallthrough' %s -- 2>&1 | FileCheck --check-prefix=CONFIGURED %s
// The project's own fork function (a library's, without its source) and never-returning
// functions, named in the options ForkFunctions and NoReturnFunctions.
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t spawn_helper(void); // returns 0 in the child, like fork()
void fatal(const char *why);
void leave(int code);
void warn(const char *why);
void work(void);

void run_helper(void) {
  spawn_helper();
  // DEFAULT-NOT: mp-unchecked-fork-never-fails-option.c:[[@LINE-1]]
  // CONFIGURED: mp-unchecked-fork-never-fails-option.c:[[@LINE-2]]:3: warning: result of spawn_helper() is discarded
  work();
}

void ends_in_fatal(void) {
  pid_t pid = fork();
  if (pid < 0)
    fatal("fork");
  if (pid == 0) {
    work();
    leave(0);
    // DEFAULT: mp-unchecked-fork-never-fails-option.c:[[@LINE-1]]:5: warning: the child process runs on into code the parent also runs
  }
  waitpid(pid, NULL, 0);
}

void ends_in_warn(void) {
  pid_t pid = fork();
  if (pid < 0)
    fatal("fork");
  if (pid == 0) {
    work();
    warn("done");
    // DEFAULT: mp-unchecked-fork-never-fails-option.c:[[@LINE-1]]:5: warning: the child process runs on into code the parent also runs
    // CONFIGURED: mp-unchecked-fork-never-fails-option.c:[[@LINE-2]]:5: warning: the child process runs on into code the parent also runs
  }
  waitpid(pid, NULL, 0);
}
// DEFAULT-NOT: warning:
// CONFIGURED-NOT: warning:
