// RUN: not %procsan check --checks='-*,mp-unsynchronized-shared-write' %s -- 2>&1 | FileCheck %s
// Shared memory written by several processes with no process-shared lock held.
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

// 1. A counter every forked worker bumps.
void count_in_workers(int n) {
  long *hits = mmap(NULL, sizeof *hits, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  *hits = 0; // before the first fork: initialization, fine
  for (int i = 0; i < n; i++) {
    if (fork() == 0) {
      (*hits)++;
      // CHECK: mp-unsynchronized-shared-write.c:[[@LINE-1]]:7: warning: write to shared memory by the child without a process-shared lock while another process may use it; hold a PTHREAD_PROCESS_SHARED mutex or a semaphore around it, or make it atomic [mp-unsynchronized-shared-write]
      // CHECK: :[[@LINE-6]]:16: note: the memory is shared by mmap(MAP_SHARED|MAP_ANONYMOUS) here
      // CHECK: :[[@LINE-4]]:9: note: after this fork() another process shares it
      // CHECK: note: several children run this code at the same time
      _exit(0);
    }
  }
  while (wait(NULL) > 0) {
  }
}

// 2. A stats block in a prefork server: workers update it in a helper, the parent resets it.
struct stats {
  unsigned long requests;
  unsigned long bytes;
};
static struct stats *stats;

int accept_one(void);

static void account(size_t n) {
  stats->requests += 1;
  // CHECK: mp-unsynchronized-shared-write.c:[[@LINE-1]]:3: warning: write to shared memory by the child
  // CHECK: note: the memory is shared by mmap(MAP_SHARED|MAP_ANONYMOUS) here
  // CHECK: note: after this fork() another process shares it
  // CHECK: note: called after the fork here
  stats->bytes += n;
}

static void serve(void) {
  for (;;)
    account(accept_one());
}

void prefork(int workers) {
  stats = mmap(NULL, sizeof *stats, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  for (int i = 0; i < workers; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      serve();
      _exit(0);
    }
  }
  for (;;) {
    sleep(60);
    stats->requests = 0;
    // CHECK: mp-unsynchronized-shared-write.c:[[@LINE-1]]:5: warning: write to shared memory by the parent without a process-shared lock
    // CHECK: note: a child writes the same memory here
  }
}

// 3. A ring buffer in a named object another program created: written with no lock at all.
struct ring {
  unsigned head, tail;
  char slots[64][128];
};

void produce(const char *msg, size_t len) {
  int fd = shm_open("/ring", O_RDWR, 0);
  struct ring *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  __builtin_memcpy(r->slots[r->head % 64], msg, len < 128 ? len : 128);
  r->head++;
  // CHECK: mp-unsynchronized-shared-write.c:[[@LINE-1]]:3: warning: write to shared memory by this process without a process-shared lock
  // CHECK: note: the memory is shared by mmap(MAP_SHARED) here, attached by name: other programs map it too
}

// 4. The parent polls a flag a child sets: a plain int, not atomic.
struct job {
  int done;
  int result;
};

int compute(void);

int run_job(void) {
  struct job *j = mmap(0, sizeof *j, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid_t pid = fork();
  if (pid == 0) {
    j->result = compute();
    j->done = 1;
    // CHECK: mp-unsynchronized-shared-write.c:[[@LINE-1]]:5: warning: write to shared memory by the child
    // CHECK: note: the parent reads the same memory here
    _exit(0);
  }
  while (!j->done)
    usleep(1000);
  int r = j->result;
  waitpid(pid, NULL, 0);
  return r;
}
// CHECK-NOT: warning:
