// Unlinks other names: the pool and the slots still leak.
#include <sys/mman.h>

void cleanup_other(void) {
  shm_unlink("/procsan-xtu-pool-old");
  shm_unlink("/procsan-xtu-slots");
}
