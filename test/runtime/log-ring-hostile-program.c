// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 7 %procsan run -- %t 2> %t.err
// RUN: FileCheck %s < %t.err
// A traced program attacks its own trace: it fills its log past half the ring, so the monitor maps
// it to consume it, then truncates the log file to its header page, moves the header's event
// count forward (the monitor would read slots that no longer exist: SIGBUS), and leaves a FIFO
// where its spill file goes (opening it would block the monitor). procsan must neither crash nor
// hang: it reports, and passes the program's exit status (7) through.
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  const char *session = getenv("PROCSAN_SESSION");
  if (!session)
    return 1;
  for (int i = 0; i < 6000; ++i)
    kill(getpid(), SIGURG); // events: the ring is more than half full
  usleep(300000);           // the monitor maps the log and consumes it
  for (int i = 0; i < 6000; ++i)
    kill(getpid(), SIGURG); // half full again
  char log[512], spill[512];
  snprintf(log, sizeof log, "%s/p%d.0.log", session, (int)getpid());
  snprintf(spill, sizeof spill, "%s/p%d.0.spill", session, (int)getpid());
  int fd = open(log, O_RDWR);
  if (fd < 0)
    return 2;
  uint64_t *header = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (header == MAP_FAILED || ftruncate(fd, 4096) != 0)
    return 3;
  unlink(spill);
  mkfifo(spill, 0600);
  header[4] += 5000; // nextIndex (bytes 32-39 of the header): "more events" past the end
  usleep(500000);    // the monitor looks at the log again
  // No libc exit: the runtime would record it in the slots that are gone.
  syscall(SYS_exit_group, 7);
  return 7;
}
// CHECK-NOT: Assertion
// CHECK-NOT: Bus error
// CHECK: procsan
