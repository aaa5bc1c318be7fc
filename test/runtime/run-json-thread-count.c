// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --format=json --output=%t.live.json -- %t leave
// RUN: FileCheck --check-prefix=LIVE %s < %t.live.json
// RUN: %procsan run --format=json --output=%t.joined.json -- %t join
// RUN: FileCheck --check-prefix=JOINED %s < %t.joined.json
// The JSON report gives each traced process its thread counts: the threads it started, and those
// still running when it ended. The forked child starts none and inherits none of its parent's.
#include <pthread.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int gate[2];

static void *waitGate(void *arg) {
  (void)arg;
  char c;
  read(gate[0], &c, 1); // returns when the gate opens, or never
  return 0;
}

static void *quick(void *arg) { return arg; }

int main(int argc, char **argv) {
  int join = argc > 1 && strcmp(argv[1], "join") == 0;
  pipe(gate);
  pthread_t t[3];
  pthread_create(&t[0], 0, quick, 0);
  pthread_join(t[0], 0);
  for (int i = 1; i < 3; ++i)
    pthread_create(&t[i], 0, waitGate, 0);
  if (join) {
    write(gate[1], "xx", 2);
    for (int i = 1; i < 3; ++i)
      pthread_join(t[i], 0);
  }
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  waitpid(pid, 0, 0);
  return 0;
}
// The root: 3 started, 2 still blocked at its exit; then the child, which started none.
// LIVE: "pid": [[ROOT:[0-9]+]],
// LIVE: "threads_created": 3,
// LIVE-NEXT: "threads_live": 2{{$}}
// LIVE: "ppid": [[ROOT]],
// LIVE: "threads_created": 0,
// LIVE-NEXT: "threads_live": 0{{$}}
// JOINED: "threads_created": 3,
// JOINED-NEXT: "threads_live": 0{{$}}
// JOINED: "threads_created": 0,
// JOINED-NEXT: "threads_live": 0{{$}}
