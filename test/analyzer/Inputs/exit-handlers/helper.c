#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int run_helper(const char *cmd) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    execl(cmd, cmd, (char *)NULL);
    exit(127);
  }
  int status;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}
