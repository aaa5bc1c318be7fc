// Fork wrappers the other files call: one returns the pid to both processes, one sends the
// child to its job itself and returns only in the parent.
#include <stdlib.h>
#include <unistd.h>

pid_t spawn(void) {
  pid_t pid = fork();
  if (pid < 0)
    abort();
  return pid;
}

pid_t spawn_job(void (*job)(void)) {
  pid_t pid = fork();
  if (pid == 0) {
    job();
    _exit(0);
  }
  return pid;
}
