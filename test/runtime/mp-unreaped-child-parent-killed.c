// RUN: %cc %s -o %t
// RUN: %procsan run --hang-timeout=5 -- %t 2>&1 | FileCheck %s --allow-empty
// A supervisor kills a middle process on purpose; the worker that process started outlives it
// (it could not wait for anything once killed). Not an unreaped child.
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int ready[2];
  pipe(ready);
  pid_t middle = fork();
  if (middle == 0) {
    if (fork() == 0) {
      close(ready[0]);
      write(ready[1], "x", 1);
      usleep(300 * 1000); // the worker outlives its parent
      _exit(0);
    }
    pause();
    _exit(0);
  }
  char c;
  read(ready[0], &c, 1);
  kill(middle, SIGKILL);
  waitpid(middle, NULL, 0);
  printf("supervisor done\n");
  return 0;
}
// CHECK: supervisor done
// CHECK-NOT: mp-unreaped-child
