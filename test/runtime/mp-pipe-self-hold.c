// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: %procsan run --hang-timeout=1 -- %t close 2>&1 | FileCheck --check-prefix=FIXED %s
// The parent reads its child's output until end-of-file but never closed its own copy of the
// write end: the child is long gone, and end-of-file never comes.
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    write(fds[1], "result\n", 7);
    _exit(0);
  }
  if (argc > 1 && strcmp(argv[1], "close") == 0)
    close(fds[1]);
  char buf[64];
  while (read(fds[0], buf, sizeof(buf)) > 0) {
  }
  waitpid(pid, NULL, 0);
  write(1, "done\n", 5);
  return 0;
}
// CHECK: procsan: error: process {{[0-9]+}} ({{.*}}) is blocked reading pipe:[{{[0-9]+}}], whose write end only it (or other blocked readers) still holds: end-of-file never comes (stuck for {{[0-9.]+}} s) [mp-pipe-self-hold]
// CHECK-NEXT: blocked in read on pipe:[{{[0-9]+}}] (fd 3)
// FIXED: done
// FIXED-NOT: procsan
