#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void spawn(void) {
  puts("spawning"); // still buffered at the fork: the child's exit() would print it again
  if (fork() == 0)
    exit(3);
}
