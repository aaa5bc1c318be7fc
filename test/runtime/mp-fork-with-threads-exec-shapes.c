// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --rules=mp-fork-with-threads -- %t vfork 2>&1 | FileCheck --check-prefix=QUIET %s
// RUN: %procsan run --rules=mp-fork-with-threads -- %t exec-failed 2>&1 | FileCheck --check-prefix=QUIET %s
// RUN: %procsan run --rules=mp-fork-with-threads -- %t went-on 2>&1 | FileCheck --check-prefix=WENT-ON %s
// A process with a thread blocked in a read starts a helper program that does not exist: with
// vfork (the child may only exec or _exit) or with fork, where the child goes straight to exec
// and _exits when it fails. Neither child runs the parent's code on: nothing to report. The close
// positive: a fork child that goes on printing and computing before it _exits.
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int gate[2];

static void *reader(void *arg) {
  (void)arg;
  prctl(PR_SET_NAME, "reader");
  char c;
  (void)!read(gate[0], &c, 1);
  return NULL;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "vfork";
  if (pipe(gate) != 0)
    return 1;
  pthread_t t;
  pthread_create(&t, NULL, reader, NULL);
  usleep(20000); // the reader is blocked by now
  pid_t pid = strcmp(mode, "vfork") == 0 ? vfork() : fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    if (strcmp(mode, "went-on") == 0) {
      printf("child computes %d\n", 6 * 7);
      fflush(stdout);
      _exit(0);
    }
    execl("/nonexistent/procsan-helper", "procsan-helper", (char *)NULL);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  (void)!write(gate[1], "x", 1);
  pthread_join(t, NULL);
  printf("child status %d\n", WEXITSTATUS(status));
  return 0;
}

// QUIET: child status 127
// QUIET-NOT: mp-fork-with-threads

// WENT-ON: child computes 42
// WENT-ON: child status 0
// WENT-ON: mp-fork-with-threads
// WENT-ON-SAME: while 1 other thread was running
// WENT-ON: other threads: {{[0-9]+}}:reader{{$}}
