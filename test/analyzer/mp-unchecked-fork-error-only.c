// RUN: not %procsan check --checks='-*,mp-unchecked-fork' %s -- 2>&1 | FileCheck %s
// Checking only for failure still lets parent and child run the same code.
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

void run_job(void);

void only_minus_one(void) {
  pid_t pid = fork();
  // CHECK: mp-unchecked-fork-error-only.c:[[@LINE-1]]:15: warning: result of fork() is only checked for failure: parent and child both run the code that follows [mp-unchecked-fork]
  if (pid == -1)
    // CHECK: mp-unchecked-fork-error-only.c:[[@LINE-1]]:7: note: this test separates the error path only; compare with 0 to tell the child from the parent
    abort();
  run_job();
}

void only_negative(void) {
  pid_t pid;
  if ((pid = fork()) < 0)
    // CHECK: mp-unchecked-fork-error-only.c:[[@LINE-1]]:14: warning: result of fork() is only checked for failure
    exit(1);
  run_job();
}

void switch_on_error(void) {
  switch (fork()) {
  // CHECK: mp-unchecked-fork-error-only.c:[[@LINE-1]]:11: warning: result of fork() is only checked for failure
  case -1:
    abort();
  default:
    break;
  }
  run_job();
}

void not_negative(void) {
  if (fork() >= 0)
    // CHECK: mp-unchecked-fork-error-only.c:[[@LINE-1]]:7: warning: result of fork() is only checked for failure
    run_job();
}
