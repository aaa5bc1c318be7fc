// A shared zone descriptor filled by zone_map() (nginx's ngx_shm_t and ngx_shm_alloc shape).
#include <stddef.h>

struct zone {
  void *addr;    // MAP_SHARED, set by zone_map()
  void *scratch; // malloc'ed, set by zone_map()
  size_t size;
};

int zone_map(struct zone *z);
extern void *zone_stats; // MAP_SHARED, set by zone_map()
