// RUN: %cc %s -o %t
// RUN: %procsan run --format=json --output=%t.json -- %t 20000 2> %t.err
// RUN: FileCheck --allow-empty --check-prefix=ROOM %s < %t.err
// RUN: FileCheck --check-prefix=ALL %s < %t.json
// RUN: %procsan run --spill-limit=0 --format=json --output=%t.full.json -- %t 20000 2> %t.full.err
// RUN: FileCheck --check-prefix=FULL %s < %t.full.err
// RUN: FileCheck --check-prefix=JSON %s < %t.full.json
// RUN: not %procsan run --spill-limit=nonsense -- %t 1 2>&1 | FileCheck --check-prefix=BAD %s
// 20,000 kill() calls (each an event) fill a log's ring more than twice; then the program forks
// a child it reaps only after that, checking the status. The monitor consumes the ring as it
// fills: nothing is lost, the child's reaping is known. With --spill-limit=0 nothing may be
// spilled: the events that do not fit are dropped, counted and reported, never silently, and
// the rules that judge by a missing record (here: no wait for the child, since the wait was
// lost) stay silent instead of crying wolf.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = atoi(argv[1]);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(100000);
    _exit(3);
  }
  for (int i = 0; i < n; ++i)
    kill(getpid(), SIGURG); // ignored by default
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 3 ? 0 : 1;
}
// ROOM-NOT: could not be recorded
// ROOM-NOT: mp-
// ALL-NOT: events_dropped
// ALL: "code": 3
// ALL-NEXT: },
// ALL-NEXT: "reaped_by": {{[0-9]+}},
// ALL-NOT: events_dropped
// FULL: procsan run: warning: {{[0-9]+}} events of 1 process (pid {{[0-9]+}}) could not be recorded (the monitor was stopped or fell behind, --spill-limit was reached, or no room was left in {{.*}}): mp-lost-crash, mp-unreaped-child and mp-leaked-ipc stay silent where the lost events could matter
// FULL-NOT: mp-unreaped-child]
// FULL-NOT: mp-lost-crash]
// JSON: "events_dropped": {{[1-9][0-9]+}}
// JSON: "findings": []
// BAD: bad --spill-limit 'nonsense'
