// Helpers that take an fd: one closes it, one reads it to end-of-file, one only logs it.
#include <stdio.h>
#include <unistd.h>

void close_fd(int fd) { close(fd); }

void drain(int fd) {
  char buf[512];
  while (read(fd, buf, sizeof buf) > 0) {
  }
}

void log_fd(int fd) { fprintf(stderr, "fd %d\n", fd); }
