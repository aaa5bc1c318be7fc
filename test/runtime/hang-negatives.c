// RUN: %cc %s -o %t
// RUN: %procsan run --hang-timeout=1 -- %t 2>&1 | FileCheck %s
// Slow is not stuck: timed sleeps, a parent waiting for a child that sleeps, a reader whose
// writer takes its time. Nothing is reported and nothing is killed.
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    sleep(2); // longer than --hang-timeout, but it ends
    write(fds[1], "late\n", 5);
    _exit(0);
  }
  close(fds[1]);
  char buf[16];
  ssize_t n = read(fds[0], buf, sizeof(buf));
  waitpid(pid, NULL, 0);
  write(1, buf, n > 0 ? (size_t)n : 0);
  usleep(1500000);
  write(1, "finished\n", 9);
  return 0;
}
// CHECK: late
// CHECK-NEXT: finished
// CHECK-NOT: procsan
