// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: %procsan run --rules=mp-lost-crash --format=json --output=%t.json -- %t 2>&1 | FileCheck %s
// RUN: FileCheck --check-prefix=JSON %s < %t.json
// RUN: %procsan run --rules=mp-lost-crash -- %t reap 2>&1 | FileCheck --check-prefix=REAPED %s
// One worker SIGKILLs another (a stale pid, a misdirected kill): nobody waits for the victim, so
// the loss goes unseen; the report names the sender and its stack. When the parent reaps the
// victim (it saw the status), a sibling's kill counts as deliberate.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop_stale_worker(pid_t stale) { kill(stale, SIGKILL); }

int main(int argc, char **argv) {
  int ready[2];
  pipe(ready);
  pid_t victim = fork();
  if (victim == 0) {
    write(ready[1], "r", 1); // running (and traced) before anyone can kill it
    for (;;)
      pause();
  }
  char c;
  read(ready[0], &c, 1);
  pid_t killer = fork();
  if (killer == 0) {
    stop_stale_worker(victim);
    _exit(0);
  }
  printf("victim %d killer %d\n", (int)victim, (int)killer);
  fflush(stdout);
  waitpid(killer, NULL, 0);
  if (argc > 1 && strcmp(argv[1], "reap") == 0)
    waitpid(victim, NULL, 0);
  else
    usleep(100000); // the victim is gone; its status stays unread until procsan reaps it
  return 0;
}
// CHECK: victim [[VICTIM:[0-9]+]] killer [[KILLER:[0-9]+]]
// CHECK: procsan: error: process [[VICTIM]] ({{.*}}) killed by SIGKILL and nobody in the program reaped it [mp-lost-crash]
// CHECK-NEXT: process [[VICTIM]] ({{.*}}) killed by SIGKILL sent by process [[KILLER]] ({{.*}}) with kill()
// CHECK-NEXT: pid [[KILLER]] sent SIGKILL with kill() here
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in stop_stale_worker {{.*}}mp-lost-crash-sender-sibling.c:15
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}mp-lost-crash-sender-sibling.c:30
// JSON: "signal": "SIGKILL",
// JSON-NEXT: "sender": {
// JSON-NEXT: "call": "kill()",
// JSON-NEXT: "pid": {{[0-9]+}},
// JSON-NEXT: "argv": [
// REAPED: victim
// REAPED-NOT: mp-lost-crash
