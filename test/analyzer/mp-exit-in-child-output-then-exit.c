// RUN: not %procsan check --checks='-*,mp-exit-in-child' %s -- 2>&1 | FileCheck %s
// Output pending in the parent at the fork is followed through the functions it calls: a
// usage() that prints and exits, and a --version that prints and returns from main, leave
// nothing in the buffer on the path that reaches the fork (real command-line tools look like
// this). A helper that prints and returns does; a caller's output counts unless the forking
// function flushes before the fork.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void serve(int fd);

static void usage(const char *argv0) {
  printf("usage: %s [-v] PORT\n", argv0);
  exit(2);
}

static int show_version(void) {
  printf("tinyd 1.0\n");
  return 0;
}

static void parse_args(int argc, char **argv) {
  if (argc < 2)
    usage(argv[0]);
}

static void start_worker(int fd) {
  pid_t pid = fork();
  if (pid < 0)
    return;
  if (pid == 0) {
    serve(fd);
    exit(0);
  }
}

int main(int argc, char **argv) {
  parse_args(argc, argv);
  if (strcmp(argv[1], "-v") == 0)
    return show_version();
  start_worker(atoi(argv[1]));
  while (wait(NULL) > 0) {
  }
  return 0;
}

// Close positive: announce() returns with its line still in stdout's buffer when stdout is a
// file or a pipe; the child's exit() writes it again.
static void announce(const char *what) { printf("starting %s\n", what); }

void run_job(int fd) {
  announce("job");
  if (fork() == 0) {
    serve(fd);
    exit(0);
    // CHECK: mp-exit-in-child-output-then-exit.c:[[@LINE-1]]:5: warning: exit() in the child of fork() runs the parent's atexit handlers and flushes its stdio buffers a second time; use _exit() [mp-exit-in-child]
    // CHECK: :[[@LINE-5]]:3: note: output written here may still be in the parent's stdio buffer at the fork
  }
}

// The forking function flushes first: what its caller printed is gone before the fork.
static void run_tool(int fd) {
  fflush(stdout);
  if (fork() == 0) {
    serve(fd);
    exit(0);
  }
}

void report_and_run(int fd) {
  printf("running the tool\n");
  run_tool(fd);
}

// Close positive: no flush on the way, the caller's line is still buffered at the fork.
static void run_tool_unflushed(int fd) {
  if (fork() == 0) {
    serve(fd);
    exit(0);
    // CHECK: mp-exit-in-child-output-then-exit.c:[[@LINE-1]]:5: warning: exit() in the child of fork()
    // CHECK: :[[@LINE+5]]:3: note: output written here may still be in the parent's stdio buffer at the fork
  }
}

void report_and_run_unflushed(int fd) {
  printf("running the tool\n");
  run_tool_unflushed(fd);
}
// CHECK-NOT: warning:
