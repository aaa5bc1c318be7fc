// RUN: %procsan check --checks='-*,mp-non-pshared-sync' %s -- 2>&1 | FileCheck %s --allow-empty
// Process-shared set-ups (also through an init helper), and process-private objects in private
// memory.
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <sys/mman.h>

struct shared {
  pthread_mutex_t lock;
  pthread_cond_t ready;
  pthread_barrier_t start;
  sem_t items;
};

static void shared_attr(pthread_mutexattr_t *a) {
  pthread_mutexattr_init(a);
  pthread_mutexattr_setpshared(a, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(a, PTHREAD_MUTEX_ROBUST);
}

struct shared *create(void) {
  struct shared *s = mmap(0, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pthread_mutexattr_t ma;
  shared_attr(&ma); // the attribute is made process-shared in a helper
  pthread_mutex_init(&s->lock, &ma);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
  pthread_cond_init(&s->ready, &ca);
  pthread_barrierattr_t ba;
  pthread_barrierattr_init(&ba);
  pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
  pthread_barrier_init(&s->start, &ba, 4);
  sem_init(&s->items, 1, 0);
  return s;
}

// An attribute that comes from the caller: the model cannot tell, so it stays silent.
void init_with(struct shared *s, const pthread_mutexattr_t *attr) {
  pthread_mutex_init(&s->lock, attr);
}

// Private memory: pshared 0 is right.
struct shared *private_one(void) {
  struct shared *s = malloc(sizeof *s);
  pthread_mutex_init(&s->lock, NULL);
  sem_init(&s->items, 0, 0);
  struct shared *p = mmap(0, sizeof *p, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  pthread_mutex_init(&p->lock, NULL);
  return s;
}
// CHECK-NOT: warning:
