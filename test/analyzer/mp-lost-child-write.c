// RUN: not %procsan check --checks='-*,mp-lost-child-write' %s -- 2>&1 | FileCheck %s
// The parent waits for a child and then reads what the child "returned" in ordinary memory.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int compute(int);

int one_result(void) {
  int result = -1;
  pid_t pid = fork();
  if (pid == 0) {
    result = compute(1);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  return result;
  // CHECK: mp-lost-child-write.c:[[@LINE-1]]:10: warning: 'result' is read by the parent after the child ended, but the child assigned only its own copy: processes do not share memory; send the value back through a pipe, the exit status or MAP_SHARED memory [mp-lost-child-write]
  // CHECK: :[[@LINE-6]]:12: note: the child's assignment, invisible to the parent
  // CHECK: :[[@LINE-9]]:15: note: the child is a copy made by this fork()
}

// Results of several children in an array, summed after a wait loop.
long sum_parallel(int n) {
  long parts[16] = {0};
  for (int i = 0; i < n; i++) {
    if (fork() == 0) {
      parts[i] = compute(i);
      _exit(0);
    }
  }
  for (int i = 0; i < n; i++)
    wait(NULL);
  long total = 0;
  for (int i = 0; i < n; i++)
    total += parts[i];
  // CHECK: mp-lost-child-write.c:[[@LINE-1]]:14: warning: 'parts' is read by the parent after the child ended
  return total;
}

// A worker that records its status in a global.
static int worker_failed;
static void work(void) {
  if (compute(0) < 0)
    worker_failed = 1;
}

int run_worker(void) {
  switch (fork()) {
  case -1:
    return -1;
  case 0:
    work();
    _exit(0);
  default:
    wait(NULL);
    if (worker_failed)
      // CHECK: mp-lost-child-write.c:[[@LINE-1]]:9: warning: 'worker_failed' is read by the parent after the child ended
      // CHECK: :[[@LINE-14]]:19: note: the child's assignment, invisible to the parent
      return 1;
  }
  return 0;
}

// A struct member.
struct stats {
  int done;
  long bytes;
};

long copy_in_child(void) {
  struct stats st = {0, 0};
  pid_t pid = fork();
  if (pid == 0) {
    st.bytes = compute(2);
    st.done = 1;
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  return st.done ? st.bytes : -1;
  // CHECK: mp-lost-child-write.c:[[@LINE-1]]:10: warning: 'st.done' is read by the parent after the child ended
  // CHECK: mp-lost-child-write.c:[[@LINE-2]]:20: warning: 'st.bytes' is read by the parent after the child ended
}
// CHECK-NOT: warning:
