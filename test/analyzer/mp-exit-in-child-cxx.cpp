// RUN: not %procsan check --checks='-*,mp-exit-in-child,mp-child-fallthrough' %s -- -std=c++17 2>&1 | FileCheck %s
// C++: std::exit in a lambda's child, and a child that throws out of the forking function.
#include <cstdlib>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

void work(); static void flush_logs() {}

struct Supervisor {
  void restart() {
    pid_t pid = fork();
    if (pid == 0) {
      work();
      throw std::runtime_error("worker failed");
      // CHECK: mp-exit-in-child-cxx.cpp:[[@LINE-1]]:7: warning: the child process returns from 'restart' into its caller's code, which the parent runs too; end the child with _exit() [mp-child-fallthrough]
    }
    waitpid(pid, nullptr, 0);
  }
};

int main() { std::atexit(flush_logs);
  auto run = [](int code) {
    if (fork() == 0) {
      work();
      std::exit(code);
      // CHECK: mp-exit-in-child-cxx.cpp:[[@LINE-1]]:7: warning: exit() in the child of fork() runs the parent's atexit handlers and flushes its stdio buffers a second time; use _exit() [mp-exit-in-child]
    }
  };
  run(1);
  Supervisor s;
  s.restart();
}
