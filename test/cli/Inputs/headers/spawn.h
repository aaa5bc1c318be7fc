#include <unistd.h>
static inline void spawn_helper(void) { fork(); }
