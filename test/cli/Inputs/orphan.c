#include <unistd.h>
// The parent ends while its child still runs and never waits for it (mp-unreaped-child).
int main(void) {
  if (fork() == 0) {
    usleep(200000);
    _exit(0);
  }
  return 0;
}
