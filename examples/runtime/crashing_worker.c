/* A parent farms work out to children, reaps them, and never checks how they ended.
   One worker dereferences a null pointer: the program still exits 0. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int parse_item(const char *item) { return (int)strlen(item); }

static void worker(int id) {
  const char *items[] = {"alpha", "beta", NULL};
  int total = 0;
  for (int i = 0; i <= id; ++i)
    total += parse_item(items[i]); /* worker 2 reaches the NULL item */
  printf("worker %d: %d\n", id, total);
}

int main(void) {
  pid_t pids[3];
  for (int i = 0; i < 3; ++i) {
    pids[i] = fork();
    if (pids[i] == 0) {
      worker(i);
      fflush(stdout);
      _exit(0);
    }
  }
  for (int i = 0; i < 3; ++i)
    waitpid(pids[i], NULL, 0); /* status never looked at */
  printf("all workers done\n");
  return 0;
}
