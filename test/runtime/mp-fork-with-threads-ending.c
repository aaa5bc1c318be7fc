// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --rules=mp-fork-with-threads -- %t ending 2>&1 | FileCheck --check-prefix=ENDING %s
// RUN: %procsan run --rules=mp-fork-with-threads -- %t working 2>&1 | FileCheck --check-prefix=WORKING %s
// A helper thread tells the main thread it is finished, then takes a little while to end (as a
// CPython thread does after join() has returned: the OS thread still unwinds). The main thread
// forks in between. A thread past its last piece of work holds no lock the child could need:
// nothing to report. The close positive: the same helper goes on working for 400 ms after the
// fork, which is a thread that could hold anything at the fork.
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int done[2];

static void *helper(void *arg) {
  prctl(PR_SET_NAME, "helper");
  char c = 'x';
  if (write(done[1], &c, 1) != 1)
    return NULL;
  // Still on its way out (ending) or still working (working).
  usleep(arg ? 400000 : 10000);
  return NULL;
}

int main(int argc, char **argv) {
  int working = argc > 1 && strcmp(argv[1], "working") == 0;
  if (pipe(done) != 0)
    return 1;
  pthread_t t;
  pthread_create(&t, NULL, helper, working ? (void *)1 : NULL);
  char c;
  if (read(done[0], &c, 1) != 1)
    return 1;
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  puts("parent done");
  return 0;
}

// ENDING: parent done
// ENDING-NOT: mp-fork-with-threads

// WORKING: parent done
// WORKING: mp-fork-with-threads
// WORKING-SAME: while 1 other thread was running
// WORKING: other threads: {{[0-9]+}}:helper
