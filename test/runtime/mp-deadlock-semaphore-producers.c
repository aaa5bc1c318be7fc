// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: %procsan run --hang-timeout=1 -- %t enough 2>&1 | FileCheck --check-prefix=ENOUGH %s
// Two workers hand each other tokens through counting semaphores. Each posted the other's
// semaphore once before; then each waits for a second token the other never sends. procsan
// links each waiter to the process that produced for that semaphore before. The look-alike
// sends enough tokens.
#include <semaphore.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int enough = argc > 1 && strcmp(argv[1], "enough") == 0;
  sem_t *s =
      mmap(NULL, 2 * sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sem_t *toA = &s[0], *toB = &s[1];
  sem_init(toA, 1, 0);
  sem_init(toB, 1, 0);
  pid_t a = fork();
  if (a == 0) {
    sem_post(toB);
    sem_wait(toA);
    sem_wait(toA); // a second token
    sem_post(toB);
    _exit(0);
  }
  pid_t b = fork();
  if (b == 0) {
    sem_wait(toB);
    sem_post(toA);
    if (enough)
      sem_post(toA);
    sem_wait(toB);
    _exit(0);
  }
  waitpid(a, NULL, 0);
  waitpid(b, NULL, 0);
  write(1, "done\n", 5);
  return 0;
}
// CHECK: procsan: error: processes [[A:[0-9]+]] and [[B:[0-9]+]] wait for each other in a cycle: none of them can go on (stuck for {{[0-9.]+}} s) [mp-deadlock]
// CHECK-DAG: pid [[A]] thread [[A]] ({{.*}}) blocked in a wait for the process-shared semaphore at offset 0x0 of {{.*}}, which only pid [[B]] posted before
// CHECK-DAG: pid [[B]] thread [[B]] ({{.*}}) blocked in a wait for the process-shared semaphore at offset 0x20 of {{.*}}, which only pid [[A]] posted before
// ENOUGH-NOT: procsan
// ENOUGH: done
// ENOUGH-NOT: procsan
