// RUN: %cc %s -o %t
// RUN: %procsan run --format=json --output=%t.json -- %t 6000 2> %t.err
// RUN: FileCheck --allow-empty --check-prefix=ERR %s < %t.err
// RUN: FileCheck --check-prefix=JSON %s < %t.json
// A process that records far more events than a log's first pages hold (6000 kill() calls, each
// an event, then a fork and its reaping) loses none: the log gets storage as it fills. Its last
// events still arrive: the child is known to be reaped by its parent. The look-alike past the
// log's cap is session-log-full-reported.c.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = atoi(argv[1]);
  for (int i = 0; i < n; ++i)
    kill(getpid(), SIGURG); // ignored by default
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  int status;
  waitpid(pid, &status, 0);
  return 0;
}
// ERR-NOT: could not be recorded
// JSON: "pid": [[ROOT:[0-9]+]],
// JSON-NOT: "events_dropped"
// JSON: "ppid": [[ROOT]],
// JSON: "reaped_by": [[ROOT]]{{,?$}}
