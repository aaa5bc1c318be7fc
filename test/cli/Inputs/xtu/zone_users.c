// Semaphores in the zone's memory, mapped by another file.
#include "zone.h"
#include <semaphore.h>

sem_t *zone_lock(struct zone *z) {
  sem_t *s = z->addr;
  sem_init(s, 0, 1);
  return s;
}

void stats_lock(void) { sem_init((sem_t *)zone_stats, 0, 1); }

sem_t *scratch_lock(struct zone *z) {
  sem_t *s = z->scratch;
  sem_init(s, 0, 1);
  return s;
}
