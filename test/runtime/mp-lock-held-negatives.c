// RUN: %cc %s -o %t -pthread
// RUN: %procsan run -- %t 2>&1 | FileCheck --allow-empty %s
// Locks released before exit, a private mutex, and a counting semaphore used to pass work
// (consumed by one process, posted by another) are not locks held at exit.
// CHECK-NOT: mp-lock-held-at-exit
// CHECK-NOT: mp-dead-owner
#include <pthread.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
  pthread_mutex_t lock;
  sem_t items;
  int value;
};

int main(void) {
  struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                          -1, 0);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&s->lock, &attr);
  sem_init(&s->items, 1, 0);
  pthread_mutex_t private_lock = PTHREAD_MUTEX_INITIALIZER;
  pid_t pid = fork();
  if (pid == 0) {
    sem_wait(&s->items); // consumes an item: not a lock
    pthread_mutex_lock(&s->lock);
    s->value++;
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_lock(&private_lock); // private: not tracked
    _exit(0);
  }
  pthread_mutex_lock(&s->lock);
  s->value++;
  pthread_mutex_unlock(&s->lock);
  sem_post(&s->items);
  waitpid(pid, NULL, 0);
  return 0;
}
