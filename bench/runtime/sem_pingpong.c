/* Process-shared semaphore ping-pong: parent and child hand a turn back and forth argv[1] times
 * through two sem_t in MAP_SHARED memory. Every hand-off blocks one side. */
#include <semaphore.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000;
  sem_t *s =
      mmap(NULL, 2 * sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sem_init(&s[0], 1, 0);
  sem_init(&s[1], 1, 0);
  pid_t pid = fork();
  if (pid == 0) {
    for (long i = 0; i < n; ++i) {
      sem_wait(&s[0]);
      sem_post(&s[1]);
    }
    _exit(0);
  }
  for (long i = 0; i < n; ++i) {
    sem_post(&s[0]);
    sem_wait(&s[1]);
  }
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
