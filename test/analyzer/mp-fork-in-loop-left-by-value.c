// RUN: not %procsan check --checks='-*,mp-fork-in-loop,mp-child-fallthrough' %s -- 2>&1 | FileCheck %s
// Children that leave the loop by a value rather than by the shape of the code: a flag the
// child sets and the loop condition tests, a break followed by a second test of the same pid
// after the loop, a test after `pid--`. Follow the values; the look-alikes whose values keep the child looping are
// reported.
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int work(void);

void flag_ends_loop(int n) {
  int child = 0;
  for (int i = 0; i < n && !child; i++) {
    pid_t pid = fork();
    if (pid < 0)
      break;
    if (pid == 0)
      child = 1;
  }
  if (child)
    _exit(work());
  while (wait(NULL) > 0)
    ;
}

void while_not_child(int n) {
  int in_child = 0;
  while (!in_child && n-- > 0) {
    switch (fork()) {
    case -1:
      return;
    case 0:
      in_child = 1;
      break;
    default:
      break;
    }
  }
  if (in_child)
    _exit(work());
}

void break_then_second_test(int n) {
  pid_t pid = -1;
  for (int i = 0; i < n; i++) {
    pid = fork();
    if (pid == 0)
      break;
  }
  if (pid == 0)
    _exit(work());
  while (wait(NULL) > 0)
    ;
}

void decrement_then_test(int n) {
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    pid--; // failed: -2, child: -1, parent: the child's pid - 1 (at least 1)
    if (pid < 0)
      _exit(pid == -1 ? work() : 1);
  }
  while (wait(NULL) > 0)
    ;
}

// Close positives: the flag the loop tests is not the one the child sets, or the child sets it
// back.
void flag_not_tested(int n) {
  int child = 0, done = 0;
  for (int i = 0; i < n && !done; i++) {
    pid_t pid = fork();
    // CHECK: mp-fork-in-loop-left-by-value.c:[[@LINE-1]]:17: warning: the child process stays in the loop and calls fork() again
    if (pid == 0)
      child = 1;
  }
  if (child)
    _exit(work());
}

void break_without_second_test(int n) {
  pid_t pid = -1;
  for (int i = 0; i < n; i++) {
    pid = fork();
    if (pid == 0)
      break;
  }
  work();
  // The finding points at the fork: the branch that breaks out has no statement of its own.
  // CHECK: mp-fork-in-loop-left-by-value.c:[[@LINE-6]]:{{[0-9]+}}: warning: the child process runs on into code the parent also runs
  while (wait(NULL) > 0)
    ;
}
// A child that counts instead of setting a flag (`forked++`), sent away by `if (forked)` before
// the next fork: a message writer handing a blocked write to a child (util-linux's ttymsg).
const char *write_or_hand_over(int fd, const char *buf, int len, int blocked) {
  int forked = 0;
  while (len > 0) {
    if (!blocked) {
      buf += len;
      len = 0;
      continue;
    }
    if (forked)
      _exit(1);
    pid_t pid = fork();
    if (pid < 0)
      return "fork failed";
    if (pid)
      return 0;
    forked++;
    blocked = work();
  }
  if (forked)
    _exit(0);
  return 0;
}

// Close positive: the counter is tested against a value the child's first pass does not reach.
const char *hand_over_twice(int fd, const char *buf, int len, int blocked) {
  int forked = 0;
  while (len > 0) {
    if (!blocked) {
      buf += len;
      len = 0;
      continue;
    }
    if (forked > 1)
      _exit(1);
    pid_t pid = fork();
    // CHECK: mp-fork-in-loop-left-by-value.c:[[@LINE-1]]:17: warning: the child process stays in the loop and calls fork() again
    if (pid < 0)
      return "fork failed";
    if (pid)
      return 0;
    forked++;
    blocked = work();
  }
  if (forked)
    _exit(0);
  return 0;
}
// CHECK-NOT: warning:
