// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --rules=mp-lock-held-at-exit -- %t 2>&1 | FileCheck %s
// A lock held at exit matters only if some other process could still wait for it. Silent: a
// process that keeps a semaphore it created once every worker that shared it is reaped (what
// multiprocessing's Pool.terminate() does with its task queue's lock). Reported: the same but
// with a child forked after the lock was taken still running, and a semaphore created by the
// parent before the fork, kept by the child while the parent lives on.
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static sem_t *make_lock(const char *name) {
  sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
  sem_unlink(name); // nobody else can open it by name any more
  return s;
}

static void last_user(void) {
  char name[64];
  snprintf(name, sizeof name, "/procsan-last-user-%d", (int)getpid());
  sem_t *lock = make_lock(name);
  for (int i = 0; i < 2; ++i)
    if (fork() == 0) {
      sem_wait(lock);
      sem_post(lock);
      _exit(0);
    }
  while (wait(NULL) > 0) {
  }
  sem_wait(lock); // kept: every other user is gone
  _exit(0);
}

static void child_outlives(void) {
  char name[64];
  snprintf(name, sizeof name, "/procsan-outlived-%d", (int)getpid());
  sem_t *lock = make_lock(name);
  sem_wait(lock);
  if (fork() == 0) { // inherits the semaphore and could wait for it
    usleep(300000);
    _exit(0);
  }
  _exit(0);
}

int main(void) {
  pid_t a = fork();
  if (a == 0)
    last_user();
  pid_t b = fork();
  if (b == 0)
    child_outlives();
  sem_t *shared = mmap(NULL, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                       -1, 0);
  sem_init(shared, 1, 1);
  pid_t c = fork();
  if (c == 0) {
    sem_wait(shared);
    _exit(0);
  }
  waitpid(a, NULL, 0);
  waitpid(b, NULL, 0);
  waitpid(c, NULL, 0);
  usleep(400000);
  return 0;
}
// CHECK-DAG: procsan: error: process {{[0-9]+}} ({{.*}}) exited with status 0 while holding the named semaphore '/procsan-outlived-{{[0-9]+}}'{{.*}} [mp-lock-held-at-exit]
// CHECK-DAG: procsan: error: process {{[0-9]+}} ({{.*}}) exited with status 0 while holding the process-shared semaphore {{.*}} [mp-lock-held-at-exit]
// CHECK-DAG: first took the named semaphore '/procsan-outlived-{{[0-9]+}}' here
// CHECK-NOT: procsan-last-user
// CHECK: procsan: 2 findings
