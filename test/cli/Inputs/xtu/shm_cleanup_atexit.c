// Unlinks the pool and every slot in an atexit handler.
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

static void cleanup(void) {
  shm_unlink("/procsan-xtu-pool");
  for (int i = 0; i < 4; ++i) {
    char name[64];
    snprintf(name, sizeof name, "/procsan-xtu-slot-%d", i);
    shm_unlink(name);
  }
}

void install_cleanup(void) { atexit(cleanup); }
