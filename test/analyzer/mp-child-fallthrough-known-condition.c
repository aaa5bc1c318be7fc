// RUN: not %procsan check --checks='-*,mp-child-fallthrough' %s -- 2>&1 | FileCheck %s
// A fork made only when a condition holds (`if (uids && gids) pid = fork();`) tells every later
// test of that same unchanging value how it goes: after `if (!pid && uids)` the child always
// takes the branch that never returns, so it never reaches the code after it. Reported (the
// close positive): the child's way out depends on a value the fork was not conditioned on.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noreturn)) void apply_with_helper(const char *list);
void apply_directly(const char *list);

void apply_maps(const char *uids, const char *gids) {
  pid_t pid = 1;
  if (uids && gids) {
    pid = fork();
    if (pid < 0)
      exit(1);
    if (pid)
      waitpid(pid, NULL, 0);
  }
  if (!pid && uids)
    apply_with_helper(uids);
  if (gids)
    apply_directly(gids);
  exit(0);
}

// The negated spelling of the same value decides the same way.
void apply_unless_quiet(int quiet, const char *uids) {
  pid_t pid = 1;
  if (!quiet) {
    pid = fork();
    if (pid < 0)
      exit(1);
    if (pid)
      waitpid(pid, NULL, 0);
  }
  if (!pid && !quiet)
    apply_with_helper(uids);
  apply_directly(uids);
  exit(0);
}

void apply_if_asked(const char *uids, const char *gids, int asked) {
  pid_t pid = 1;
  if (uids && gids) {
    pid = fork();
    if (pid < 0)
      exit(1);
    if (pid)
      waitpid(pid, NULL, 0);
  }
  if (!pid && asked)
    // CHECK: mp-child-fallthrough-known-condition.c:[[@LINE-1]]:15: warning: the child process runs on into code the parent also runs
    apply_with_helper(uids);
  if (gids)
    apply_directly(gids);
  exit(0);
}
// CHECK-NOT: warning:
