// Fills the zone's address with a shared mapping, its scratch buffer from the heap.
#include "zone.h"
#include <stdlib.h>
#include <sys/mman.h>

void *zone_stats;

int zone_map(struct zone *z) {
  z->addr = mmap(NULL, z->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  z->scratch = malloc(z->size);
  zone_stats = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return z->addr == MAP_FAILED ? -1 : 0;
}
