// RUN: %procsan check --checks='-*,mp-leaked-ipc-name' %s -- 2>&1 | FileCheck --allow-empty %s
// Unlinked by the same literal or variable, opened without O_CREAT, or unlinked through a name
// the model cannot compare (a parameter): nothing to report.
// CHECK-NOT: warning:
#include <fcntl.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <unistd.h>

void remove_name(const char *name) { shm_unlink(name); }

int segment(void) {
  int fd = shm_open("/app-seg", O_CREAT | O_RDWR, 0600);
  shm_unlink("/app-seg"); // unlinked at once: the fd keeps the object alive
  return fd;
}

sem_t *lock(char *name) {
  sem_t *s = sem_open(name, O_CREAT, 0600, 1);
  sem_unlink(name);
  return s;
}

sem_t *attach(void) { return sem_open("/app-existing", 0); }

int via_helper(void) { return shm_open("/app-helper", O_CREAT | O_RDWR, 0600); }
