// RUN: %cc %s -o %t -pthread
// RUN: %threeways --allow-findings %t | FileCheck %s
// Four threads fork at the same time, over and over, while a fifth takes a process-shared mutex:
// every child gets its own exit status to its parent, nothing deadlocks, nothing is lost. (It is
// the mp-fork-with-threads pitfall, and procsan says so.)
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { kThreads = 4, kForks = 40 };
static pthread_mutex_t *shared;
static volatile int stop;

static void *forker(void *arg) {
  long id = (long)arg, good = 0;
  for (int i = 0; i < kForks; ++i) {
    pid_t pid = fork();
    if (pid == 0)
      _exit(0);
    int status;
    if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0)
      ++good;
  }
  (void)id;
  return (void *)good;
}

static void *locker(void *arg) {
  (void)arg;
  long n = 0;
  while (!stop) {
    pthread_mutex_lock(shared);
    ++n;
    pthread_mutex_unlock(shared);
  }
  return (void *)n;
}

int main(void) {
  shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(shared, &a);
  pthread_t t[kThreads], l;
  pthread_create(&l, NULL, locker, NULL);
  for (long i = 0; i < kThreads; ++i)
    pthread_create(&t[i], NULL, forker, (void *)i);
  long total = 0;
  for (int i = 0; i < kThreads; ++i) {
    void *good;
    pthread_join(t[i], &good);
    total += (long)good;
  }
  stop = 1;
  void *locks;
  pthread_join(l, &locks);
  printf("children reaped with status 0: %ld of %d\n", total, kThreads * kForks);
  printf("locker ran: %d\n", (long)locks > 0);
  int status;
  printf("nothing left to reap: %d\n", wait(&status) < 0);
  return 0;
}
// CHECK: children reaped with status 0: 160 of 160
// CHECK-NEXT: locker ran: 1
// CHECK-NEXT: nothing left to reap: 1
// CHECK-NEXT: status: exit 0
// CHECK: procsan-said: procsan: warning: {{.*}} while {{.*}} [mp-fork-with-threads]
