// The pool's threads.
#include <pthread.h>

static void *work(void *arg) { return arg; }

void spawn_pool(int n) {
  for (int i = 0; i < n; ++i) {
    pthread_t t;
    pthread_create(&t, 0, work, 0);
  }
}
