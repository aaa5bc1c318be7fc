// RUN: not %procsan check --checks='-*,mp-unsynchronized-shared-write' %s -- 2>&1 | FileCheck --implicit-check-not='warning:' %s
// SysV semaphores used as a lock: semop() with sem_op -1 (P) takes it, +1 (V) gives it back, and
// the writes between are protected. Writes that fill a segment in before the semaphore set that
// guards it exists are initialization.
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define STATS_KEY 0x5157

struct stats {
  long requests;
  long errors;
  long bytes;
};

int handle(void);

static int semid;

static void stats_p(void) {
  struct sembuf op = {0, -1, SEM_UNDO};
  semop(semid, &op, 1);
}

static void stats_v(void) {
  struct sembuf op;
  op.sem_num = 0;
  op.sem_op = 1;
  op.sem_flg = SEM_UNDO;
  semop(semid, &op, 1);
}

void serve(int nworkers) {
  int shmid = shmget(IPC_PRIVATE, sizeof(struct stats), IPC_CREAT | 0600);
  struct stats *st = shmat(shmid, NULL, 0);
  semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
  for (int i = 0; i < nworkers; i++) {
    if (fork() == 0) {
      for (;;) {
        int n = handle();
        stats_p();
        st->requests++;
        st->bytes += n;
        stats_v();
        // The close positive: counted after the V, outside the lock.
        if (n < 0)
          st->errors++;
        // CHECK: semop.c:[[@LINE-1]]:11: warning: write to shared memory by the child without a process-shared lock
      }
    }
  }
  // Inline P/V pair in the parent.
  struct sembuf ops[1] = {{0, -1, 0}};
  semop(semid, ops, 1);
  st->requests = 0;
  ops[0].sem_op = 1;
  semop(semid, ops, 1);
}

// A segment other programs attach by its key: it is filled in before the semaphore set that every
// user waits on is created.
struct stats *publish(void) {
  int shmid = shmget(STATS_KEY, sizeof(struct stats), 0600);
  struct stats *st = shmat(shmid, NULL, 0);
  st->requests = 0;
  st->errors = 0;
  semid = semget(STATS_KEY, 1, IPC_CREAT | 0600);
  return st;
}

// The same segment written after the semaphore set exists, without taking it.
void reset(void) {
  int shmid = shmget(STATS_KEY, sizeof(struct stats), 0600);
  struct stats *st = shmat(shmid, NULL, 0);
  semid = semget(STATS_KEY, 1, 0600);
  st->bytes = 0;
  // CHECK: semop.c:[[@LINE-1]]:3: warning: write to shared memory by this process without a process-shared lock
}

// The old spelling of an anonymous shared mapping: MAP_SHARED of /dev/zero, filled in before any
// fork. Nobody else can attach it.
struct stats *make_private_stats(void) {
  int fd = open("/dev/zero", O_RDWR);
  struct stats *st = mmap(NULL, sizeof *st, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  st->requests = 1;
  return st;
}

// A segment the program creates when it is missing is its own, as with IPC_CREAT alone.
struct stats *attach_or_create(void) {
  int shmid = shmget(STATS_KEY, sizeof(struct stats), 0600);
  if (shmid < 0)
    shmid = shmget(STATS_KEY, sizeof(struct stats), IPC_CREAT | 0600);
  struct stats *st = shmat(shmid, NULL, 0);
  st->errors = 0;
  return st;
}

// The look-alike: a file some other program created, attached by name.
struct stats *attach_file(void) {
  int fd = open("/run/stats", O_RDWR);
  struct stats *st = mmap(NULL, sizeof *st, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  st->bytes = 0;
  // CHECK: semop.c:[[@LINE-1]]:3: warning: write to shared memory by this process without a process-shared lock
  return st;
}
