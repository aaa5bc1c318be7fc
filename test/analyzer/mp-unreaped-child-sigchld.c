// RUN: %procsan check --checks='-*,mp-unreaped-child' %s -- 2>&1 | FileCheck --allow-empty %s
// RUN: %procsan check --checks='-*,mp-unreaped-child' %s -- -DIGNORE 2>&1 | FileCheck --allow-empty %s
// RUN: %procsan check --checks='-*,mp-unreaped-child' %s -- -DNOCLDWAIT 2>&1 | FileCheck --allow-empty %s
// A SIGCHLD handler that reaps every child, SIGCHLD ignored, or SA_NOCLDWAIT: nothing to report.
// CHECK-NOT: warning:
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void handle(void);

#if !defined(IGNORE) && !defined(NOCLDWAIT)
static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}
#endif

static void setup(void) {
#if defined(IGNORE)
  signal(SIGCHLD, SIG_IGN);
#elif defined(NOCLDWAIT)
  struct sigaction sa = {.sa_handler = SIG_DFL, .sa_flags = SA_NOCLDWAIT};
  sigaction(SIGCHLD, &sa, NULL);
#else
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_sigchld;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
#endif
}

void serve(void) {
  setup();
  for (;;) {
    if (fork() == 0) {
      handle();
      _exit(0);
    }
    pause();
  }
}
