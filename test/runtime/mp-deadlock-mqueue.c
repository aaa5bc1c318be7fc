// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: %procsan run --hang-timeout=1 -- %t answer 2>&1 | FileCheck --check-prefix=ANSWERED %s
// A parent and its worker each wait for the other's message on a POSIX message queue: the hang
// report names the queue each one is blocked on, with the stack of the blocking call. When the
// worker sends first, both go on.
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void wait_for(mqd_t q) {
  char buf[64];
  mq_receive(q, buf, sizeof(buf), NULL);
}

static void post(mqd_t q) { mq_send(q, "x", 1, 0); }

// Opened and unlinked at once: the queues cannot outlive a killed tree.
static mqd_t make_queue(const char *kind) {
  char name[64];
  snprintf(name, sizeof(name), "/procsan-test-%s-%d", kind, (int)getpid());
  struct mq_attr attr = {0, 4, 64, 0};
  mqd_t q = mq_open(name, O_CREAT | O_RDWR, 0600, &attr);
  mq_unlink(name);
  return q;
}

int main(int argc, char **argv) {
  mqd_t requests = make_queue("req");
  mqd_t replies = make_queue("rep");
  int answer = argc > 1 && strcmp(argv[1], "answer") == 0;
  pid_t pid = fork();
  if (pid == 0) {
    if (answer)
      post(replies);
    wait_for(requests);
    _exit(0);
  }
  wait_for(replies);
  post(requests);
  waitpid(pid, NULL, 0);
  puts("both went on");
  return 0;
}
// CHECK: [mp-deadlock]
// CHECK-DAG: blocked in mq_receive on message queue '/procsan-test-rep-{{[0-9]+}} (deleted)'
// CHECK-DAG: blocked in mq_receive on message queue '/procsan-test-req-{{[0-9]+}} (deleted)'
// CHECK: #0 0x{{[0-9a-f]+}} in wait_for {{.*}}mp-deadlock-mqueue.c:18
// ANSWERED: both went on
// ANSWERED-NOT: mp-deadlock
