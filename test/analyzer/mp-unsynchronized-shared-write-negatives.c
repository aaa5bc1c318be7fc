// RUN: %procsan check --checks='-*,mp-unsynchronized-shared-write' %s -- 2>&1 | FileCheck %s --allow-empty
// Shared memory written safely: under a lock taken in a wrapper, by an RAII-free helper called
// with the lock held, atomically, in a slot the child owns, before the fork, or after reaping.
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
  sem_t lock;
  pthread_mutex_t mutex;
  long total;
  long hist[16];
  _Atomic long events;
  long slots[8];
  int result;
};

static struct shared *shm;

static void lock_shared(void) { sem_wait(&shm->lock); }
static void unlock_shared(void) { sem_post(&shm->lock); }

// Called only with the lock held.
static void add_locked(long v) {
  shm->total += v;
  shm->hist[v & 15]++;
}

static void worker(int id) {
  lock_shared(); // a wrapper around sem_wait
  shm->total += id;
  unlock_shared();

  pthread_mutex_lock(&shm->mutex);
  shm->hist[id & 15]++;
  pthread_mutex_unlock(&shm->mutex);

  sem_wait(&shm->lock);
  add_locked(id);
  sem_post(&shm->lock);

  shm->events++;              // _Atomic
  __atomic_add_fetch(&shm->total, 1, __ATOMIC_SEQ_CST);
  shm->slots[id] = id * 2;    // the worker's own slot
  long *mine = &shm->slots[id];
  *mine += 1;
}

int flock_fd;

static void with_flock(void) {
  flock(flock_fd, LOCK_EX);
  shm->total = 0;
  flock(flock_fd, LOCK_UN);
}

void start(int n) {
  shm = mmap(NULL, sizeof *shm, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sem_init(&shm->lock, 1, 1);
  shm->total = 0; // before the first fork
  for (int i = 0; i < n; i++) {
    shm->slots[i] = -1; // the slot of the child about to be made
    if (fork() == 0) {
      worker(i);
      with_flock();
      _exit(0);
    }
  }
  for (int i = 0; i < n; i++)
    wait(NULL);
  shm->total = 0; // every child has been reaped
}

// One child writes its result, the parent reads it only after waitpid.
int one_child(void) {
  int *out = mmap(0, sizeof *out, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid_t pid = fork();
  if (pid == 0) {
    *out = 42;
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  *out += 1; // reaped: nobody else uses it
  return *out;
}

// Private memory is not shared, even after fork.
int private_copy(void) {
  int *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (int i = 0; i < 4; i++)
    if (fork() == 0) {
      *p = i;
      _exit(0);
    }
  return 0;
}

// A mapping the child makes after the fork is its own.
void child_maps(void) {
  for (int i = 0; i < 4; i++)
    if (fork() == 0) {
      long *mine = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
      *mine = 1;
      _exit(0);
    }
}
// Lock wrappers defined in another file: judged by their names.
struct pool_lock;
void pool_lock_acquire(struct pool_lock *);
void pool_lock_release(struct pool_lock *);
struct pool {
  struct pool_lock *lock;
  long used;
};

void use_pool(void) {
  struct pool *p = mmap(NULL, sizeof *p, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid_t pid = fork();
  if (pid == 0) {
    pool_lock_acquire(p->lock);
    p->used++;
    pool_lock_release(p->lock);
    _exit(0);
  }
  pool_lock_acquire(p->lock);
  p->used++;
  pool_lock_release(p->lock);
  waitpid(pid, NULL, 0);
}

// Children forked one at a time, each reaped before the next: never two at once.
void one_at_a_time(void) {
  long *counter = mmap(NULL, sizeof *counter, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  for (int i = 0; i < 10; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      (*counter)++;
      _exit(0);
    }
    waitpid(pid, NULL, 0);
  }
}

// The child's own slot, with the pid kept in a variable.
void own_slots(void) {
  long *slots = mmap(NULL, 8 * sizeof *slots, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  for (int i = 0; i < 8; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      slots[i] = i;
      _exit(0);
    }
  }
  while (wait(NULL) > 0) {
  }
}
// CHECK-NOT: warning:
