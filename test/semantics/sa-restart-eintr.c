// RUN: %cc %s -o %t
// RUN: %threeways %t | FileCheck %s
// A signal that interrupts a blocking call restarts it with SA_RESTART and fails it with EINTR
// without, for plain read and for the calls the runtime interposes (waitpid, a shared sem_wait).
// The child signals only once the parent sleeps in that very system call, and ends the call only
// once the parent's handler has run (the handler acknowledges through a pipe): a fixed delay was
// not enough on a loaded machine, where the call could complete before the signal was handled.
#define _GNU_SOURCE
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static int ack[2]; // the handler writes one byte per signal; the signalling child reads it
static void onUsr1(int sig) {
  caught += sig == SIGUSR1;
  int saved = errno;
  if (write(ack[1], "a", 1) != 1)
    _exit(3);
  errno = saved;
}

// In the signalling child: waits until the parent's handler has run.
static void awaitHandler(void) {
  char a;
  if (read(ack[0], &a, 1) != 1)
    _exit(1);
}

// Waits until `pid` sleeps in system call `nr` with first argument `arg` (per /proc/PID/syscall:
// the runtime may make other calls of the same kind first), then signals it.
static void signalWhenAsleepIn(pid_t pid, long nr, unsigned long arg) {
  char path[64], buf[256];
  snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
  for (;;) {
    FILE *f = fopen(path, "r");
    if (!f)
      _exit(1);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    char *end = NULL;
    if (n > 0 && strtol(buf, &end, 10) == nr && strtoul(end, NULL, 16) == arg)
      break;
    usleep(1000);
  }
  kill(pid, SIGUSR1);
}

static void install(int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = onUsr1;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, NULL);
}

static void tryRead(int flags, const char *label) {
  install(flags);
  int p[2];
  pipe(p);
  pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    signalWhenAsleepIn(parent, SYS_read, (unsigned long)p[0]);
    awaitHandler();
    write(p[1], "x", 1);
    _exit(0);
  }
  char c;
  caught = 0;
  errno = 0;
  ssize_t r = read(p[0], &c, 1);
  printf("%s read: %zd %s caught=%d\n", label, r, r < 0 ? strerrorname_np(errno) : "ok", caught);
  waitpid(child, NULL, 0);
  close(p[0]);
  close(p[1]);
}

static void tryWaitpid(int flags, const char *label) {
  install(flags);
  pid_t parent = getpid();
  pid_t signaller = fork();
  if (signaller == 0) {
    signalWhenAsleepIn(parent, SYS_wait4, (unsigned long)getpid());
    awaitHandler();
    _exit(0);
  }
  caught = 0;
  int status;
  pid_t r = waitpid(signaller, &status, 0);
  int err = errno;
  printf("%s waitpid: %s caught=%d\n", label, r == signaller ? "child" : strerrorname_np(err),
         caught);
  if (r != signaller)
    waitpid(signaller, &status, 0);
}

static void trySemWait(sem_t *s, int flags, const char *label) {
  install(flags);
  pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    signalWhenAsleepIn(parent, SYS_futex, (unsigned long)s);
    awaitHandler();
    sem_post(s);
    _exit(0);
  }
  caught = 0;
  int r = sem_wait(s);
  printf("%s sem_wait: %d %s caught=%d\n", label, r, r < 0 ? strerrorname_np(errno) : "ok",
         caught);
  if (r < 0)
    sem_wait(s); // the child's post
  waitpid(child, NULL, 0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (pipe(ack) != 0)
    return 1;
  tryRead(0, "no SA_RESTART");
  tryRead(SA_RESTART, "SA_RESTART");
  tryWaitpid(0, "no SA_RESTART");
  tryWaitpid(SA_RESTART, "SA_RESTART");
  sem_t *s = mmap(NULL, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sem_init(s, 1, 0);
  trySemWait(s, 0, "no SA_RESTART");
  trySemWait(s, SA_RESTART, "SA_RESTART");
  return 0;
}
// CHECK: no SA_RESTART read: -1 EINTR caught=1
// CHECK-NEXT: SA_RESTART read: 1 ok caught=1
// CHECK-NEXT: no SA_RESTART waitpid: EINTR caught=1
// CHECK-NEXT: SA_RESTART waitpid: child caught=1
// CHECK-NEXT: no SA_RESTART sem_wait: -1 EINTR caught=1
// CHECK-NEXT: SA_RESTART sem_wait: 0 ok caught=1
// CHECK-NEXT: status: exit 0
