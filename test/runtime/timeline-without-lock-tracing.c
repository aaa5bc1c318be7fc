// RUN: %cc %s -o %t -pthread
// RUN: %procsan run --keep-session -- %t 2> %t.err
// RUN: %python %inputs/with_session.py %t.err %procsan report SESSION --trace=%t.json --remove-session
// RUN: %python %inputs/check_timeline.py %t.json | FileCheck %s
// The look-alike of timeline-sem-post-wakes.c: a session recorded without --trace has no lock
// acquire/release events, so `procsan report --trace` draws the tree and its instants but no
// hold slices and no post-to-wake arrows, and is still well-formed.
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pthread_mutex_t *m =
      mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(m, &attr);
  pid_t worker = fork();
  if (worker == 0) {
    pthread_mutex_lock(m);
    pthread_mutex_unlock(m);
    _exit(0);
  }
  waitpid(worker, NULL, 0);
  return 0;
}
// CHECK: well-formed: yes
// CHECK: processes: 2
// CHECK: fork instants: 1
// CHECK-NOT: slice hold
// CHECK: flow fork: 1
// CHECK-NOT: flow sem_post
