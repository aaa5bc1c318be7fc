// RUN: %procsan check --checks='-*,mp-unchecked-fork' %s -- 2>&1 | FileCheck --allow-empty %s
// Every way of telling child and parent apart must silence mp-unchecked-fork.
// CHECK-NOT: warning:
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct slot {
  pid_t pid;
  int busy;
};
static struct slot slots[8];

void child_main(void);
void handoff(pid_t pid); // defined elsewhere: it may test the pid

static int is_child(pid_t pid) { return pid == 0; }

void stored_then_switched(void) {
  pid_t pid = fork();
  switch (pid) {
  case -1:
    abort();
  case 0:
    child_main();
    _exit(0);
  default:
    waitpid(pid, NULL, 0);
  }
}

void assigned_in_condition(void) {
  pid_t pid;
  if ((pid = fork()) == 0) {
    child_main();
    _exit(0);
  }
  if (pid > 0)
    waitpid(pid, NULL, 0);
}

void not_pid(void) {
  pid_t pid = fork();
  if (!pid)
    _exit(0);
}

void daemonize(void) {
  if (fork() > 0)
    exit(0);
  if (fork() != 0)
    _exit(0);
}

void ternary(void) {
  pid_t pid = fork();
  pid > 0 ? (void)waitpid(pid, NULL, 0) : _exit(0);
}

void retry_on_eagain(void) {
  pid_t pid;
  while ((pid = fork()) < 0 && errno == EAGAIN)
    sleep(1);
  if (pid == 0)
    _exit(0);
}

void array_slot(int n) {
  pid_t pids[16];
  for (int i = 0; i < n; ++i) {
    pids[i] = fork();
    if (pids[i] == 0) {
      child_main();
      _exit(0);
    }
  }
}

void member_slot(int i) {
  slots[i].pid = fork();
  if (slots[i].pid == 0)
    _exit(0);
  slots[i].busy = 1;
}

void helper_tests_it(void) {
  pid_t pid = fork();
  if (is_child(pid))
    _exit(0);
}

void handed_to_unknown_code(void) { handoff(fork()); }

pid_t wrapper(void) { return fork(); }

void caller_tests_wrapper(void) {
  pid_t p = wrapper();
  if (p == 0)
    _exit(0);
}

// The wrapper sends the child away itself: its callers only ever see the parent's pid.
static pid_t spawn_worker(int id) {
  pid_t pid = fork();
  if (pid == 0) {
    child_main();
    _exit(id);
  }
  return pid;
}

void spawner_caller(void) {
  pid_t workers[4];
  for (int i = 0; i < 4; ++i)
    workers[i] = spawn_worker(i);
  spawn_worker(9);
  for (int i = 0; i < 4; ++i)
    waitpid(workers[i], NULL, 0);
}

void compared_with_variable(pid_t expected) {
  pid_t p = fork();
  if (p != expected)
    _exit(0);
}

void suppressed(void) {
  fork(); // NOLINT(mp-unchecked-fork)
  // NOLINTNEXTLINE(mp-*)
  fork();
  fork(); // NOLINT
}
