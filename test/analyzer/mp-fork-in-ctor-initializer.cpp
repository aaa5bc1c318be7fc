// RUN: not %procsan check --checks='-*,mp-child-fallthrough,mp-unreaped-child,mp-unchecked-fork' %s -- -std=c++17 2>&1 | FileCheck %s
// A subprocess class that forks in its constructor's member initializer (`: pid_(fork())`):
// the initializer runs before the body, and the pid lives in a field. The checks follow the
// fork from there like any other: the body's tests of the field decide the child's path, the
// destructor's wait reaps it.
#include <cstdlib>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

void work();

// Every outcome handled, the child ends in the constructor, the destructor reaps: quiet.
class Helper {
public:
  Helper() : pid_(fork()) {
    if (pid_ < 0)
      std::abort();
    if (pid_ == 0) {
      work();
      _exit(0);
    }
  }
  ~Helper() {
    int status = 0;
    waitpid(pid_, &status, 0);
  }

private:
  pid_t pid_;
};

// Close positive: the child runs its job and leaves the constructor, into whatever code made
// the object (the rest of the parent's program).
class Runner {
public:
  Runner() : pid_(fork()) {
    if (pid_ < 0)
      std::abort();
    if (pid_ == 0) {
      work();
      // CHECK: mp-fork-in-ctor-initializer.cpp:[[@LINE-1]]:7: warning: the child process returns from 'Runner' into its caller's code
    }
  }
  ~Runner() { waitpid(pid_, nullptr, 0); }

private:
  pid_t pid_;
};

// Close positive: the pid is kept in a field nothing waits for.
class Detached {
public:
  Detached() : pid_(fork()) {
    // CHECK: mp-fork-in-ctor-initializer.cpp:[[@LINE-1]]:21: warning: the child process made by fork() is never waited for
    if (pid_ < 0)
      std::abort();
    if (pid_ == 0) {
      work();
      _exit(0);
    }
  }

private:
  pid_t pid_;
};

int main() {
  Helper h;
  Runner r;
  Detached d;
  for (;;)
    pause();
}
// CHECK-NOT: warning:
