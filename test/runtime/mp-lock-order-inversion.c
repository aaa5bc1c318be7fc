// REQUIRES: symbolizer
// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --rules=all -- %t 2>&1 | FileCheck %s
// RUN: %procsan run --rules=all -- %t ordered 2>&1 | FileCheck --check-prefix=ORDERED --allow-empty %s
// The child takes A then B, the parent B then A: this run did not deadlock, the next may.
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void take_both(pthread_mutex_t *first, pthread_mutex_t *second) {
  pthread_mutex_lock(first);
  pthread_mutex_lock(second);
  pthread_mutex_unlock(second);
  pthread_mutex_unlock(first);
}

int main(int argc, char **argv) {
  int ordered = argc > 1 && strcmp(argv[1], "ordered") == 0;
  pthread_mutex_t *locks = mmap(NULL, 2 * sizeof(pthread_mutex_t), PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&locks[0], &attr);
  pthread_mutex_init(&locks[1], &attr);
  pid_t pid = fork();
  if (pid == 0) {
    take_both(&locks[0], &locks[1]);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  if (ordered)
    take_both(&locks[0], &locks[1]);
  else
    take_both(&locks[1], &locks[0]);
  return 0;
}
// CHECK: procsan: warning: process-shared locks taken in opposite orders: {{.*}} [mp-lock-order-inversion]
// CHECK-NEXT: pid {{[0-9]+}} takes the process-shared mutex at offset 0x{{[0-9a-f]+}} {{.*}} while holding
// CHECK-NEXT: #0 {{.*}} in take_both {{.*}}mp-lock-order-inversion.c:14
// CHECK: pid {{[0-9]+}} takes
// CHECK-NEXT: #0 {{.*}} in take_both {{.*}}mp-lock-order-inversion.c:14
// CHECK: procsan: 1 finding
// ORDERED-NOT: mp-lock-order-inversion
