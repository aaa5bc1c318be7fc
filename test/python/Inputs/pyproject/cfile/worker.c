#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void pool(int n) {
  for (int i = 0; i < n; ++i)
    if (fork() == 0)
      printf("worker\n");
}

void one(void) { puts("one"); // buffered at the fork
  if (fork() == 0)
    exit(0);
}
