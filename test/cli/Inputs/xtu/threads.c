// The program's thread pool.
#include <pthread.h>

static void *loop(void *arg) { return arg; }

void start_threads(void) {
  pthread_t t;
  pthread_create(&t, 0, loop, 0);
}
