// The child ends in a helper defined in die.c.
#include <sys/wait.h>
#include <unistd.h>

void die(const char *why);
void warn_and_go_on(const char *why);
void work(void);

void ends_in_die(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    die("done");
  }
  waitpid(pid, 0, 0);
}

void falls_through(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    warn_and_go_on("done");
  }
  waitpid(pid, 0, 0);
}
