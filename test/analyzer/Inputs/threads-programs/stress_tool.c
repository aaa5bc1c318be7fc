// A test helper built from the same database: its own main(), its own threads. Its threads
// never exist in the other programs' processes.
#include <pthread.h>

static void *hammer(void *arg) { return arg; }

int main(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], 0, hammer, 0);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], 0);
  return 0;
}
