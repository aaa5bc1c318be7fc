// RUN: not %procsan check --checks='-*,mp-nonportable-ipc-payload' %s -- 2>&1 | FileCheck %s
// Pointers sent through pipes and queues, and stored in shared memory.
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct request {
  int kind;
  char *path; // a pointer: meaningless in the worker
};

struct task {
  int id;
  FILE *log;
};

void dispatch(int n) {
  int p[2];
  pipe(p);
  if (fork() == 0) {
    struct request r;
    read(p[0], &r, sizeof r);
    _exit(0);
  }
  struct request r = {1, strdup("/tmp/x")};
  write(p[1], &r, sizeof r);
  // CHECK: mp-nonportable-ipc-payload.c:[[@LINE-1]]:15: warning: sending 'struct request', whose member 'path' is a pointer ('char *') raw with write(): its bytes mean nothing in the receiving process; send a fixed-size struct of plain values (copy strings into char arrays, use indexes or offsets instead of pointers) [mp-nonportable-ipc-payload]
  char *buf = malloc(64);
  write(p[1], &buf, sizeof buf);
  // CHECK: mp-nonportable-ipc-payload.c:[[@LINE-1]]:15: warning: sending a pointer ('char *') raw with write(): its bytes mean nothing in the receiving process; send the data it points to, or an index or offset
  struct task t = {n, stderr};
  struct task *tp = &t;
  write(p[1], tp, sizeof *tp);
  // CHECK: mp-nonportable-ipc-payload.c:[[@LINE-1]]:15: warning: sending 'struct task', whose member 'log' is a FILE* (a pointer into this process's stdio) raw with write()
  wait(NULL);
}

void enqueue(mqd_t q, struct request *r) {
  mq_send(q, (const char *)r, sizeof *r, 0);
  // CHECK: mp-nonportable-ipc-payload.c:[[@LINE-1]]:14: warning: sending 'struct request', whose member 'path' is a pointer ('char *') raw with mq_send()
}

struct board {
  char *names[8];
  int count;
};

static void publish(struct board *b, const char *who) {
  char *copy = strdup(who);
  b->names[b->count++] = copy;
  // CHECK: mp-nonportable-ipc-payload.c:[[@LINE-1]]:3: warning: storing a pointer ('char *') in shared memory: other processes cannot use it (it points into this process's own memory); store an offset into the shared region or the data itself
  // CHECK: note: the memory is shared by mmap(MAP_SHARED|MAP_ANONYMOUS)
  struct request r = {2, copy};
  memcpy(&b->names[0], &r, sizeof r);
  // CHECK: mp-nonportable-ipc-payload.c:[[@LINE-1]]:3: warning: copying 'struct request', whose member 'path' is a pointer ('char *') into shared memory
}

void board_workers(void) {
  struct board *b = mmap(NULL, sizeof *b, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  for (int i = 0; i < 4; i++)
    if (fork() == 0) {
      publish(b, "worker");
      _exit(0);
    }
}
// CHECK-NOT: warning:
