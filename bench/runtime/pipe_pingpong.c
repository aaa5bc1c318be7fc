/* Pipe ping-pong: parent and child send one byte back and forth argv[1] times over two pipes. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000;
  int ping[2], pong[2];
  if (pipe(ping) != 0 || pipe(pong) != 0)
    return 1;
  char c = 'x';
  pid_t pid = fork();
  if (pid == 0) {
    close(ping[1]);
    close(pong[0]);
    while (read(ping[0], &c, 1) == 1)
      if (write(pong[1], &c, 1) != 1)
        _exit(1);
    _exit(0);
  }
  close(ping[0]);
  close(pong[1]);
  for (long i = 0; i < n; ++i)
    if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
      return 1;
  close(ping[1]);
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
