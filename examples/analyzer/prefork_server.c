/* A small prefork server with classic multiprocess pitfalls (for `procsan check`). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 4

static void serve_forever(int id) {
  printf("worker %d serving\n", id);
  for (;;)
    pause();
}

static pid_t spawn_worker(int id) {
  pid_t pid = fork();
  if (pid == 0) {
    serve_forever(id);
    _exit(0);
  }
  return pid;
}

int main(void) {
  pid_t workers[WORKERS];
  for (int i = 0; i < WORKERS; ++i)
    workers[i] = spawn_worker(i); /* fine: spawn_worker sends the child away itself */

  /* Pitfall: a log rotator started without looking at the result of fork(). */
  pid_t rotator = fork();
  if (rotator < 0) {
    perror("fork");
    exit(1);
  }
  printf("rotating logs\n"); /* runs in both processes */

  /* Pitfall: "fire and forget" helper. */
  fork();

  for (int i = 0; i < WORKERS; ++i)
    waitpid(workers[i], NULL, 0);
  return 0;
}
