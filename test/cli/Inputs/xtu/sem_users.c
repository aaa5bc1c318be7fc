// Semaphores for worker processes, in memory from the allocators of other files.
#include <semaphore.h>
#include <stddef.h>

void *shared_alloc(size_t n);
void *private_alloc(size_t n);
void *heap_alloc(size_t n);
void *zone_alloc(size_t n);

struct queue {
  sem_t items;
  int head;
};

struct queue *queue_shared(void) {
  struct queue *q = shared_alloc(sizeof(*q));
  sem_init(&q->items, 0, 0);
  return q;
}

sem_t *lock_in_zone(void) {
  sem_t *s = zone_alloc(sizeof(sem_t));
  sem_init(s, 0, 1);
  return s;
}

struct queue *queue_private(void) {
  struct queue *q = private_alloc(sizeof(*q));
  sem_init(&q->items, 0, 0);
  return q;
}

struct queue *queue_heap(void) {
  struct queue *q = heap_alloc(sizeof(*q));
  sem_init(&q->items, 0, 0);
  return q;
}
