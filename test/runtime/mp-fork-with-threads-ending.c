// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --rules=mp-fork-with-threads -- %t ending 2>&1 | FileCheck --check-prefix=ENDING %s
// RUN: %procsan run --rules=mp-fork-with-threads -- %t working 2>&1 | FileCheck --check-prefix=WORKING %s
// RUN: %procsan run --rules=mp-fork-with-threads -- %t sleeping 2>&1 | FileCheck --check-prefix=SLEEPING %s
// A helper thread tells the main thread it is finished, then still needs the CPU for a little
// while before it ends (as a CPython thread does after join() has returned, when the machine is
// busy: the OS thread still unwinds). The main thread forks in between. A thread past its last
// piece of work holds no lock the child could need: nothing to report (ending). The close
// positives: the same helper goes on working for 400 ms after the fork (working), or it blocks
// for 500 ms and ends (sleeping: a thread blocked at the fork is a live thread, whatever it does
// next; long enough that a busy machine still forks while it sleeps).
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int done[2];

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *helper(void *arg) {
  prctl(PR_SET_NAME, "helper");
  const char *mode = arg;
  char c = 'x';
  if (write(done[1], &c, 1) != 1)
    return NULL;
  if (strcmp(mode, "sleeping") == 0) {
    usleep(500000);
    return NULL;
  }
  // Runnable all along: 50 ms (ending) or 400 ms (working) of CPU.
  double until = now() + (strcmp(mode, "working") == 0 ? 0.4 : 0.05);
  volatile unsigned spin = 0;
  while (now() < until)
    ++spin;
  return NULL;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "ending";
  if (pipe(done) != 0)
    return 1;
  pthread_t t;
  pthread_create(&t, NULL, helper, (void *)mode);
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
// WORKING: other threads: {{[0-9]+}}:helper(running)

// SLEEPING: parent done
// SLEEPING: mp-fork-with-threads
// SLEEPING: other threads: {{[0-9]+}}:helper{{$}}
