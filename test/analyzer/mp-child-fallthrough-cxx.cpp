// RUN: not %procsan check --checks='-*,mp-child-fallthrough' %s -- -std=c++17 2>&1 | FileCheck %s
// C++: lambdas and RAII around the child's code.
#include <mutex>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

std::mutex m;
void work();

struct Server {
  [[noreturn]] void run();
  void start() {
    if (::fork() == 0)
      run(); // noreturn member: fine
  }
};

int main() {
  auto launch = [](const std::string &name) {
    pid_t pid = fork();
    if (pid == 0) {
      std::lock_guard<std::mutex> guard(m);
      work();
      // CHECK: mp-child-fallthrough-cxx.cpp:[[@LINE-1]]:7: warning: the child process {{.*}} [mp-child-fallthrough]
    }
    waitpid(pid, nullptr, 0);
  };
  launch("a");
  auto good = []() {
    if (fork() == 0) {
      work();
      _exit(0);
    }
  };
  good();
  Server s;
  s.start();
}
// CHECK-NOT: warning:
