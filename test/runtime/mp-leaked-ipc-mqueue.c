// RUN: %cc %s -o %t
// RUN: %procsan run --rules=mp-leaked-ipc --cleanup -- %t 2>&1 | FileCheck %s
// A POSIX message queue created and never unlinked is found whether or not /dev/mqueue is
// mounted (mq_open works without the mount; it is not mounted on many CI machines), and
// --cleanup removes it. Its look-alike, created and unlinked, is not reported.
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char leaked[64], tidy[64];
  snprintf(leaked, sizeof(leaked), "/procsan-test-mq-leak-%d", (int)getpid());
  snprintf(tidy, sizeof(tidy), "/procsan-test-mq-tidy-%d", (int)getpid());
  struct mq_attr attr = {0};
  attr.mq_maxmsg = 4;
  attr.mq_msgsize = 16;
  mqd_t a = mq_open(leaked, O_CREAT | O_RDWR, 0600, &attr);
  mqd_t b = mq_open(tidy, O_CREAT | O_RDWR, 0600, &attr);
  if (a == (mqd_t)-1 || b == (mqd_t)-1)
    return 1;
  mq_close(a);
  mq_close(b);
  mq_unlink(tidy);
  printf("made both\n");
  return 0;
}
// CHECK: made both
// CHECK: procsan run: removed leaked message queue '/procsan-test-mq-leak-{{[0-9]+}}'
// CHECK: procsan: warning: message queue '/procsan-test-mq-leak-{{[0-9]+}}' created by process
// {{[0-9]+}} ({{.*}}) still exists after the program ended: nobody unlinked it [mp-leaked-ipc]
// CHECK-NOT: procsan-test-mq-tidy
// CHECK: procsan: 1 finding
