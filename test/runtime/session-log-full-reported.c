// RUN: %cc %s -o %t
// RUN: %procsan run --format=json --output=%t.json -- %t 20000 2> %t.err
// RUN: FileCheck --check-prefix=FULL %s < %t.err
// RUN: FileCheck --check-prefix=JSON %s < %t.json
// RUN: %procsan run -- %t 100 2> %t.err
// RUN: FileCheck --allow-empty --check-prefix=ROOM %s < %t.err
// Events that do not fit a process's log (8184 records) are counted, and procsan says how many
// were lost (stderr and the JSON report), never drops them silently. Each kill() of a signal is an
// event.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = atoi(argv[1]);
  for (int i = 0; i < n; ++i)
    kill(getpid(), SIGURG); // ignored by default
  return 0;
}
// FULL: procsan run: warning: {{[0-9]+}} events of 1 process could not be recorded (log full
// JSON: "events_dropped": {{[1-9][0-9]+}}
// ROOM-NOT: could not be recorded
