// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: %procsan run --rules=mp-fork-bomb -- %t 2>&1 | FileCheck %s
// RUN: %procsan run --rules=mp-fork-bomb -- %t flat 2>&1 | FileCheck --allow-empty --check-prefix=FLAT %s
// The textbook doubling: every child stays in the loop and forks again, 2^8 processes in all,
// under the --max-procs default so the tree is never stopped; with a count of 20 it would
// exhaust the process table. Reported after the run with the growth chain and the fork site.
// The look-alike (flat): 300 children that each leave the loop at once, and a chain of ten
// processes that each fork one successor: wide or deep, but not exponential.
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void spread(int rounds) {
  for (int i = 0; i < rounds; ++i)
    if (fork() < 0)
      break;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "flat") == 0) {
    for (int i = 0; i < 300; ++i)
      if (fork() == 0)
        _exit(0);
    for (int depth = 0; depth < 10; ++depth) {
      pid_t next = fork();
      if (next > 0)
        break;
      if (next < 0)
        _exit(1);
    }
  } else {
    spread(8);
  }
  while (wait(NULL) > 0) {
  }
  return 0;
}
// CHECK: procsan: warning: children forked at one site forked again at the same site for 8 generations: 255 processes from that site, growing exponentially {{.*}} [mp-fork-bomb]
// CHECK: in spread {{.*}}mp-fork-bomb-doubling.c:16
// CHECK: procsan: 1 finding
// FLAT-NOT: mp-fork-bomb
