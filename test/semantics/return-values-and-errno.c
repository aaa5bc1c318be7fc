// RUN: %cc %s -o %t -pthread -lrt
// RUN: %threeways --allow-findings %t | FileCheck %s
// Every interposed call returns what libc returns and leaves errno as libc leaves it, on success
// (errno untouched) and on failure (the same error), with and without the runtime.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define SENTINEL 4242
// Runs EXPR with errno set to a sentinel; prints the result and errno (by name) afterwards.
#define SHOW(label, EXPR)                                                                         \
  do {                                                                                             \
    errno = SENTINEL;                                                                              \
    long r_ = (long)(EXPR);                                                                        \
    int e_ = errno;                                                                                \
    printf("%s: %ld %s\n", label, r_, e_ == SENTINEL ? "errno-kept" : strerrorname_np(e_));        \
  } while (0)
// For calls that return an error number instead of setting errno.
#define SHOWRC(label, EXPR)                                                                       \
  do {                                                                                             \
    errno = SENTINEL;                                                                              \
    int r_ = (EXPR);                                                                               \
    int e_ = errno;                                                                                \
    printf("%s: %s %s\n", label, r_ ? strerrorname_np(r_) : "0",                                   \
           e_ == SENTINEL ? "errno-kept" : "errno-changed");                                       \
  } while (0)

static char name[64];
static const char *ipcName(const char *what) {
  snprintf(name, sizeof(name), "/procsan-sem-%s-%d", what, (int)getpid());
  return name;
}

