// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: %python %inputs/expect_status.py 1 %procsan run --hang-timeout=1 -- %t closed 2>&1 | FileCheck --check-prefix=CLOSED %s
// The only writer of a pipe crashes before it writes; the parent kept its own write end, so its
// read never sees end-of-file. The hang is linked to the crash of the only producer.
// Look-alike (closed): the parent closes its spare end, gets end-of-file, reaps the child and
// fails loudly on its status: the crash was noticed, nothing hangs, no finding.
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int closeSpare = argc > 1 && strcmp(argv[1], "closed") == 0;
  int fds[2];
  if (pipe(fds) != 0)
    return 2;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    *(volatile int *)0 = 1; // crashes before it writes its result
    _exit(0);
  }
  if (closeSpare)
    close(fds[1]);
  char buf[64];
  ssize_t n = read(fds[0], buf, sizeof(buf));
  int status;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    fprintf(stderr, "worker died of signal %d after %zd bytes\n", WTERMSIG(status), n);
    return 1;
  }
  return 0;
}
// CHECK: procsan: error: a read of pipe:[{{[0-9]+}}] in process [[READER:[0-9]+]] ({{.*}}) waits for data; its only producer, pid [[DEAD:[0-9]+]] ({{.*}}) was killed by SIGSEGV (forked after the pipe was made, it was the only other process that could hold its write end); the reader's own write end keeps end-of-file from coming (stuck for {{[0-9.]+}} s) [mp-lost-crash]
// CHECK-NEXT: pid [[READER]] thread [[READER]] ({{.*}}) blocked in read on pipe:[{{[0-9]+}}] (fd 3)
// CHECK: process [[DEAD]] ({{.*}}) killed by SIGSEGV
// CHECK-NEXT: #0 {{.*}} in main {{.*}}mp-lost-crash-pipe-producer.c:{{[0-9]+}}
// CHECK: procsan run: the tree is stuck; killing it
// CHECK-NOT: mp-pipe-self-hold
// CHECK-NOT: mp-deadlock
// CHECK: procsan: 1 finding
// CLOSED: worker died of signal 11 after 0 bytes
// CLOSED-NOT: procsan: error
// CLOSED-NOT: procsan: warning
