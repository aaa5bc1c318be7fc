// Forks and prints in the child: unsafe only if the process has other threads.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

void report_from_child(void) {
  pid_t pid = fork();
  if (pid == 0) {
    printf("child %d\n", (int)getpid());
    _exit(0);
  }
  waitpid(pid, 0, 0);
}
