// RUN: not %procsan check --checks='-*,mp-fork-in-loop' %s -- -std=c++17 2>&1 | FileCheck %s
#include <unistd.h>
#include <vector>

void work(int);

int main() {
  std::vector<int> jobs{1, 2, 3};
  for (int job : jobs) {
    if (fork() == 0) {
      // CHECK: mp-fork-in-loop-cxx.cpp:[[@LINE-1]]:9: warning: the child process stays in the loop
      work(job);
    }
  }
  auto fine = [&] {
    for (int job : jobs)
      if (fork() == 0) {
        work(job);
        _exit(0);
      }
  };
  fine();
}
// CHECK-NOT: warning:
