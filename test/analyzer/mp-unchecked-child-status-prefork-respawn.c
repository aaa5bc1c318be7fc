// RUN: not %procsan check --checks='-*,mp-unchecked-child-status' %s -- 2>&1 | FileCheck --implicit-check-not='warning:' %s
// A prefork server: the SIGCHLD handler reaps and counts the lost worker, the main loop starts
// a replacement. The handler is the only place that sees the child end; with a null status a
// worker that crashes on every request is restarted forever and nobody ever knows.
#include <signal.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

void serve(int listener);

static volatile sig_atomic_t live_workers;

static void on_child_exit(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0)
    // CHECK: respawn.c:[[@LINE-1]]:10: warning: the SIGCHLD handler reaps with waitpid() and lets the program start a replacement, but never looks why the child ended
    live_workers--;
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
