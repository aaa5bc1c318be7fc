// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --output=%t.txt -- %t 2> %t.err
// RUN: FileCheck --allow-empty %s < %t.err
// RUN: FileCheck --allow-empty %s < %t.txt
// The look-alike of report-order-errors-first.c: the child unlocks before it exits and the shm
// is unlinked, so there is nothing to order and no summary line.
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  char name[64];
  snprintf(name, sizeof(name), "/procsan-order-neg-%d", (int)getpid());
  int fd = shm_open(name, O_CREAT | O_RDWR, 0600);
  ftruncate(fd, 4096);
  shm_unlink(name);
  pthread_mutex_t *m =
      mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(m, &attr);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(m);
    pthread_mutex_unlock(m);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  return 0;
}
// CHECK-NOT: procsan
