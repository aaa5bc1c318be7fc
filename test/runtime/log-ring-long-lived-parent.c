// RUN: %cc %s -o %t
// RUN: %procsan run --format=json --output=%t.json -- %t 6000 2> %t.err | FileCheck %s
// RUN: %python %S/Inputs/check_complete.py %t.json | FileCheck --check-prefix=COMPLETE %s
// RUN: FileCheck --check-prefix=QUIET --allow-empty %s < %t.err
// The kept session reads back the same, spilled events included:
// RUN: %procsan run --keep-session -- %t 6000 2> %t.kept.err
// RUN: %python %inputs/with_session.py %t.kept.err %procsan report SESSION --format=json --output=%t.again.json
// RUN: %python %S/Inputs/check_complete.py %t.again.json | FileCheck --check-prefix=COMPLETE %s
// RUN: %python %inputs/with_session.py %t.kept.err rm -rf SESSION
// A long-lived parent forks and reaps 6,000 children one by one, checking every status: 12,000
// events of its own, more than its log's ring holds (8,184). The monitor consumes the ring as it
// fills, so every child still has its exit and its reaper, nothing is dropped, nothing is
// reported.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 6000, wrong = 0;
  for (int i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid < 0)
      return 1;
    if (pid == 0)
      _exit(i % 7 == 0 ? 3 : 0);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
      return 2;
    wrong += WEXITSTATUS(status) != (i % 7 == 0 ? 3 : 0);
  }
  printf("reaped %d children, %d wrong\n", n, wrong);
  return 0;
}
// CHECK: reaped 6000 children, 0 wrong
// COMPLETE: processes=6001 complete dropped=0 findings=0
// QUIET-NOT: could not be recorded
// QUIET-NOT: procsan: {{[0-9]+}} finding
