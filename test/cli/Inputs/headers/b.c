#include "spawn.h"
void b(void) { spawn_helper(); }
