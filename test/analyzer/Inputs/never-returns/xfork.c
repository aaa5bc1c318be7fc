// Fork wrappers: xfork() dies on failure (through a chain in two other files), so it never
// returns -1; soft_fork() only complains and hands the -1 on.
#include <sys/types.h>
#include <unistd.h>

void msg_and_die(const char *what);
void msg_only(const char *what);

pid_t xfork(void) {
  pid_t pid = fork();
  if (pid < 0)
    msg_and_die("fork");
  return pid;
}

pid_t soft_fork(void) {
  pid_t pid = fork();
  if (pid < 0)
    msg_only("fork");
  return pid;
}
