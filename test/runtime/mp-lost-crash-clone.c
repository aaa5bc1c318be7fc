// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: %procsan run --rules=mp-lost-crash,mp-unreaped-child -- %t crash 2>&1 | FileCheck --check-prefix=CRASH %s
// RUN: %procsan run --rules=mp-lost-crash,mp-unreaped-child -- %t ok 2>&1 | FileCheck --check-prefix=OK %s
// RUN: %procsan run --rules=mp-lost-crash,mp-unreaped-child -- %t vfork-exec 2>&1 | FileCheck --check-prefix=OK %s
// clone() without CLONE_VM makes a process like fork: the runtime gives it its own log, so its
// crash is reported with its stack. A clone child that exits cleanly, and a CLONE_VM|CLONE_VFORK
// child that execs (the posix_spawn shape, traced from the new image on), are fine.
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[256 * 1024];

static void crash_in_child(volatile int *p) { *p = 1; }

static int child_main(void *arg) {
  const char *mode = arg;
  if (strcmp(mode, "crash") == 0)
    crash_in_child(NULL);
  if (strcmp(mode, "vfork-exec") == 0) {
    execl("/bin/true", "true", (char *)0);
    _exit(127);
  }
  return 0;
}

int main(int argc, char **argv) {
  int flags = SIGCHLD;
  if (strcmp(argv[1], "vfork-exec") == 0)
    flags |= CLONE_VM | CLONE_VFORK;
  pid_t pid = clone(child_main, stack + sizeof(stack), flags, argv[1]);
  if (pid < 0)
    return 2;
  printf("child %d\n", (int)pid);
  fflush(stdout);
  if (strcmp(argv[1], "crash") == 0) // reaped without looking: the crash goes unnoticed
    return waitpid(pid, NULL, 0) == pid ? 0 : 2;
  int status;
  if (waitpid(pid, &status, 0) != pid)
    return 2;
  return status != 0;
}
// CRASH: child [[PID:[0-9]+]]
// CRASH: procsan: error: process [[PID]] ({{.*}}) killed by SIGSEGV but the program exited with status 0 [mp-lost-crash]
// CRASH-NEXT: SIGSEGV on address 0x0 in process [[PID]]
// CRASH-NEXT: #0 0x{{[0-9a-f]+}} in crash_in_child {{.*}}mp-lost-crash-clone.c:19
// CRASH-NEXT: #1 0x{{[0-9a-f]+}} in child_main {{.*}}mp-lost-crash-clone.c:24
// OK: child
// OK-NOT: mp-lost-crash
// OK-NOT: mp-unreaped-child
