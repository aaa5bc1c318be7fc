// RUN: %procsan check --checks='-*,mp-unchecked-child-status' %s -- 2>&1 | FileCheck --allow-empty %s
// Statuses tested, returned, stored for a caller; zombie reapers in handlers and WNOHANG sweeps.
// CHECK-NOT: warning:
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

struct job {
  pid_t pid;
  int status;
};

int run_and_check(pid_t pid) {
  int status;
  if (waitpid(pid, &status, 0) < 0)
    return -1;
  if (WIFSIGNALED(status)) {
    fprintf(stderr, "killed by %d\n", WTERMSIG(status));
    return -1;
  }
  return WEXITSTATUS(status);
}

int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status; // the caller decides
}

void record(struct job *j) { waitpid(j->pid, &j->status, 0); }

void wait_into(pid_t pid, int *out) { waitpid(pid, out, 0); }

static void on_chld(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

void install(void) { signal(SIGCHLD, on_chld); }

void sweep(void) {
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

void stop(pid_t pid) {
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0); // killed on purpose: only collected
}

struct server {
  pid_t child;
};
void abandon(struct server *srv) {
  int statloc;
  kill(srv->child, SIGUSR1);
  while (waitpid(-1, &statloc, 0) != srv->child) { // collecting the child it just killed
  }
}
