// REQUIRES: symbolizer
// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --rules=mp-lock-held-at-exit -- %t 2>&1 | FileCheck %s
// A mutex is named by the shared memory that holds it, with the stack of the mmap that made it:
// a shm_open'ed object by its path, anonymous memory by the process that mapped it. A mapping
// unmapped and replaced at the same address is new memory: the mutex placed there is named by
// the second mmap, not by the first (the runtime's cache of identities must forget the first).
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void init_shared(pthread_mutex_t *m) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(m, &attr);
}

static void child_keeps(pthread_mutex_t *m) {
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(m);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
}

int main(void) {
  char name[64];
  snprintf(name, sizeof name, "/procsan-identity-%d", (int)getpid());
  int fd = shm_open(name, O_CREAT | O_RDWR, 0600);
  ftruncate(fd, 4096);
  pthread_mutex_t *named = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  shm_unlink(name);
  init_shared(named + 1);
  child_keeps(named + 1);

  size_t len = 4096;
  char *first = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  init_shared((pthread_mutex_t *)first);
  pthread_mutex_lock((pthread_mutex_t *)first); // its identity is known (and cached) now
  pthread_mutex_unlock((pthread_mutex_t *)first);
  munmap(first, len);
  char *second = mmap(first, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
                      -1, 0);
  init_shared((pthread_mutex_t *)second);
  child_keeps((pthread_mutex_t *)second);
  return 0;
}
// CHECK-DAG: exited with status 0 while holding the process-shared mutex at offset 0x28 of /dev/shm/procsan-identity-{{[0-9]+}} (taken by thread
// CHECK-DAG: the shared memory (/dev/shm/procsan-identity-{{[0-9]+}}) that holds it was mapped by pid
// CHECK-DAG: in main {{.*}}mp-lock-held-mapping-identity.c:36
// CHECK-DAG: exited with status 0 while holding the process-shared mutex at offset 0x0 of the anonymous shared memory mapped by pid
// CHECK-DAG: in main {{.*}}mp-lock-held-mapping-identity.c:47
// CHECK-NOT: mp-lock-held-mapping-identity.c:42
// CHECK: procsan: 2 findings
