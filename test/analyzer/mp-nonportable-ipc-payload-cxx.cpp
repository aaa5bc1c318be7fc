// RUN: not %procsan check --checks='-*,mp-nonportable-ipc-payload' %s -- -std=c++17 2>&1 | FileCheck %s
// C++ objects that own memory, sent raw or kept in shared memory.
#include <memory>
#include <new>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

struct Job {
  int id;
  std::string name;
};

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
  int sides;
};

struct Registry {
  std::vector<int> pids;
  int generation;
};

void send_job(int fd, const Job &job) {
  if (fork() == 0)
    _exit(0);
  write(fd, &job, sizeof job);
  // CHECK: mp-nonportable-ipc-payload-cxx.cpp:[[@LINE-1]]:13: warning: sending 'const Job', whose member 'name' is 'std::string', which owns memory through pointers raw with write()
  std::shared_ptr<int> counter = std::make_shared<int>(0);
  write(fd, &counter, sizeof counter);
  // CHECK: mp-nonportable-ipc-payload-cxx.cpp:[[@LINE-1]]:13: warning: sending 'std::shared_ptr<int>', which owns memory through pointers raw with write()
}

void send_shape(int fd, const Shape *s) {
  if (fork() == 0)
    _exit(0);
  write(fd, s, sizeof *s);
  // CHECK: mp-nonportable-ipc-payload-cxx.cpp:[[@LINE-1]]:13: warning: sending 'const Shape', which has virtual functions (a vtable pointer) raw with write()
}

Registry *registry() {
  void *mem = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return new (mem) Registry();
  // CHECK: mp-nonportable-ipc-payload-cxx.cpp:[[@LINE-1]]:10: warning: shared memory holds 'Registry', whose member 'pids' is 'std::vector<int>', which owns memory through pointers: another process sees pointers into memory it cannot reach; use fixed-size arrays and offsets (or an allocator for shared memory)
}
// CHECK-NOT: warning:
