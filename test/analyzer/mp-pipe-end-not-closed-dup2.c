// RUN: not %procsan check --checks='-*,mp-pipe-end-not-closed' %s -- 2>&1 | FileCheck %s
// dup2 copies an end: reads of fd 0 after dup2(fds[0], 0) read the pipe, and dup2 of the write
// end does not close it (it is then open twice).
#include <sys/wait.h>
#include <unistd.h>

void child_reads_stdin(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[0], 0);
    close(fds[0]);
    char buf[256];
    while (read(0, buf, sizeof buf) > 0) {
      // CHECK: mp-pipe-end-not-closed-dup2.c:[[@LINE-1]]:12: warning: the child reads 'fds[0]' until end-of-file but never closes its own copy of the write end 'fds[1]'
      // CHECK: :[[@LINE-5]]:5: note: the fd it reads is a copy of 'fds[0]' made here
    }
    _exit(0);
  }
  close(fds[0]);
  write(fds[1], "x", 1);
  close(fds[1]);
  waitpid(pid, 0, 0);
}

void parent_duplicates_write_end(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    write(fds[1], "x", 1);
    _exit(0);
  }
  dup2(fds[1], 5);
  char buf[256];
  while (read(fds[0], buf, sizeof buf) > 0) {
    // CHECK: mp-pipe-end-not-closed-dup2.c:[[@LINE-1]]:10: warning: the parent reads 'fds[0]' until end-of-file
    // CHECK: :[[@LINE-4]]:3: note: the write end is duplicated here: both copies stay open
  }
  waitpid(pid, 0, 0);
}

// Look-alikes: the child closes both originals after dup2; the parent closes its write end.
void child_reads_stdin_closed(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[0], 0);
    close(fds[0]);
    close(fds[1]);
    char buf[256];
    while (read(0, buf, sizeof buf) > 0) {
    }
    _exit(0);
  }
  close(fds[0]);
  write(fds[1], "x", 1);
  close(fds[1]);
  waitpid(pid, 0, 0);
}

void child_writes_stdout(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execlp("ls", "ls", (char *)0);
    _exit(127);
  }
  close(fds[1]);
  char buf[256];
  while (read(fds[0], buf, sizeof buf) > 0) {
  }
  waitpid(pid, 0, 0);
}
// CHECK-NOT: warning:
// CHECK: 2 warnings generated.
