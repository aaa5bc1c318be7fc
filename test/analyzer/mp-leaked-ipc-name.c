// RUN: not %procsan check --checks='-*,mp-leaked-ipc-name' %s -- 2>&1 | FileCheck %s
// Named objects created and never unlinked.
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <unistd.h>

int make_segment(void) {
  int fd = shm_open("/app-cache", O_CREAT | O_RDWR, 0600);
  // CHECK: mp-leaked-ipc-name.c:[[@LINE-1]]:12: warning: shared memory object "/app-cache" is created but never unlinked: it outlives the program (and the next run finds it); call shm_unlink() once every process has opened it [mp-leaked-ipc-name]
  ftruncate(fd, 4096);
  return fd;
}

sem_t *make_lock(void) {
  sem_t *s = sem_open("/app-lock", O_CREAT | O_EXCL, 0600, 1);
  // CHECK: mp-leaked-ipc-name.c:[[@LINE-1]]:14: warning: named semaphore "/app-lock" is created but never unlinked
  sem_unlink("/app-other"); // a different name
  return s;
}

mqd_t make_queue(const char *name) {
  return mq_open(name, O_CREAT | O_RDWR, 0600, NULL);
  // CHECK: mp-leaked-ipc-name.c:[[@LINE-1]]:10: warning: message queue 'name' is created but never unlinked
}
