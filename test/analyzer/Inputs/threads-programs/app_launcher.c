#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int launch_helper(void) {
  pid_t pid = fork();
  if (pid == 0) {
    fprintf(stderr, "helper starting\n");
    execlp("true", "true", (char *)0);
    _exit(127);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0)
    return 1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
