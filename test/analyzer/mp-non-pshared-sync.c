// RUN: not %procsan check --checks='-*,mp-non-pshared-sync' %s -- 2>&1 | FileCheck %s
// Synchronization objects in shared memory set up for one process only.
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <sys/mman.h>

struct shared {
  pthread_mutex_t lock;
  pthread_cond_t ready;
  pthread_rwlock_t table;
  sem_t items;
  int count;
};

struct shared *create(void) {
  struct shared *s =
      mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pthread_mutex_init(&s->lock, NULL);
  // CHECK: mp-non-pshared-sync.c:[[@LINE-1]]:3: warning: mutex in shared memory is initialized without PTHREAD_PROCESS_SHARED: using it from more than one process is undefined (lost wake-ups, deadlocks) [mp-non-pshared-sync]
  // CHECK: :[[@LINE-3]]:7: note: the memory is shared by mmap(MAP_SHARED|MAP_ANONYMOUS)
  // CHECK: :[[@LINE-3]]:32: note: pass an attribute set with pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED)
  // CHECK: :[[@LINE-4]]:3: note: a worker may die holding it: also set pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST)
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_cond_init(&s->ready, &ca);
  // CHECK: mp-non-pshared-sync.c:[[@LINE-1]]:3: warning: condition variable in shared memory is initialized without PTHREAD_PROCESS_SHARED
  pthread_rwlockattr_t ra;
  pthread_rwlockattr_init(&ra);
  pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_PRIVATE);
  pthread_rwlock_init(&s->table, &ra);
  // CHECK: mp-non-pshared-sync.c:[[@LINE-1]]:3: warning: rwlock in shared memory is initialized without PTHREAD_PROCESS_SHARED
  sem_init(&s->items, 0, 0);
  // CHECK: mp-non-pshared-sync.c:[[@LINE-1]]:23: warning: semaphore in shared memory is initialized with pshared 0: it works only between threads of one process, and posts from other processes may never wake a waiter; pass 1 [mp-non-pshared-sync]
  // CHECK-NEXT: {{^}}   {{[0-9]+}} |   sem_init(&s->items, 0, 0);
  // CHECK-NEXT: {{^}}      |                       ^
  // CHECK-NEXT: {{^}}      |                       1
  return s;
}

// Through a pointer returned by a helper, and a semaphore array indexed in a loop.
static void *map_shared(size_t n) {
  return mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

sem_t *make_sems(int n) {
  sem_t *sems = map_shared(n * sizeof(sem_t));
  for (int i = 0; i < n; i++)
    sem_init(&sems[i], 0, 1);
  // CHECK: mp-non-pshared-sync.c:[[@LINE-1]]:24: warning: semaphore in shared memory is initialized with pshared 0
  return sems;
}
// CHECK-NOT: warning:
