// RUN: not %procsan check --checks='-*,mp-unsynchronized-shared-write' %s -- -std=c++17 2>&1 | FileCheck %s
// C++: std::atomic counters and a user RAII guard over a process-shared mutex are safe; a plain
// member written by several workers without the guard is not.
#include <atomic>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct Shared {
  pthread_mutex_t mutex;
  std::atomic<long> served{0};
  long bytes = 0;
  long errors = 0;
};

class Guard {
public:
  explicit Guard(pthread_mutex_t *m) : m(m) { pthread_mutex_lock(m); }
  ~Guard() { pthread_mutex_unlock(m); }

private:
  pthread_mutex_t *m;
};

static void serve(Shared *s, long n) {
  s->served++; // atomic
  s->served.fetch_add(1);
  {
    Guard g(&s->mutex); // locked by the guard's constructor, released by its destructor
    s->bytes += n;
  }
  s->errors++;
  // CHECK: mp-unsynchronized-shared-write-cxx.cpp:[[@LINE-1]]:3: warning: write to shared memory by the child without a process-shared lock
  // CHECK: note: called after the fork here
}

void workers(int n) {
  auto *s = static_cast<Shared *>(
      mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  for (int i = 0; i < n; i++)
    if (fork() == 0) {
      serve(s, i);
      _exit(0);
    }
  while (wait(nullptr) > 0) {
  }
}
// CHECK-NOT: warning:
