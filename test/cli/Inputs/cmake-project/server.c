#include <sys/wait.h>
#include <unistd.h>

void work(void);

int main(void) {
  fork(); // both processes run on
  work();
  while (wait(NULL) > 0) {
  }
  return 0;
}
