// RUN: not %procsan check --checks='-*,mp-pipe-end-not-closed' %s -- 2>&1 | FileCheck %s
// pipe() without O_CLOEXEC before a fork whose child execs with an end still open: the program
// it runs inherits that end.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void log_fd(int fd);
void log_fd(int fd) { (void)fd; }

// The classic: the child's stdin is the read end, but the child keeps the write end, so the
// program reading its stdin never sees end-of-file.
void feed_sort(const char *data) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[0], 0);
    close(fds[0]);
    execlp("sort", "sort", (char *)0);
    // CHECK: mp-pipe-end-not-closed-exec.c:[[@LINE-1]]:5: warning: the write end 'fds[1]' is still open in the child at execlp(): the program it runs inherits it; that program reads this same pipe and never sees end-of-file: it waits for more input after every writer is done [mp-pipe-end-not-closed]
    // CHECK: :[[@LINE-7]]:3: note: the pipe is created here without O_CLOEXEC; close 'fds[1]' in the child, or use pipe2(.., O_CLOEXEC)
    // CHECK: :[[@LINE-7]]:15: note: child of this fork()
    _exit(127);
  }
  close(fds[0]);
  write(fds[1], data, 1);
  close(fds[1]);
  waitpid(pid, NULL, 0);
}

// The child's stdout is the write end; the read end it keeps lets the program write on after
// its reader is gone.
void run_ls(void) {
  int out[2];
  pipe(out);
  switch (fork()) {
  case 0:
    dup2(out[1], 1);
    close(out[1]);
    execl("/bin/ls", "ls", (char *)0);
    // CHECK: mp-pipe-end-not-closed-exec.c:[[@LINE-1]]:5: warning: the read end 'out[0]' is still open in the child at execl(): the program it runs inherits it; whoever writes the pipe gets no EPIPE when its reader goes away, and may block on a full pipe instead
    _exit(127);
  case -1:
    return;
  }
  close(out[1]);
  char buf[64];
  while (read(out[0], buf, sizeof(buf)) > 0) {
  }
  wait(NULL);
}

// A pipe the child never touches: both ends go to the other program.
void untouched(char **argv) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    execvp(argv[0], argv);
    // CHECK: mp-pipe-end-not-closed-exec.c:[[@LINE-1]]:5: warning: the read end 'fds[0]' is still open in the child at execvp()
    // CHECK: mp-pipe-end-not-closed-exec.c:[[@LINE-2]]:5: warning: the write end 'fds[1]' is still open in the child at execvp()
    _exit(127);
  }
  close(fds[0]);
  close(fds[1]);
}

// Copied onto fd 3 for the program (not a standard stream): the original stays open too, and
// logging an fd does not close it.
struct channel {
  int fds[2];
};
void to_fd3(char **argv) {
  struct channel ch;
  pipe(ch.fds);
  if (fork() == 0) {
    close(ch.fds[0]);
    dup2(ch.fds[1], 3);
    log_fd(ch.fds[1]);
    execv(argv[0], argv);
    // CHECK: mp-pipe-end-not-closed-exec.c:[[@LINE-1]]:5: warning: the write end 'ch.fds[1]' is still open in the child at execv()
    // CHECK: :[[@LINE-4]]:5: note: duplicated here, but 'ch.fds[1]' itself stays open
    _exit(127);
  }
  close(ch.fds[1]);
  close(ch.fds[0]);
}
// CHECK: 5 warnings generated.
