// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: %procsan run --hang-timeout=1 -- %t chain 2>&1 | FileCheck --check-prefix=CHAIN %s
// Two workers each wait to hear from the other first, while their parent keeps computing: the
// tree never goes idle, but the two are deadlocked whatever the parent does. The look-alike
// (chain) has the first worker wait for the busy parent, who does speak in the end.
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

static void compute(double seconds) {
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  do {
    for (int i = 0; i < 100000; ++i)
      sink += i;
    clock_gettime(CLOCK_MONOTONIC, &now);
  } while (seconds < 0 ||
           (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 < seconds);
}

int main(int argc, char **argv) {
  int chain = argc > 1 && strcmp(argv[1], "chain") == 0;
  int a2b[2], b2a[2], p2a[2];
  pipe(a2b);
  pipe(b2a);
  pipe(p2a);
  char c;
  pid_t a = fork();
  if (a == 0) {
    close(p2a[1]);
    read(chain ? p2a[0] : b2a[0], &c, 1);
    write(a2b[1], "x", 1);
    _exit(0);
  }
  pid_t b = fork();
  if (b == 0) {
    close(p2a[1]);
    read(a2b[0], &c, 1);
    write(b2a[1], "y", 1);
    _exit(0);
  }
  close(a2b[0]);
  close(a2b[1]);
  close(b2a[0]);
  close(b2a[1]);
  if (!chain)
    compute(-1); // forever: only procsan ends this run
  compute(3);
  write(p2a[1], "z", 1);
  waitpid(a, NULL, 0);
  waitpid(b, NULL, 0);
  write(1, "done\n", 5);
  return 0;
}
// CHECK: procsan: error: processes [[A:[0-9]+]] and [[B:[0-9]+]] wait for each other in a cycle: none of them can go on (stuck for {{[0-9.]+}} s) [mp-deadlock]
// CHECK-DAG: pid [[A]] thread [[A]] ({{.*}}) blocked in read on pipe:[{{[0-9]+}}] (fd {{[0-9]+}}), whose write end pids [[A]] and [[B]] hold
// CHECK-DAG: pid [[B]] thread [[B]] ({{.*}}) blocked in read on pipe:[{{[0-9]+}}] (fd {{[0-9]+}}), whose write end pids [[A]] and [[B]] hold
// CHECK: procsan run: the tree is stuck; killing it
// CHAIN-NOT: procsan
// CHAIN: done
// CHAIN-NOT: procsan
