// Stress for the runtime's lock tracing: PROCS processes each take and release one process-shared
// lock OPS times (a PTHREAD_PROCESS_SHARED mutex, or a shared semaphore used as a lock, in
// MAP_SHARED memory), incrementing a shared counter under it. The parent checks the counter, so
// a lost update (a lock that did not exclude) fails the run.
// usage: shared_lock_stress PROCS OPS mutex|sem
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct Shared {
  pthread_mutex_t mutex;
  sem_t sem;
  long counter;
  int go; // set once every process exists, so they all contend from the start
};

int main(int argc, char **argv) {
  if (argc != 4)
    return 2;
  int procs = atoi(argv[1]);
  long ops = atol(argv[2]);
  int useSem = strcmp(argv[3], "sem") == 0;
  struct Shared *sh =
      mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED)
    return 2;
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&sh->mutex, &attr);
  sem_init(&sh->sem, 1, 1);
  for (int p = 0; p < procs; ++p) {
    pid_t pid = fork();
    if (pid < 0) {
      perror("fork");
      return 2;
    }
    if (pid == 0) {
      while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
        sched_yield();
      for (long i = 0; i < ops; ++i) {
        if (useSem) {
          while (sem_wait(&sh->sem) != 0) {
          }
          sh->counter++;
          sem_post(&sh->sem);
        } else {
          pthread_mutex_lock(&sh->mutex);
          sh->counter++;
          pthread_mutex_unlock(&sh->mutex);
        }
      }
      _exit(0);
    }
  }
  __atomic_store_n(&sh->go, 1, __ATOMIC_RELEASE);
  int failed = 0, status;
  while (wait(&status) > 0)
    failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  long want = (long)procs * ops;
  printf("counter=%ld expected=%ld %s\n", sh->counter, want,
         sh->counter == want && !failed ? "ok" : "WRONG");
  return sh->counter == want && !failed ? 0 : 1;
}
