// RUN: %cc %s -o %t -pthread
// RUN: %threeways %t | FileCheck %s
// POSIX gives a new descriptor the lowest free number, and programs rely on it (a daemon that
// closes 0-2 and opens /dev/null three times). The runtime takes stacks (at a fork, at a named
// semaphore's creation), and libunwind makes a pipe of its own the first time: that pipe must not
// take the numbers the program gets next.
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open("/dev/null", O_RDONLY);
    printf("child: open gives %d\n", fd);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  char name[64];
  snprintf(name, sizeof name, "/procsan-lowest-fd-%d", (int)getpid());
  sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
  sem_unlink(name);
  sem_close(s);
  int fd = open("/dev/null", O_RDONLY);
  int p[2];
  pipe(p);
  printf("parent: open gives %d, pipe gives %d and %d\n", fd, p[0], p[1]);
  return 0;
}
// CHECK: child: open gives 3
// CHECK: parent: open gives 3, pipe gives 4 and 5
