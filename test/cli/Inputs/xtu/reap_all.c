// The program's reaper: collects every child that has exited.
#include <sys/wait.h>

void reap_all(void) {
  while (waitpid(-1, 0, 0) > 0) {
  }
}
