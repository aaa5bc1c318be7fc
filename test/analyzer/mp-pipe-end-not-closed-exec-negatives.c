// RUN: %procsan check --checks='-*,mp-pipe-end-not-closed' %s -- 2>&1 | FileCheck --allow-empty %s
// Pipes whose ends do not reach the exec'd program, or reach it on purpose.
// CHECK-NOT: warning:
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

void close_pipe(int fds[2]);
void sanitize_fds(void);

void with_cloexec(char **argv) {
  int fds[2];
  pipe2(fds, O_CLOEXEC);
  if (fork() == 0) {
    dup2(fds[0], 0);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(fds[0]);
  close(fds[1]);
}

void fcntl_cloexec(char **argv) {
  int fds[2];
  pipe(fds);
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  if (fork() == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
  close(fds[0]);
  close(fds[1]);
}

// stdin from the pipe, both originals closed before the exec.
void stdin_then_close(char **argv) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    dup2(fds[0], 0);
    close(fds[0]);
    close(fds[1]);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(fds[0]);
  close(fds[1]);
}

// The write end is meant for the program (its stdout); the read end is closed.
void stdout_for_program(char **argv) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    close(fds[0]);
    dup2(fds[1], 1);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(fds[1]);
  close(fds[0]);
}

void helper_closes(char **argv) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    close_pipe(fds);
    execvp(argv[0], argv);
    _exit(127);
  }
  close_pipe(fds);
}

void close_range_all(char **argv) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    close_range(3, ~0U, 0);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(fds[0]);
  close(fds[1]);
}

static void close_from(int lowest) {
  for (int fd = lowest; fd < 1024; ++fd)
    close(fd);
}

void loop_in_helper(char **argv) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    close_from(3);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(fds[0]);
  close(fds[1]);
}

// A function of another file the analyzer cannot read may close every fd.
void unknown_helper(char **argv) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    sanitize_fds();
    execvp(argv[0], argv);
    _exit(127);
  }
  close(fds[0]);
  close(fds[1]);
}

// No exec: the child's own code, not another program, holds the ends.
void no_exec(void) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    close(fds[0]);
    write(fds[1], "x", 1);
    _exit(0);
  }
  close(fds[1]);
  char c;
  read(fds[0], &c, 1);
}

// The pipe is made after the fork: the child never had it.
void pipe_after_fork(char **argv) {
  if (fork() == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
  int fds[2];
  pipe(fds);
  close(fds[0]);
  close(fds[1]);
}
