// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --rules=mp-lock-held-at-exit -- %t shared 2>&1 | FileCheck -check-prefix=S %s
// RUN: %procsan run --rules=mp-lock-held-at-exit -- %t private 2>&1 | FileCheck -check-prefix=P %s
// The runtime remembers, per thread, which mutexes it found process-shared, so that it need not
// look at the contended mutex again. A mutex destroyed and made again as a private one at the
// same address is not process-shared any more: the parent that exits holding it, while a child it
// forked still runs, holds nothing another process could wait for. Made again as process-shared,
// the same exit is reported.
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void init(pthread_mutex_t *m, int shared) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, shared ? PTHREAD_PROCESS_SHARED : PTHREAD_PROCESS_PRIVATE);
  pthread_mutex_init(m, &attr);
}

int main(int argc, char **argv) {
  int shared = argc > 1 && strcmp(argv[1], "shared") == 0;
  pthread_mutex_t *m =
      mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  init(m, 1);
  for (int i = 0; i < 3; ++i) { // now remembered as process-shared
    pthread_mutex_lock(m);
    pthread_mutex_unlock(m);
  }
  pthread_mutex_destroy(m);
  init(m, shared);
  if (fork() == 0) { // a child that could take the mutex, still running at the parent's exit
    sleep(1);
    _exit(0);
  }
  pthread_mutex_lock(m);
  printf("exiting with the mutex locked\n");
  return 0;
}
// S: exiting with the mutex locked
// S: exited with status 0 while holding the process-shared mutex {{.*}} [mp-lock-held-at-exit]
// S: procsan: 1 finding
// P: exiting with the mutex locked
// P-NOT: [mp-lock-held-at-exit]
