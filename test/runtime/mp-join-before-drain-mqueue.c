// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: %procsan run --hang-timeout=1 -- %t drain 2>&1 | FileCheck --check-prefix=DRAINED %s
// A worker sends its results into a POSIX message queue that holds two; the parent waits for the
// worker to exit before receiving any: the worker blocks on the full queue, the parent in
// waitpid. The same join-before-drain as with a pipe, reported as such. Receiving first (drain)
// lets both go on.
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  char name[64];
  snprintf(name, sizeof(name), "/procsan-test-results-%d", (int)getpid());
  struct mq_attr attr = {0};
  attr.mq_maxmsg = 2;
  attr.mq_msgsize = 16;
  mqd_t q = mq_open(name, O_CREAT | O_RDWR, 0600, &attr);
  if (q == (mqd_t)-1)
    return 1;
  mq_unlink(name); // nothing outlives a killed tree
  pid_t worker = fork();
  if (worker == 0) {
    for (int i = 0; i < 5; ++i)
      mq_send(q, "result", 7, 0);
    _exit(0);
  }
  char buf[16];
  if (argc > 1 && strcmp(argv[1], "drain") == 0)
    for (int i = 0; i < 5; ++i)
      mq_receive(q, buf, sizeof(buf), NULL);
  waitpid(worker, NULL, 0);
  puts("worker done");
  return 0;
}
// CHECK: waits for its child {{.*}} to exit, while the child is blocked writing to a full message queue that only the parent receives from: neither can go on {{.*}} [mp-join-before-drain]
// CHECK: blocked in wait4
// CHECK: blocked in mq_send
// CHECK-NOT: [mp-deadlock]
// DRAINED: worker done
// DRAINED-NOT: procsan
