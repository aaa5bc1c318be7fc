// RUN: not %procsan check --checks='-*,mp-unchecked-fork,mp-child-fallthrough' %s -- 2>&1 | FileCheck %s
// A statement-expression macro that handles only the failure inside and yields the pid: what
// counts is how the caller uses the value of the whole expression, not the `< 0` test inside.
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noreturn)) void fatal(const char *what);
void run_job(void);

#define SAFE_VFORK()                                                                               \
  ({                                                                                               \
    pid_t safe_pid_ = vfork();                                                                     \
    if (safe_pid_ < 0)                                                                             \
      fatal("vfork");                                                                              \
    safe_pid_;                                                                                     \
  })

#define SAFE_FORK()                                                                                \
  ({                                                                                               \
    pid_t safe_pid_ = fork();                                                                      \
    if (safe_pid_ < 0)                                                                             \
      fatal("fork");                                                                               \
    safe_pid_;                                                                                     \
  })

// The caller stores the value and tells the child from the parent: nothing to report.
int spawn_stored(char **argv) {
  pid_t pid = SAFE_VFORK();
  if (pid == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  return status;
}

// The value tested directly where the macro is used.
void spawn_tested(void) {
  if (SAFE_FORK() == 0) {
    run_job();
    _exit(0);
  }
  wait(NULL);
}

void spawn_switched(void) {
  switch (SAFE_FORK()) {
  case 0:
    run_job();
    _exit(0);
  default:
    wait(NULL);
  }
}

// Close positives: the value is dropped, or only compared with -1 once more.
void spawn_dropped(void) {
  SAFE_FORK();
  // CHECK: mp-unchecked-fork-wrapper-macro.c:[[@LINE-1]]:3: warning: result of fork() is discarded: parent and child both run the code that follows [mp-unchecked-fork]
  run_job();
}

void spawn_error_only(void) {
  pid_t pid = SAFE_FORK();
  // CHECK: mp-unchecked-fork-wrapper-macro.c:[[@LINE-1]]:15: warning: result of fork() is only checked for failure
  if (pid == -1)
    perror("fork");
  run_job();
}

// The child runs on into the parent's code: the macro's value still decides the paths.
void spawn_falls_through(void) {
  pid_t pid = SAFE_FORK();
  if (pid == 0)
    run_job();
  // CHECK: mp-unchecked-fork-wrapper-macro.c:[[@LINE-1]]:5: warning: the child process runs on into code the parent also runs; end the child with _exit() or exec [mp-child-fallthrough]
  waitpid(pid, NULL, 0);
}
// CHECK-NOT: warning:
