// A single-threaded program: nothing it calls starts a thread.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid == 0) {
    printf("child %d\n", (int)getpid());
    _exit(0);
  }
  if (pid > 0)
    waitpid(pid, 0, 0);
  return 0;
}
