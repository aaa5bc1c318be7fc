// RUN: not %procsan check --checks='-*,mp-non-pshared-sync' %s -- -std=c++17 2>&1 | FileCheck %s
// std::mutex and std::condition_variable placed in shared memory.
#include <condition_variable>
#include <mutex>
#include <new>
#include <sys/mman.h>

struct Board {
  std::mutex m;
  std::condition_variable cv;
  int value;
};

struct Counter {
  std::mutex m;
  long n;
};

struct Plain {
  pthread_mutex_t m;
  long n;
};

Board *make_board() {
  void *mem = mmap(nullptr, sizeof(Board), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return new (mem) Board();
  // CHECK: mp-non-pshared-sync-cxx.cpp:[[@LINE-1]]:10: warning: std::mutex in shared memory (in 'Board') works only within one process: use a pthread mutex or condition variable initialized with PTHREAD_PROCESS_SHARED, or a semaphore [mp-non-pshared-sync]
}

Counter *counters = static_cast<Counter *>(
    mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
// CHECK: mp-non-pshared-sync-cxx.cpp:[[@LINE-2]]:10: warning: std::mutex in shared memory (in 'Counter')

Plain *plain = static_cast<Plain *>(
    mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
Counter *heap = new Counter();
// CHECK-NOT: warning:
