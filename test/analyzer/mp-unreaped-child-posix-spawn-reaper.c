// RUN: %procsan check --checks='-*,mp-unreaped-child' %s -- 2>&1 | FileCheck --allow-empty %s
// The same notifier in a program with a SIGCHLD reaper: its children are collected.
// CHECK-NOT: warning:
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void reap(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

void notify(const char *event) {
  char *argv[] = {"notify-send", (char *)event, NULL};
  posix_spawnp(NULL, "notify-send", NULL, NULL, argv, environ);
}

void setup(void) { signal(SIGCHLD, reap); }
