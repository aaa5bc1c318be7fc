// RUN: %procsan check --checks='-*,mp-nonportable-ipc-payload' %s -- 2>&1 | FileCheck %s --allow-empty
// Portable payloads: plain structs, byte buffers, offsets, pointers into the shared region
// itself, and pointers passed between threads of one process.
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct result {
  int id;
  long value;
  char name[32];
};

struct node {
  size_t next; // an offset, not a pointer
  int payload;
};

struct arena {
  struct node nodes[64];
  struct node *head; // points into the same anonymous mapping
};

void worker_results(void) {
  int p[2];
  pipe(p);
  if (fork() == 0) {
    struct result r = {1, 42, "ok"};
    write(p[1], &r, sizeof r);
    char line[] = "done\n";
    write(p[1], line, sizeof line - 1);
    const char *msg = "bytes";
    write(p[1], msg, strlen(msg));
    _exit(0);
  }
  struct result r;
  read(p[0], &r, sizeof r);
  wait(NULL);
}

struct arena *make_arena(void) {
  struct arena *a = mmap(NULL, sizeof *a, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  a->head = &a->nodes[0];
  a->nodes[0].next = 1;
  a->head = NULL;
  return a;
}
// Pointers stored before the fork stay valid in the forked children (they inherit the address
// space); a struct written to a regular file is a dump, not a message.
struct job {
  const char *name;
  struct result *out;
};

void run_jobs(const char *name, int dump) {
  struct job *j = mmap(NULL, sizeof *j, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  struct result *r = malloc(sizeof *r);
  j->name = name;
  j->out = r;
  for (int i = 0; i < 2; i++)
    if (fork() == 0) {
      struct job copy = *j;
      (void)copy;
      _exit(0);
    }
  int fd = open("jobs.dump", O_CREAT | O_WRONLY, 0600);
  write(fd, j, sizeof *j);
  while (wait(NULL) > 0) {
  }
}
// CHECK-NOT: warning:
