#include <stdio.h>

void work(void) { puts("working"); }
