// A library file without main() whose constructor registers an exit handler: it runs in
// whichever program links it, so it counts for every fork.
#include <stdlib.h>

static void drop_cache(void) {}

__attribute__((constructor)) static void cache_init(void) { atexit(drop_cache); }
