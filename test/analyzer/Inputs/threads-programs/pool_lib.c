// A library's thread pool: no main() of the database calls it, any program may.
#include <pthread.h>

static void *pool_worker(void *arg) { return arg; }

int pool_start(pthread_t *threads, int n) {
  for (int i = 0; i < n; i++)
    if (pthread_create(&threads[i], 0, pool_worker, 0) != 0)
      return -1;
  return 0;
}