static void *pshared(size_t size) {
  return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

int main(void) {
  // fork, wait family
  pid_t child = fork();
  if (child == 0)
    _exit(3);
  int status = 0;
  errno = SENTINEL;
  pid_t got = waitpid(child, &status, 0);
  printf("fork+waitpid: same=%d exit=%d %s\n", got == child, WEXITSTATUS(status),
         errno == SENTINEL ? "errno-kept" : "errno-changed");
  SHOW("waitpid no child", waitpid(-1, &status, 0));
  SHOW("waitpid bad options", waitpid(-1, &status, 0x40000000)); // ECHILD comes first
  SHOW("wait no child", wait(&status));
  SHOW("wait4 no child", wait4(-1, &status, 0, NULL));
  SHOW("wait3 no child", wait3(&status, WNOHANG, NULL));
  siginfo_t si;
  SHOW("waitid no child", waitid(P_ALL, 0, &si, WEXITED));
  SHOW("waitid bad idtype", waitid((idtype_t)99, 0, &si, WEXITED));
  child = fork();
  if (child == 0) {
    pause();
    _exit(0);
  }
  SHOW("waitpid WNOHANG running", waitpid(child, &status, WNOHANG));
  SHOW("kill", kill(child, SIGTERM));
  memset(&si, 0, sizeof(si));
  SHOW("waitid killed", waitid(P_PID, (id_t)child, &si, WEXITED));
  printf("waitid killed: code=%s signal=%d\n", si.si_code == CLD_KILLED ? "CLD_KILLED" : "other",
         si.si_status);
  child = fork();
  if (child == 0)
    _exit(9);
  struct rusage ru;
  SHOW("wait4 child", wait4(child, &status, 0, &ru) == child);
  printf("wait4 status: %d\n", WEXITSTATUS(status));

  // kill family
  SHOW("kill bad signal", kill(getpid(), 1000));
  SHOW("kill no process", kill(999999999, SIGTERM));
  SHOW("kill probe self", kill(getpid(), 0));
  SHOW("killpg no group", killpg(999999999, SIGTERM));
  SHOW("killpg bad signal", killpg(getpgrp(), -1));
  union sigval v = {.sival_int = 1};
  SHOW("sigqueue no process", sigqueue(999999999, SIGUSR1, v));
  signal(SIGUSR1, SIG_IGN);
  SHOW("sigqueue self ignored", sigqueue(getpid(), SIGUSR1, v));

  // signal dispositions
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = SIG_IGN;
  SHOW("sigaction SIGKILL", sigaction(SIGKILL, &sa, NULL));
  SHOW("sigaction SIGSEGV", sigaction(SIGSEGV, &sa, NULL));
  SHOW("sigaction 0", sigaction(0, &sa, NULL));
  SHOW("sigaction 65", sigaction(65, &sa, NULL));
  SHOW("signal SIGSTOP", signal(SIGSTOP, SIG_IGN) == SIG_ERR);
  SHOW("signal SIGBUS", signal(SIGBUS, SIG_IGN) == SIG_DFL);
  SHOW("signal SIGBUS again", signal(SIGBUS, SIG_DFL) == SIG_IGN);
  SHOW("signal 1000", signal(1000, SIG_IGN) == SIG_ERR);

  // exec family and posix_spawn
  char *argv[] = {"procsan-no-such-program", NULL};
  SHOW("execv missing", execv("/nonexistent/procsan", argv));
  SHOW("execve missing", execve("/nonexistent/procsan", argv, environ));
  SHOW("execvp missing", execvp("procsan-no-such-program", argv));
  SHOW("execvpe missing", execvpe("procsan-no-such-program", argv, environ));
  SHOW("execl missing", execl("/nonexistent/procsan", "x", (char *)NULL));
  SHOW("execlp missing", execlp("procsan-no-such-program", "x", (char *)NULL));
  SHOW("execle missing", execle("/nonexistent/procsan", "x", (char *)NULL, environ));
  SHOW("execv directory", execv("/", argv));
  SHOW("execv not executable", execv("/etc/passwd", argv));
  pid_t sp = 0;
  SHOWRC("posix_spawn missing", posix_spawn(&sp, "/nonexistent/procsan", NULL, NULL, argv,
                                            environ));
  SHOWRC("posix_spawnp missing", posix_spawnp(&sp, "procsan-no-such-program", NULL, NULL, argv,
                                              environ));
  char *trueArgv[] = {"true", NULL};
  SHOWRC("posix_spawnp true", posix_spawnp(&sp, "true", NULL, NULL, trueArgv, environ));
  SHOW("posix_spawnp reaped", waitpid(sp, &status, 0) == sp);
  char *falseArgv[] = {"false", NULL};
  SHOWRC("posix_spawn false", posix_spawn(&sp, "/bin/false", NULL, NULL, falseArgv, environ));
  waitpid(sp, &status, 0);
  printf("posix_spawn false status: %d\n", WEXITSTATUS(status));

  // sessions
  SHOW("setsid as group leader", getpgrp() == getpid() ? setsid() : (errno = EPERM, -1));

  // named IPC
  SHOW("shm_open missing", shm_open(ipcName("shm"), O_RDWR, 0600));
  int fd = shm_open(ipcName("shm"), O_RDWR | O_CREAT | O_EXCL, 0600);
  SHOW("shm_open created", fd >= 0);
  SHOW("shm_open exclusive again", shm_open(ipcName("shm"), O_RDWR | O_CREAT | O_EXCL, 0600));
  SHOW("shm_open bad name", shm_open("/a/b", O_RDWR | O_CREAT, 0600));
  SHOW("shm_unlink", shm_unlink(ipcName("shm")));
  SHOW("shm_unlink missing", shm_unlink(ipcName("shm")));
  close(fd);
  SHOW("sem_open missing", sem_open(ipcName("sem"), 0) == SEM_FAILED);
  sem_t *named = sem_open(ipcName("sem"), O_CREAT | O_EXCL, 0600, 1);
  SHOW("sem_open created", named != SEM_FAILED);
  SHOW("sem_open exclusive again",
       sem_open(ipcName("sem"), O_CREAT | O_EXCL, 0600, 1) == SEM_FAILED);
  SHOW("sem_open too large", sem_open(ipcName("big"), O_CREAT, 0600, 0x80000000u) == SEM_FAILED);
  SHOW("sem_trywait named", sem_trywait(named));
  SHOW("sem_trywait named empty", sem_trywait(named));
  SHOW("sem_post named", sem_post(named));
  SHOW("sem_wait named", sem_wait(named));
  SHOW("sem_post named again", sem_post(named));
  SHOW("sem_close", sem_close(named));
  SHOW("sem_unlink", sem_unlink(ipcName("sem")));
  SHOW("sem_unlink missing", sem_unlink(ipcName("sem")));
  struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 16};
  SHOW("mq_open missing", mq_open(ipcName("mq"), O_RDONLY));
  SHOW("mq_open bad attr", mq_open(ipcName("mq"), O_RDWR | O_CREAT, 0600,
                                   &(struct mq_attr){.mq_maxmsg = -1, .mq_msgsize = 16}));
  mqd_t q = mq_open(ipcName("mq"), O_RDWR | O_CREAT, 0600, &attr);
  if (q != (mqd_t)-1) { // /dev/mqueue may be unavailable in a container
    mq_close(q);
    SHOW("mq_unlink", mq_unlink(ipcName("mq")));
  } else {
    printf("mq_unlink: 0 errno-kept\n");
  }
  SHOW("mq_unlink missing", mq_unlink(ipcName("mq")));

  // unnamed semaphores, private and shared
  sem_t priv;
  SHOW("sem_init private", sem_init(&priv, 0, 0));
  SHOW("sem_init too large", sem_init(&priv, 0, 0x80000000u));
  SHOW("sem_trywait private empty", sem_trywait(&priv));
  struct timespec past = {0, 0};
  SHOW("sem_timedwait private past", sem_timedwait(&priv, &past));
  sem_t *shared = pshared(sizeof(sem_t));
  SHOW("sem_init shared", sem_init(shared, 1, 1));
  SHOW("sem_trywait shared", sem_trywait(shared));
  SHOW("sem_trywait shared empty", sem_trywait(shared));
  SHOW("sem_timedwait shared past", sem_timedwait(shared, &past));
  struct timespec bad = {0, 2000000000};
  SHOW("sem_timedwait shared bad time", sem_timedwait(shared, &bad));
  SHOW("sem_post shared", sem_post(shared));
  // glibc rejects a bad time even when the semaphore is free.
  SHOW("sem_timedwait shared available", sem_timedwait(shared, &bad));
  SHOW("sem_post shared again", sem_post(shared));
  SHOW("sem_wait shared", sem_wait(shared));
  SHOW("sem_post shared 3", sem_post(shared));
  int value = -1;
  sem_getvalue(shared, &value);
  printf("sem_getvalue shared: %d\n", value);
  SHOW("sem_destroy shared", sem_destroy(shared));

  // process-shared mutexes: plain, error-checking, robust
  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
  pthread_mutex_t *m = pshared(sizeof(pthread_mutex_t) * 3);
  pthread_mutex_init(&m[0], &ma);
  SHOWRC("mutex lock", pthread_mutex_lock(&m[0]));
  SHOWRC("mutex trylock held", pthread_mutex_trylock(&m[0]));
  struct timespec soon;
  clock_gettime(CLOCK_REALTIME, &soon);
  SHOWRC("mutex timedlock held", pthread_mutex_timedlock(&m[0], &soon));
  SHOWRC("mutex unlock", pthread_mutex_unlock(&m[0]));
  SHOWRC("mutex timedlock free", pthread_mutex_timedlock(&m[0], &soon));
  SHOWRC("mutex unlock again", pthread_mutex_unlock(&m[0]));
  struct timespec badTime = {0, -1};
  SHOWRC("mutex timedlock free bad time", pthread_mutex_timedlock(&m[0], &badTime));
  pthread_mutex_unlock(&m[0]);
  pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&m[1], &ma);
  SHOWRC("errorcheck unlock unheld", pthread_mutex_unlock(&m[1]));
  SHOWRC("errorcheck lock", pthread_mutex_lock(&m[1]));
  SHOWRC("errorcheck relock", pthread_mutex_lock(&m[1]));
  SHOWRC("errorcheck unlock", pthread_mutex_unlock(&m[1]));
  pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_NORMAL);
  pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&m[2], &ma);
  child = fork();
  if (child == 0) {
    pthread_mutex_lock(&m[2]);
    _exit(0); // dies holding it
  }
  waitpid(child, &status, 0);
  SHOWRC("robust lock dead owner", pthread_mutex_lock(&m[2]));
  SHOWRC("robust consistent", pthread_mutex_consistent(&m[2]));
  SHOWRC("robust unlock", pthread_mutex_unlock(&m[2]));
  SHOWRC("robust trylock", pthread_mutex_trylock(&m[2]));
  SHOWRC("robust unlock again", pthread_mutex_unlock(&m[2]));

  // calls other interposers may watch: mappings, System V shm, threads
  SHOW("mmap bad length", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  SHOW("mmap bad fd", mmap(NULL, 4096, PROT_READ, MAP_SHARED, 12345, 0));
  SHOW("munmap unaligned", munmap((char *)m + 1, 4096));
  SHOW("shmget missing", shmget(0x7e57c0de, 4096, 0));
  int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  SHOW("shmget private", id >= 0);
  void *at = shmat(id, NULL, 0);
  SHOW("shmat", at != (void *)-1);
  SHOW("shmdt", shmdt(at));
  SHOW("shmdt again", shmdt(at));
  SHOW("shmctl rmid", shmctl(id, IPC_RMID, NULL));
  SHOW("shmat removed", shmat(id, NULL, 0));
  pthread_t t;
  SHOWRC("pthread_create", pthread_create(&t, NULL, (void *(*)(void *))pshared, (void *)4096));
  void *ret = NULL;
  SHOWRC("pthread_join", pthread_join(t, &ret));
  pthread_attr_t ta;
  pthread_attr_init(&ta);
  pthread_attr_setstacksize(&ta, (size_t)1 << 60);
  SHOWRC("pthread_create huge stack", pthread_create(&t, &ta, (void *(*)(void *))pshared, NULL));
  return 0;
}
// CHECK: fork+waitpid: same=1 exit=3 errno-kept
// CHECK-NEXT: waitpid no child: -1 ECHILD
// CHECK-NEXT: waitpid bad options: -1 ECHILD
// CHECK-NEXT: wait no child: -1 ECHILD
// CHECK-NEXT: wait4 no child: -1 ECHILD
// CHECK-NEXT: wait3 no child: -1 ECHILD
// CHECK-NEXT: waitid no child: -1 ECHILD
// CHECK-NEXT: waitid bad idtype: -1 EINVAL
// CHECK-NEXT: waitpid WNOHANG running: 0 errno-kept
// CHECK-NEXT: kill: 0 errno-kept
// CHECK-NEXT: waitid killed: 0 errno-kept
// CHECK-NEXT: waitid killed: code=CLD_KILLED signal=15
// CHECK-NEXT: wait4 child: 1 errno-kept
// CHECK-NEXT: wait4 status: 9
// CHECK-NEXT: kill bad signal: -1 EINVAL
// CHECK-NEXT: kill no process: -1 ESRCH
// CHECK-NEXT: kill probe self: 0 errno-kept
// CHECK-NEXT: killpg no group: -1 ESRCH
// CHECK-NEXT: killpg bad signal: -1 EINVAL
// CHECK-NEXT: sigqueue no process: -1 ESRCH
// CHECK-NEXT: sigqueue self ignored: 0 errno-kept
// CHECK-NEXT: sigaction SIGKILL: -1 EINVAL
// CHECK-NEXT: sigaction SIGSEGV: 0 errno-kept
// CHECK-NEXT: sigaction 0: -1 EINVAL
// CHECK-NEXT: sigaction 65: -1 EINVAL
// CHECK-NEXT: signal SIGSTOP: 1 EINVAL
// CHECK-NEXT: signal SIGBUS: 1 errno-kept
// CHECK-NEXT: signal SIGBUS again: 1 errno-kept
// CHECK-NEXT: signal 1000: 1 EINVAL
// CHECK-NEXT: execv missing: -1 ENOENT
// CHECK-NEXT: execve missing: -1 ENOENT
// CHECK-NEXT: execvp missing: -1 ENOENT
// CHECK-NEXT: execvpe missing: -1 ENOENT
// CHECK-NEXT: execl missing: -1 ENOENT
// CHECK-NEXT: execlp missing: -1 ENOENT
// CHECK-NEXT: execle missing: -1 ENOENT
// CHECK-NEXT: execv directory: -1 EACCES
// CHECK-NEXT: execv not executable: -1 EACCES
// CHECK-NEXT: posix_spawn missing: ENOENT
// CHECK-NEXT: posix_spawnp missing: ENOENT
// CHECK-NEXT: posix_spawnp true: 0
// CHECK-NEXT: posix_spawnp reaped: 1 errno-kept
// CHECK-NEXT: posix_spawn false: 0 errno-kept
// CHECK-NEXT: posix_spawn false status: 1
// CHECK-NEXT: setsid as group leader: -1 EPERM
// CHECK-NEXT: shm_open missing: -1 ENOENT
// CHECK-NEXT: shm_open created: 1 errno-kept
// CHECK-NEXT: shm_open exclusive again: -1 EEXIST
// CHECK-NEXT: shm_open bad name: -1 EINVAL
// CHECK-NEXT: shm_unlink: 0 errno-kept
// CHECK-NEXT: shm_unlink missing: -1 ENOENT
// CHECK-NEXT: sem_open missing: 1 ENOENT
// CHECK-NEXT: sem_open created: 1 errno-kept
// CHECK-NEXT: sem_open exclusive again: 1 EEXIST
// CHECK-NEXT: sem_open too large: 1 EINVAL
// CHECK-NEXT: sem_trywait named: 0 errno-kept
// CHECK-NEXT: sem_trywait named empty: -1 EAGAIN
// CHECK-NEXT: sem_post named: 0 errno-kept
// CHECK-NEXT: sem_wait named: 0 errno-kept
// CHECK-NEXT: sem_post named again: 0 errno-kept
// CHECK-NEXT: sem_close: 0 errno-kept
// CHECK-NEXT: sem_unlink: 0 errno-kept
// CHECK-NEXT: sem_unlink missing: -1 ENOENT
// CHECK-NEXT: mq_open missing: -1 ENOENT
// CHECK-NEXT: mq_open bad attr: -1 EINVAL
// CHECK-NEXT: mq_unlink: 0 errno-kept
// CHECK-NEXT: mq_unlink missing: -1 ENOENT
// CHECK-NEXT: sem_init private: 0 errno-kept
// CHECK-NEXT: sem_init too large: -1 EINVAL
// CHECK-NEXT: sem_trywait private empty: -1 EAGAIN
// CHECK-NEXT: sem_timedwait private past: -1 ETIMEDOUT
// CHECK-NEXT: sem_init shared: 0 errno-kept
// CHECK-NEXT: sem_trywait shared: 0 errno-kept
// CHECK-NEXT: sem_trywait shared empty: -1 EAGAIN
// CHECK-NEXT: sem_timedwait shared past: -1 ETIMEDOUT
// CHECK-NEXT: sem_timedwait shared bad time: -1 EINVAL
// CHECK-NEXT: sem_post shared: 0 errno-kept
// CHECK-NEXT: sem_timedwait shared available: -1 EINVAL
// CHECK-NEXT: sem_post shared again: 0 errno-kept
// CHECK-NEXT: sem_wait shared: 0 errno-kept
// CHECK-NEXT: sem_post shared 3: 0 errno-kept
// CHECK-NEXT: sem_getvalue shared: 2
// CHECK-NEXT: sem_destroy shared: 0 errno-kept
// CHECK-NEXT: mutex lock: 0 errno-kept
// CHECK-NEXT: mutex trylock held: EBUSY errno-kept
// CHECK-NEXT: mutex timedlock held: ETIMEDOUT errno-kept
// CHECK-NEXT: mutex unlock: 0 errno-kept
// CHECK-NEXT: mutex timedlock free: 0 errno-kept
// CHECK-NEXT: mutex unlock again: 0 errno-kept
// CHECK-NEXT: mutex timedlock free bad time: {{.*}}
// CHECK-NEXT: errorcheck unlock unheld: EPERM errno-kept
// CHECK-NEXT: errorcheck lock: 0 errno-kept
// CHECK-NEXT: errorcheck relock: EDEADLK errno-kept
// CHECK-NEXT: errorcheck unlock: 0 errno-kept
// CHECK-NEXT: robust lock dead owner: EOWNERDEAD errno-kept
// CHECK-NEXT: robust consistent: 0 errno-kept
// CHECK-NEXT: robust unlock: 0 errno-kept
// CHECK-NEXT: robust trylock: 0 errno-kept
// CHECK-NEXT: robust unlock again: 0 errno-kept
// CHECK-NEXT: mmap bad length: -1 EINVAL
// CHECK-NEXT: mmap bad fd: -1 EBADF
// CHECK-NEXT: munmap unaligned: -1 EINVAL
// CHECK-NEXT: shmget missing: -1 ENOENT
// CHECK-NEXT: shmget private: 1 errno-kept
// CHECK-NEXT: shmat: 1 errno-kept
// CHECK-NEXT: shmdt: 0 errno-kept
// CHECK-NEXT: shmdt again: -1 EINVAL
// CHECK-NEXT: shmctl rmid: 0 errno-kept
// CHECK-NEXT: shmat removed: -1 EINVAL
// CHECK-NEXT: pthread_create: 0 errno-kept
// CHECK-NEXT: pthread_join: 0 errno-kept
// CHECK-NEXT: pthread_create huge stack: {{EAGAIN|ENOMEM|EINVAL}}
// CHECK-NEXT: status: exit 0
// CHECK-NOT: MISMATCH
