// RUN: %procsan check --checks='-*,mp-unsafe-call-after-fork' %s -- -pthread 2>&1 | FileCheck --allow-empty %s
// The child sticks to async-signal-safe calls; perror after a failed exec is the idiom; the
// parent's own calls are its business; the error path is the parent.
// CHECK-NOT: warning:
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *thread_main(void *arg) { return arg; }

static void redirect(int fd) {
  dup2(fd, STDOUT_FILENO);
  close(fd);
}

int spawn(char **argv, int out) {
  pthread_t t;
  pthread_create(&t, NULL, thread_main, NULL);
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "fork: %s\n", strerror(errno)); // the parent (error path)
    return -1;
  }
  if (pid == 0) {
    redirect(out);
    signal(SIGPIPE, SIG_DFL);
    if (getenv("TRACE"))
      write(2, "child\n", 6);
    execvp(argv[0], argv);
    perror("execvp"); // only after exec failed, on the way to _exit
    _exit(127);
  }
  printf("started %d\n", (int)pid); // the parent
  int status;
  waitpid(pid, &status, 0);
  return status;
}
