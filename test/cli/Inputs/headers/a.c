#include "spawn.h"
void a(void) { spawn_helper(); }
