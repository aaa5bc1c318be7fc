// The classic double fork; the surviving grandchild goes on with the parent's code.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void makedaemon(void) {
  if (fork() != 0)
    exit(0);
  setsid();
  if (fork() != 0)
    exit(0);
  if (chdir("/") != 0)
    fprintf(stderr, "cannot change directory to /\n");
}
