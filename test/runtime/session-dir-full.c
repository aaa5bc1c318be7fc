// REQUIRES: mount-namespace
// RUN: %cc %s -o %t
// RUN: rm -rf %t.mnt && mkdir -p %t.mnt
// RUN: %python %inputs/expect_status.py 4 unshare -m sh -c 'mount -t tmpfs -o size=512k none %t.mnt && PROCSAN_TMPDIR=%t.mnt exec %procsan run -- %t fill' 2> %t.err
// RUN: FileCheck --check-prefix=FULL %s < %t.err
// RUN: %python %inputs/expect_status.py 4 unshare -m sh -c 'mount -t tmpfs -o size=512k none %t.mnt && PROCSAN_TMPDIR=%t.mnt exec %procsan run -- %t room' 2> %t.err
// RUN: FileCheck --allow-empty --check-prefix=ROOM %s < %t.err
// A program that fills the file system holding the session directory (a small tmpfs here) goes on
// normally: its later events and the logs of the children it forks after that do not fit, which
// procsan reports as lost, never a SIGBUS in the program; its exit status passes through.
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *s = getenv("PROCSAN_SESSION");
  if (!s)
    return 1;
  if (strcmp(argv[1], "fill") == 0) {
    char path[4096], block[4096];
    memset(block, 'x', sizeof(block));
    snprintf(path, sizeof(path), "%s/filler", s);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    while (write(fd, block, sizeof(block)) > 0) {
    }
    close(fd);
  }
  // Forked right away, the child finds no room for its log; its fork record still fits the
  // parent's first log page.
  for (int i = 0; i < 4; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      for (int k = 0; k < 50; ++k)
        kill(getpid(), SIGURG);
      _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || status != 0)
      return 1;
    if (i == 0)
      for (int k = 0; k < 200; ++k)
        kill(getpid(), SIGURG); // events past the first page of the log
  }
  return 4;
}
// FULL: procsan run: warning: {{[0-9]+}} events of 1 process (pid {{[0-9]+}}) could not be recorded (the monitor was stopped or fell behind, --spill-limit was reached, or no room was left in
// FULL: procsan run: warning: {{[0-9]+}} forked process{{(es)?}} could not create a log in
// ROOM-NOT: warning
