// RUN: %procsan check --checks='-*,mp-child-fallthrough' %s -- 2>&1 | FileCheck --allow-empty %s
// Children that end properly: _exit, exec then _exit, noreturn helpers (declared or inferred),
// abort, a returned pid the caller tests, vfork+exec.
// CHECK-NOT: warning:
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void work(void);
__attribute__((noreturn)) void serve_forever(void);

static void child_main(void) { // never returns: every path ends in _exit or loops forever
  work();
  for (;;)
    pause();
}

static void fail(void) {
  work();
  _exit(1);
}

void with_exit(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  }
  waitpid(pid, NULL, 0);
}

void exec_then_exit(char **argv) {
  pid_t pid = fork();
  if (pid == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
  waitpid(pid, NULL, 0);
}

void vfork_exec(char **argv) {
  pid_t pid = vfork();
  if (pid == 0) {
    execv(argv[0], argv);
    _exit(127);
  }
  waitpid(pid, NULL, 0);
}

void noreturn_helpers(void) {
  if (fork() == 0)
    serve_forever();
  if (fork() == 0)
    child_main();
  if (!fork())
    fail();
  if (fork() == 0)
    abort();
}

void parent_returns_early(void) {
  pid_t pid = fork();
  if (pid > 0)
    return;
  if (pid < 0)
    return;
  work();
  _exit(0);
}

pid_t spawn(void) { // returns the pid: its caller branches on it
  pid_t pid = fork();
  if (pid == 0)
    work();
  return pid;
}

void parent_only_work(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  work(); // only the parent gets here
}

// Daemonizing: the parent exits, so the caller's code belongs to the child alone.
void daemonize(void) {
  if (fork() > 0)
    exit(0);
  setsid();
  if (fork() != 0)
    _exit(0);
}

// The child hands over to an exec helper through a pointer; the return after it is defensive.
int run_with(void (*exec_fn)(void *), void *data) {
  pid_t pid = fork();
  if (pid == 0) {
    exec_fn(data);
    return -1; /* not reached */
  }
  return pid > 0 ? 0 : -1;
}
