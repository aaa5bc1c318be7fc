// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 5 prlimit --fsize=300000 %procsan run -- %t
// RUN: %python %inputs/expect_status.py 5 prlimit --fsize=6000 %procsan run -- %t
// RUN: %python %inputs/expect_status.py 5 %procsan run -- %t
// A program run with a small file size limit (RLIMIT_FSIZE) is not killed by SIGXFSZ because of
// procsan's logs: they are made to fit the limit, or left out when even a small one does not.
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  for (int i = 0; i < 3; ++i) {
    pid_t pid = fork();
    if (pid == 0)
      _exit(0);
    int status;
    if (waitpid(pid, &status, 0) != pid || status != 0)
      return 1;
  }
  return 5;
}
