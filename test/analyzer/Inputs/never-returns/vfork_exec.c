// A vfork child that reports a failed exec through helpers of messages.c.
#include <sys/types.h>
#include <unistd.h>

void msg_and_die(const char *what);
void msg_only(const char *what);

pid_t run(char **argv) {
  pid_t pid = vfork();
  if (pid == 0) {
    execvp(argv[0], argv);
    msg_and_die(argv[0]);
  }
  return pid;
}

pid_t run_quietly(char **argv) {
  pid_t pid = vfork();
  if (pid == 0) {
    execvp(argv[0], argv);
    msg_only(argv[0]);
    _exit(127);
  }
  return pid;
}
