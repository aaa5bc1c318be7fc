// The soak of issue 20: a long-lived parent forks and reaps CHILDREN children one by one,
// checking every status, and takes a process-shared mutex LOCKS times in all (its children take
// it too), printing its own resident memory every REPORT children.
// usage: soak_fork_lock CHILDREN LOCKS [REPORT]
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static long rssKiB(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0)
      kib = atol(line + 6);
  if (f)
    fclose(f);
  return kib;
}

int main(int argc, char **argv) {
  long children = argc > 1 ? atol(argv[1]) : 100000;
  long locks = argc > 2 ? atol(argv[2]) : 10000000;
  long report = argc > 3 ? atol(argv[3]) : 10000;
  struct shared {
    pthread_mutex_t m;
    long counter;
  } *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (s == MAP_FAILED)
    return 1;
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&s->m, &a);
  long perChild = children > 0 ? locks / children : locks, wrong = 0;
  for (long i = 0; i < children; ++i) {
    for (long k = 0; k < perChild; ++k) {
      pthread_mutex_lock(&s->m);
      ++s->counter;
      pthread_mutex_unlock(&s->m);
    }
    pid_t pid = fork();
    if (pid < 0)
      return 2;
    if (pid == 0) {
      pthread_mutex_lock(&s->m);
      ++s->counter;
      pthread_mutex_unlock(&s->m);
      _exit((int)(i % 5));
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
      return 3;
    wrong += WEXITSTATUS(status) != (int)(i % 5);
    if (report > 0 && (i + 1) % report == 0) {
      printf("children=%ld rss_kib=%ld\n", i + 1, rssKiB());
      fflush(stdout);
    }
  }
  long expected = perChild * children + children;
  printf("done children=%ld counter=%ld expected=%ld wrong=%ld\n", children, s->counter, expected,
         wrong);
  return s->counter == expected && wrong == 0 ? 0 : 4;
}
