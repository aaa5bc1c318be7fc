// RUN: %cc %s -o %t
// RUN: %procsan run -- %t 2>&1 | FileCheck --allow-empty %s
// The parent stops its worker on purpose and reaps it: not a lost crash.
// CHECK-NOT: mp-lost-crash
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid == 0) {
    for (;;)
      pause();
  }
  usleep(100000);
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  pid_t other = fork();
  if (other == 0) {
    for (;;)
      pause();
  }
  usleep(100000);
  kill(other, SIGKILL);
  waitpid(other, NULL, 0);
  return 0;
}
