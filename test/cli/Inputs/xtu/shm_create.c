// Creates the pool's shared memory; the unlink lives elsewhere (or nowhere).
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int open_pool(void) { return shm_open("/procsan-xtu-pool", O_CREAT | O_RDWR, 0600); }

int open_slot(int i) {
  char name[64];
  snprintf(name, sizeof name, "/procsan-xtu-slot-%d", i);
  return shm_open(name, O_CREAT | O_RDWR, 0600);
}
