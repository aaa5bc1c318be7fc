#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
// A child killed by SIGSEGV whose parent waits but never looks at the status (mp-lost-crash),
// after a child left running when the parent exits (mp-unreaped-child) when argv[1] is "orphan".
int main(int argc, char **argv) {
  pid_t pid = fork();
  if (pid == 0) {
    raise(SIGSEGV);
    _exit(0);
  }
  waitpid(pid, 0, 0);
  if (argc > 1 && fork() == 0) {
    usleep(200000);
    _exit(0);
  }
  return 0;
}
