// Forks a worker and forgets its pid: some other file of the program must reap it.
#include <unistd.h>

void do_work(void);

void start_worker(void) {
  pid_t pid = fork();
  if (pid == 0) {
    do_work();
    _exit(0);
  }
}
