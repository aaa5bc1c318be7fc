// RUN: %cc %s -o %t
// RUN: %procsan run --rules=mp-unreaped-child -- %t 2>&1 | FileCheck --allow-empty %s
// Children reaped in a SIGCHLD handler, children the kernel reaps (SIGCHLD ignored), and a
// daemon that detaches with setsid and a double fork: nothing to report.
// CHECK-NOT: mp-unreaped-child
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t reaped;

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ++reaped;
  errno = saved;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_sigchld;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  // SIGCHLD stays blocked but inside sigsuspend: a check-then-pause() loop could lose the last
  // signal between the test and the pause and wait forever.
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old);
  for (int i = 0; i < 3; ++i)
    if (fork() == 0)
      _exit(0);
  while (reaped < 3)
    sigsuspend(&old);
  sigprocmask(SIG_SETMASK, &old, NULL);

  signal(SIGCHLD, SIG_IGN); // the kernel reaps from now on
  if (fork() == 0)
    _exit(0);
  usleep(100000);
  signal(SIGCHLD, SIG_DFL);

  pid_t first = fork(); // daemonize: double fork with setsid
  if (first == 0) {
    setsid();
    if (fork() > 0)
      _exit(0);
    usleep(200000);
    _exit(0);
  }
  waitpid(first, NULL, 0);
  return 0;
}
