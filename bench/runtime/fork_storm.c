/* Worst case for the runtime: fork + _exit + waitpid in a tight loop (argv[1] times). */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  for (int i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid == 0)
      _exit(0);
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status))
      return 1;
  }
  return 0;
}
