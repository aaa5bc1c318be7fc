// RUN: %procsan check --checks='-*,mp-unchecked-child-status' %s -- 2>&1 | FileCheck --allow-empty %s
// The same prefork server, but its SIGCHLD handler looks at why each worker ended before the
// main loop replaces it; and a plain zombie reaper that tells nobody. Neither is reported.
// CHECK-NOT: warning:
#include <signal.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

void serve(int listener);
void note_crash(pid_t pid, int sig);

static volatile sig_atomic_t live_workers;

static void on_child_exit(int sig) {
  (void)sig;
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (WIFSIGNALED(status))
      note_crash(pid, WTERMSIG(status));
    live_workers--;
  }
}

static void spawn_worker(int listener) {
  pid_t pid = fork();
  if (pid < 0)
    return;
  if (pid == 0) {
    serve(listener);
    _exit(0);
  }
  live_workers++;
}

void run_server(int listener, int pool_size) {
  signal(SIGCHLD, on_child_exit);
  for (;;) {
    while (live_workers < pool_size)
      spawn_worker(listener);
    pause();
  }
}

static void reap_zombies(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

void detach_children(void) { signal(SIGCHLD, reap_zombies); }
