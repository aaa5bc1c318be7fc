// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: %procsan run --rules=mp-lost-crash -- %t abort 2>&1 | FileCheck --check-prefix=ABORT %s
// RUN: %procsan run --rules=mp-lost-crash -- %t raise 2>&1 | FileCheck --check-prefix=RAISE %s
// RUN: not %procsan run --rules=mp-lost-crash -- %t checked 2>&1 | FileCheck --check-prefix=CHECKED %s
// A worker ends itself with abort() (a failed assertion) or raise(SIGTERM); the parent reaps it
// with wait(NULL), dropping the status, and exits 0. The report says which call raised the
// signal, with its stack.
// A parent that tests the status and fails has noticed: no report.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void check_invariant(int ok) {
  if (!ok)
    abort();
}

static void give_up(void) { raise(SIGTERM); }

int main(int argc, char **argv) {
  const char *mode = argv[1];
  pid_t pid = fork();
  if (pid == 0) {
    if (strcmp(mode, "raise") == 0)
      give_up();
    else
      check_invariant(0);
    _exit(0);
  }
  printf("worker %d\n", (int)pid);
  fflush(stdout);
  if (strcmp(mode, "checked") != 0) {
    wait(NULL); // the status is dropped: nobody looks at how the worker ended
    return 0;
  }
  int status;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) ? 3 : 0;
}
// ABORT: worker [[PID:[0-9]+]]
// ABORT: procsan: error: process [[PID]] ({{.*}}) killed by SIGABRT{{.*}} but the program exited with status 0 [mp-lost-crash]
// ABORT-NEXT: SIGABRT raised by abort() (itself) in process [[PID]]
// ABORT: pid [[PID]] called abort() here
// ABORT-NEXT: #0 0x{{[0-9a-f]+}} in check_invariant {{.*}}mp-lost-crash-self-signal.c:19
// ABORT-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}mp-lost-crash-self-signal.c:31

// RAISE: worker [[PID:[0-9]+]]
// RAISE: procsan: error: process [[PID]] ({{.*}}) killed by SIGTERM but the program exited with status 0 [mp-lost-crash]
// RAISE-NEXT: process [[PID]] ({{.*}}) killed by SIGTERM raised by raise() (itself)
// RAISE-NEXT: pid [[PID]] called raise() here
// RAISE-NEXT: #0 0x{{[0-9a-f]+}} in give_up {{.*}}mp-lost-crash-self-signal.c:22
// RAISE-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}mp-lost-crash-self-signal.c:29

// CHECKED: worker
// CHECKED-NOT: mp-lost-crash
