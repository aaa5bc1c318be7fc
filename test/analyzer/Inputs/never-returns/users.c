// Callers of the wrappers of xfork.c; the children end in helpers of messages.c.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t xfork(void);
pid_t soft_fork(void);
void msg_and_die(const char *what);
void msg_only(const char *what);
void work(void);

void stop_helper(void) {
  pid_t pid = xfork();
  if (pid == 0) {
    work();
    msg_and_die("helper");
  }
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
}

void stop_helper_soft(void) {
  pid_t pid = soft_fork();
  if (pid == 0) {
    work();
    msg_only("helper");
  }
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
}
