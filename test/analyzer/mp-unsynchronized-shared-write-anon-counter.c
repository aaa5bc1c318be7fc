// RUN: not %procsan check --checks='-*,mp-unsynchronized-shared-write' %s -- 2>&1 | FileCheck --implicit-check-not='warning:' %s
// A counter in an anonymous MAP_SHARED mapping, incremented with a plain ++ by the parent and
// the child at the same time: increments are lost. One finding for the pair, with a note at the
// other side; code after the fork that both processes run is a race on its own.
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  long *counter = mmap(NULL, sizeof *counter, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                       -1, 0);
  if (counter == MAP_FAILED)
    return 1;
  *counter = 0;
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    for (int i = 0; i < 100000; i++)
      ++*counter;
    // CHECK: anon-counter.c:[[@LINE-1]]:7: warning: write to shared memory by the child without a process-shared lock
    // CHECK: :[[@LINE+4]]:15: note: the parent writes the same memory here
    _exit(0);
  }
  for (int i = 0; i < 100000; i++)
    (*counter)++;
  waitpid(pid, NULL, 0);
  printf("%ld\n", *counter);
  return 0;
}

// The look-alike: the parent touches the counter only after the child is gone.
int after_wait(void) {
  long *counter = mmap(NULL, sizeof *counter, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                       -1, 0);
  if (counter == MAP_FAILED)
    return 1;
  *counter = 0;
  pid_t pid = fork();
  if (pid == 0) {
    for (int i = 0; i < 100000; i++)
      ++*counter;
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  (*counter)++;
  return (int)*counter;
}

// Both processes run the loop after the fork.
int both(void) {
  int *hits = mmap(NULL, sizeof *hits, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid_t pid = fork();
  for (int i = 0; i < 1000; i++)
    hits[0]++;
  // CHECK: anon-counter.c:[[@LINE-1]]:5: warning: write to shared memory by both the parent and the child without a process-shared lock
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
  return hits[0];
}
