// The parent reads its child's output through drain() (fd_helpers.c).
#include <sys/wait.h>
#include <unistd.h>

void close_fd(int fd);
void drain(int fd);
void log_fd(int fd);

void keeps_write_end(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    write(fds[1], "x", 1);
    _exit(0);
  }
  log_fd(fds[1]); // only logs it: the parent still holds the write end
  drain(fds[0]);
  waitpid(pid, 0, 0);
}

void closes_write_end(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    write(fds[1], "x", 1);
    _exit(0);
  }
  close_fd(fds[1]);
  drain(fds[0]);
  waitpid(pid, 0, 0);
}
