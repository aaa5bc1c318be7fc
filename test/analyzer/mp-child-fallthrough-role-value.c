// RUN: not %procsan check --checks='-*,mp-child-fallthrough' %s -- 2>&1 | FileCheck %s
// A function whose child returns a value its parent never returns tells its caller which
// process it is in, as fork() does. It does not fall through when the caller's test of the
// value sends one of the two away (a prefork setup whose parent returns, a spawn helper whose
// failed child makes main return its status), or when its callers are elsewhere (a library's
// fork-like API). Reported: the caller drops the value, or both processes go on after the test,
// or both return the same value.
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void serve(void);
void log_error(const char *what);

enum { ROLE_CHILD = 5, ROLE_PARENT = 6 };

// Callers in other programs: the library's contract.
int lib_proc_fork(pid_t *out) {
  pid_t pid = fork();
  if (pid < 0)
    return errno;
  if (pid == 0)
    return ROLE_CHILD;
  *out = pid;
  return ROLE_PARENT;
}

// 1 in a worker, 0 in the parent once every worker is gone.
static int setup_workers(int n) {
  int child = 0;
  for (int i = 0; i < n && !child; ++i) {
    pid_t pid = fork();
    if (pid < 0)
      continue;
    if (pid == 0)
      child = 1;
  }
  if (!child) {
    while (wait(NULL) > 0) {
    }
    return 0;
  }
  return 1; /* worker */
}

static int spawn(char **argv, pid_t *out) {
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    execvp(argv[0], argv);
    int status = 1;
    if (errno == ENOENT)
      status = 127;
    return status;
  }
  *out = pid;
  return 0;
}

int main(int argc, char **argv) {
  pid_t child_pid;
  int rc = spawn(argv + 1, &child_pid);
  if (rc)
    return rc;
  int workers = setup_workers(argc);
  if (workers != 1)
    return workers;
  serve();
  return 0;
}

// Close positives.
static int start_helper(void) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0)
    return 1;
  // CHECK: mp-child-fallthrough-role-value.c:[[@LINE-1]]:5: warning: the child process returns from 'start_helper' into its caller's code, which the parent runs too
  return 0;
}

static int same_value(void) {
  pid_t pid = fork();
  if (pid == 0) {
    serve();
    return 0;
    // CHECK: mp-child-fallthrough-role-value.c:[[@LINE-1]]:5: warning: the child process returns from 'same_value' into its caller's code
  }
  waitpid(pid, NULL, 0);
  return 0;
}

static int spawn_logged(char **argv) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    execvp(argv[0], argv);
    return -1;
    // CHECK: mp-child-fallthrough-role-value.c:[[@LINE-1]]:5: warning: if execvp() fails, the child process returns from 'spawn_logged' into its caller's code
  }
  return 0;
}

// A spawn helper for callers in other files: a failed exec must be seen sent away by a caller,
// so with none here it is reported.
int run_helper(char **argv) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    execvp(argv[0], argv);
    return -1;
    // CHECK: mp-child-fallthrough-role-value.c:[[@LINE-1]]:5: warning: if execvp() fails, the child process returns from 'run_helper' into its caller's code
  }
  return 0;
}

// The parent leaves a void caller; the child then falls out of it into main's code.
static int start_worker(void) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    serve();
    return 1;
    // CHECK: mp-child-fallthrough-role-value.c:[[@LINE-1]]:5: warning: the child process returns from 'start_worker' into its caller's code
  }
  return 0;
}

void supervise(void) {
  int rc = start_worker();
  if (rc != 1)
    return;
  serve();
}

// A void double fork: the grandchild returns into the caller, as the original parent does.
void spawn_detached(void) {
  pid_t pid = fork();
  if (pid < 0)
    return;
  if (pid == 0) {
    if (fork() != 0)
      _exit(0);
    setsid();
    serve();
    return;
    // CHECK: mp-child-fallthrough-role-value.c:[[@LINE-1]]:5: warning: the child process returns from 'spawn_detached' into its caller's code
  }
  waitpid(pid, NULL, 0);
}

void run_all(char **argv) {
  start_helper(); // the value is dropped: both processes go on here
  supervise();
  spawn_detached();
  same_value();
  for (int i = 0; i < 3; ++i)
    if (spawn_logged(argv) < 0)
      log_error("spawn"); // the failed child logs and goes on with the parent's loop
}
// CHECK-NOT: warning:
