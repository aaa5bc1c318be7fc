// RUN: not %procsan check --checks='-*,mp-unsafe-call-after-fork' %s -- -std=c++17 -pthread 2>&1 | FileCheck %s
// C++: std::thread in the process; iostreams, std::string, new and RAII locks in the child.
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>

std::mutex registry_lock;

int main() {
  std::thread background([] {});
  auto spawn = [](const char *name) {
    if (fork() == 0) {
      std::string label = name;
      // CHECK: mp-unsafe-call-after-fork-cxx.cpp:[[@LINE-1]]:27: warning: constructing 'std::string' calls library code that is not async-signal-safe
      std::lock_guard<std::mutex> hold(registry_lock);
      // CHECK: mp-unsafe-call-after-fork-cxx.cpp:[[@LINE-1]]:35: warning: constructing 'std::lock_guard<std::mutex>'
      int *slot = new int(1);
      // CHECK: mp-unsafe-call-after-fork-cxx.cpp:[[@LINE-1]]:19: warning: 'new' allocates memory
      std::cout << *slot;
      // CHECK: mp-unsafe-call-after-fork-cxx.cpp:[[@LINE-1]]:7: warning: 'std::basic_ostream<char>::operator<<' is library code that is not async-signal-safe
      _exit(0);
    }
  };
  spawn("worker");
  background.join();
}
