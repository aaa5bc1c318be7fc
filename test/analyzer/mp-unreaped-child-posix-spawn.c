// RUN: not %procsan check --checks='-*,mp-unreaped-child' %s -- 2>&1 | FileCheck --implicit-check-not='warning:' %s
// posix_spawn children are zombies too when nobody waits for them.
#include <spawn.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

// Every event runs a notifier and forgets it: one zombie per event.
void notify(const char *event) {
  char *argv[] = {"notify-send", (char *)event, NULL};
  posix_spawnp(NULL, "notify-send", NULL, NULL, argv, environ);
  // CHECK: posix-spawn.c:[[@LINE-1]]:3: warning: the child process made by posix_spawnp() is never waited for
  // CHECK: :[[@LINE-2]]:16: note: its pid is not kept
}

void notify_kept(const char *event) {
  char *argv[] = {"notify-send", (char *)event, NULL};
  pid_t pid;
  posix_spawnp(&pid, "notify-send", NULL, NULL, argv, environ);
  // CHECK: posix-spawn.c:[[@LINE-1]]:3: warning: the child process made by posix_spawnp() is never waited for
  // CHECK: :[[@LINE-3]]:9: note: its pid is stored in 'pid', which nothing reads
}

// The look-alikes: waited for, or handed to the caller.
int run(const char *prog) {
  char *argv[] = {(char *)prog, NULL};
  pid_t pid;
  if (posix_spawnp(&pid, prog, NULL, NULL, argv, environ) != 0)
    return -1;
  int status;
  if (waitpid(pid, &status, 0) < 0)
    return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int start(const char *prog, pid_t *out) {
  char *argv[] = {(char *)prog, NULL};
  return posix_spawnp(out, prog, NULL, NULL, argv, environ);
}
