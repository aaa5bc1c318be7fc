// RUN: %cc %s -o %t -pthread
// RUN: %python %inputs/expect_status.py 124 %procsan run --rules=all --hang-timeout=1 -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// A worker dies holding a process-shared mutex; the parent then waits for it forever.
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pthread_mutex_t *m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(m, &attr);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(m);
    _exit(0); // forgets to unlock
  }
  waitpid(pid, NULL, 0);
  pthread_mutex_lock(m); // never returns
  pthread_mutex_unlock(m);
  return 0;
}
// CHECK: procsan: error: process {{[0-9]+}} ({{.*}}) is blocked waiting for the process-shared mutex at offset 0x0 of the anonymous shared memory mapped by pid [[PARENT:[0-9]+]], held by process [[CHILD:[0-9]+]] ({{.*}}), which exited with status 0 without releasing it (stuck for {{[0-9.]+}} s) [mp-dead-owner]
// CHECK: procsan run: the tree is stuck; killing it
// CHECK: procsan: error: process [[CHILD]] ({{.*}}) exited with status 0 while holding the process-shared mutex at offset 0x0 of the anonymous shared memory mapped by pid [[PARENT]] {{.*}} [mp-lock-held-at-exit]
// CHECK: thread [[CHILD]] of pid [[CHILD]] first took the process-shared mutex at offset 0x0 {{.*}} here
// CHECK-NEXT: #0 0x{{[0-9a-f]+}}
// CHECK: the shared memory that holds it was mapped by pid [[PARENT]]
// CHECK-NEXT: #0 0x{{[0-9a-f]+}}
