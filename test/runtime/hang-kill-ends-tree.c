// RUN: %cc %s -o %t
// RUN: rm -f %t.pids
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t %t.pids
// RUN: %python %S/Inputs/none_alive.py %t.pids
// RUN: %python %S/Inputs/report_latency.py 1 %procsan run --hang-timeout=1 -- %t %t.pids2
// After --on-hang=kill nothing of the stuck tree is left (grandchildren included), and the
// report comes within the hang timeout plus a generous margin for a loaded machine.
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
  FILE *f = fopen(argv[1], "w");
  int fds[2];
  pipe(fds);
  pid_t child = fork();
  if (child == 0) {
    pid_t grandchild = fork();
    if (grandchild == 0) {
      fprintf(f, "%d\n", (int)getpid());
      fclose(f);
      char c;
      read(fds[0], &c, 1); // nobody ever writes
      _exit(0);
    }
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    char c;
    read(fds[0], &c, 1);
    _exit(0);
  }
  fprintf(f, "%d\n", (int)getpid());
  fclose(f);
  char c;
  read(fds[0], &c, 1);
  return 0;
}
