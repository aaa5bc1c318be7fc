// RUN: not %procsan check --checks='-*,mp-unchecked-fork' %s -- -std=c++17 2>&1 | FileCheck %s
// C++: forks inside lambdas and methods, with RAII around them.
#include <sys/types.h>
#include <unistd.h>
#include <vector>

class Pool {
public:
  void grow() {
    pids.push_back(::fork());
    // CHECK-NOT: mp-unchecked-fork-cxx.cpp:[[@LINE-1]]:{{.*}}warning
  }
  void spawnAndForget() {
    pid_t p = ::fork();
    // CHECK: mp-unchecked-fork-cxx.cpp:[[@LINE-1]]:15: warning: result of fork() is stored in 'p' but never compared
    last = 0;
    (void)p;
  }

private:
  std::vector<pid_t> pids;
  int last = 0;
};

int main() {
  auto start = [](int n) {
    for (int i = 0; i < n; ++i)
      fork();
    // CHECK: mp-unchecked-fork-cxx.cpp:[[@LINE-1]]:7: warning: result of fork() is discarded
  };
  start(2);
  Pool pool;
  pool.grow();
  pool.spawnAndForget();
}
