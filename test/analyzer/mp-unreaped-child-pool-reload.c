// RUN: not %procsan check --checks='-*,mp-unreaped-child' %s -- 2>&1 | FileCheck --implicit-check-not='warning:' %s
// A prefork pool rebuilt on SIGHUP: the old workers are signalled and their pids overwritten by
// the new pool's, so nobody waits for them (the shutdown path waits only for the last pool).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define POOL 4

void serve(int listener);

static pid_t workers[POOL];
static volatile sig_atomic_t reload_requested, stop_requested;

static void on_hup(int sig) {
  (void)sig;
  reload_requested = 1;
}

static void start_pool(int listener) {
  for (int i = 0; i < POOL; i++) {
    pid_t pid = fork();
    if (pid < 0)
      continue;
    if (pid == 0) {
      serve(listener);
      _exit(0);
    }
    workers[i] = pid;
  }
}

static void signal_pool(int sig) {
  for (int i = 0; i < POOL; i++)
    kill(workers[i], sig);
}

static void reap_pool(void) {
  for (int i = 0; i < POOL; i++) {
    int status;
    if (waitpid(workers[i], &status, 0) > 0 && WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM)
      _exit(1);
  }
}

static void reload(int listener) {
  signal_pool(SIGTERM);
  start_pool(listener);
  // CHECK: pool-reload.c:[[@LINE-1]]:3: warning: the children signalled before this call are never waited for: their pids in 'workers' are overwritten by the new ones
  // CHECK: :[[@LINE-3]]:3: note: the old children are signalled here
}

// The look-alike: the old pool is collected before the new one is started.
static void restart(int listener) {
  signal_pool(SIGTERM);
  reap_pool();
  start_pool(listener);
}

void run(int listener) {
  signal(SIGHUP, on_hup);
  start_pool(listener);
  while (!stop_requested) {
    pause();
    if (reload_requested) {
      reload_requested = 0;
      reload(listener);
    }
  }
  restart(listener);
  signal_pool(SIGTERM);
  reap_pool();
}
