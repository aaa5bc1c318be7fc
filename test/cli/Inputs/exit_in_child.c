#include <stdlib.h>
#include <unistd.h>

void spawn(void) {
  if (fork() == 0)
    exit(3);
}
