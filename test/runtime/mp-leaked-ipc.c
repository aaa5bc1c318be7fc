// RUN: %cc %s -o %t
// RUN: %procsan run --rules=mp-leaked-ipc --cleanup -- %t 2>&1 | FileCheck --check-prefixes=CHECK,CLEAN %s
// RUN: %procsan run --rules=mp-leaked-ipc -- %t unlink 2>&1 | FileCheck --check-prefix=NONE --allow-empty %s
// A worker creates a shared memory segment and a semaphore by name; only the semaphore is
// unlinked (by the parent, after the worker is gone).
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  char shm[64], sem[64];
  snprintf(shm, sizeof(shm), "/procsan-test-shm-%d", (int)getpid());
  snprintf(sem, sizeof(sem), "/procsan-test-sem-%d", (int)getpid());
  pid_t pid = fork();
  if (pid == 0) {
    int fd = shm_open(shm, O_CREAT | O_RDWR, 0600);
    close(fd);
    sem_t *s = sem_open(sem, O_CREAT, 0600, 1);
    sem_close(s);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  sem_unlink(sem);
  if (argc > 1 && strcmp(argv[1], "unlink") == 0)
    shm_unlink(shm);
  return 0;
}
// CLEAN: procsan run: removed leaked shared memory object '/procsan-test-shm-{{[0-9]+}}'
// CHECK: procsan: warning: shared memory object '/procsan-test-shm-{{[0-9]+}}' created by process {{[0-9]+}} ({{.*}}) still exists after the program ended: nobody unlinked it [mp-leaked-ipc]
// CHECK-NOT: procsan-test-sem
// CHECK: procsan: 1 finding
// NONE-NOT: mp-leaked-ipc
