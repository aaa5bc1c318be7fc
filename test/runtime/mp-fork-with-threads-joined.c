// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --rules=mp-fork-with-threads -- %t joined 2>&1 | FileCheck --check-prefix=JOINED %s
// RUN: %procsan run --rules=mp-fork-with-threads -- %t running 2>&1 | FileCheck --check-prefix=RUNNING %s
// A thread that was joined before the fork is gone: the fork is safe. The same fork while the
// thread still runs is reported. (The runtime counts threads started with pthread_create.)
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void *loader(void *arg) {
  prctl(PR_SET_NAME, "loader");
  if (arg)
    usleep(300000);
  return NULL;
}

int main(int argc, char **argv) {
  int joined = strcmp(argv[1], "joined") == 0;
  pthread_t t;
  pthread_create(&t, NULL, loader, joined ? NULL : (void *)1);
  if (joined)
    pthread_join(t, NULL);
  else
    usleep(50000);
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
  if (!joined)
    pthread_join(t, NULL);
  puts("done");
  return 0;
}
// JOINED: done
// JOINED-NOT: mp-fork-with-threads
// RUNNING: done
// RUNNING: while 1 other thread was running{{.*}}[mp-fork-with-threads]
// RUNNING-NEXT: other threads: {{[0-9]+}}:loader
