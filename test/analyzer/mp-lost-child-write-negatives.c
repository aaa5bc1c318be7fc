// RUN: %procsan check --checks='-*,mp-lost-child-write' %s -- 2>&1 | FileCheck %s --allow-empty
// The parent reads its own values, values sent back through a pipe or the exit status, or
// shared memory.
#include <stddef.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int compute(int);

// The child changes its own copy for its own use; the parent reads its own value.
int own_copy(int fd) {
  pid_t pid = fork();
  if (pid == 0) {
    fd = -1;
    _exit(compute(fd));
  }
  int status;
  waitpid(pid, &status, 0);
  return fd;
}

// The parent assigns the variable itself after the fork.
int parent_assigns(void) {
  int result = 0;
  pid_t pid = fork();
  if (pid == 0) {
    result = compute(1);
    _exit(result);
  }
  int status;
  waitpid(pid, &status, 0);
  result = WEXITSTATUS(status);
  return result;
}

// The value comes back through a pipe into the same variable.
int through_pipe(void) {
  int p[2], value = 0;
  pipe(p);
  pid_t pid = fork();
  if (pid == 0) {
    value = compute(3);
    write(p[1], &value, sizeof value);
    _exit(0);
  }
  read(p[0], &value, sizeof value);
  waitpid(pid, NULL, 0);
  return value;
}

// Shared memory: the parent does see the child's write.
int shared_result(void) {
  int *out = mmap(NULL, sizeof *out, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid_t pid = fork();
  if (pid == 0) {
    *out = compute(4);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  return *out;
}

// The parent reads before waiting: it uses its own value, not the child's.
int before_wait(void) {
  int n = 1;
  pid_t pid = fork();
  if (pid == 0) {
    n = 2;
    _exit(0);
  }
  int mine = n;
  waitpid(pid, NULL, 0);
  return mine;
}
// CHECK-NOT: warning:
