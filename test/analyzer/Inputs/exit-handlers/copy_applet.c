#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void copy_one(const char *from);

int copy_main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    pid_t pid = fork();
    if (pid < 0)
      return 1;
    if (pid == 0) {
      copy_one(argv[i]);
      exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
      return 1;
  }
  return 0;
}
