// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --trace=%t.json -- %t
// RUN: %python %inputs/check_timeline.py %t.json | FileCheck %s
// The timeline of a small tree: named processes and threads, fork/exec/exit instants, the
// worker's wait on a process-shared semaphore as a blocking slice with an arrow from the
// parent's sem_post that woke it, and the hold slices of a process-shared mutex.
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
  sem_t go;
  pthread_mutex_t m;
};

// True once the process sleeps (here: in sem_wait), as /proc shows it.
static int sleeping(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  fclose(f);
  buf[n] = 0;
  char *close = strrchr(buf, ')');
  return close && close[1] == ' ' && close[2] == 'S';
}

int main(void) {
  struct shared *s =
      mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sem_init(&s->go, 1, 0);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&s->m, &attr);
  int ready[2];
  pipe(ready);
  pid_t worker = fork();
  if (worker == 0) {
    write(ready[1], "r", 1);
    sem_wait(&s->go); // blocks until the parent posts
    pthread_mutex_lock(&s->m);
    pthread_mutex_unlock(&s->m);
    _exit(0);
  }
  char c;
  read(ready[0], &c, 1);
  while (!sleeping(worker))
    usleep(1000);
  pthread_mutex_lock(&s->m);
  pthread_mutex_unlock(&s->m);
  sem_post(&s->go);
  waitpid(worker, NULL, 0);
  pid_t tool = fork();
  if (tool == 0) {
    execl("/bin/true", "true", (char *)NULL);
    _exit(127);
  }
  waitpid(tool, NULL, 0);
  return 0;
}
// CHECK: well-formed: yes
// CHECK: processes: 3
// CHECK: fork instants: 2
// CHECK: exit instants: {{[1-9]}}
// CHECK: reaped instants: 2
// CHECK: exec instants: 1
// CHECK: slice hold mutex: 2
// CHECK: slice wait for semaphore: 1
// CHECK: flow fork: 2
// CHECK: flow sem_post wakes: 1
