// REQUIRES: symbolizer
// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --rules=all --cleanup --output=%t.txt -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: FileCheck %s < %t.txt
// The text report puts errors before warnings whatever order the detectors run in: the leaked
// shared memory (a warning, found first) comes after the lock a child died holding (an error).
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  char name[64];
  snprintf(name, sizeof(name), "/procsan-order-%d", (int)getpid());
  int fd = shm_open(name, O_CREAT | O_RDWR, 0600); // never unlinked
  ftruncate(fd, 4096);
  pthread_mutex_t *m =
      mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(m, &attr);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(m);
    _exit(0); // dies holding it
  }
  waitpid(pid, NULL, 0);
  return 0;
}
// CHECK: procsan: error: {{.*}}[mp-lock-held-at-exit]
// CHECK: procsan: warning: {{.*}}[mp-leaked-ipc]
// CHECK: procsan: 2 findings (1 mp-lock-held-at-exit, 1 mp-leaked-ipc)
