// RUN: not %procsan check --checks='-*,mp-unchecked-fork' %s -- -std=c++17 2>&1 | FileCheck %s
// `if (fork() == 0) ... else ...` with the pid not kept: a failed fork (-1) takes the else branch
// as if a child had started, and no later code can notice. Keeping the pid and testing it, or
// testing -1 first, is fine.
#include <cstdlib>
#include <sys/types.h>
#include <unistd.h>

void work();

class Worker {
public:
  void start() {
    if (fork() == 0) {
      work();
      _exit(0);
    } else {
      running_ = true;
    }
    // CHECK: mp-unchecked-fork-error-as-parent.cpp:[[@LINE-6]]:9: warning: when fork() fails, the else branch runs as if a child had started; the -1 is not kept, so nothing notices the failure [mp-unchecked-fork]
    // CHECK: :[[@LINE-4]]:12: note: the branch -1 takes
  }

  void start_checked() {
    pid_t pid = fork();
    if (pid == 0) {
      work();
      _exit(0);
    } else if (pid > 0) {
      running_ = true;
    }
  }

  void start_no_else() {
    if (fork() == 0) {
      work();
      _exit(0);
    }
  }

private:
  bool running_ = false;
};

int main() {
  Worker w;
  w.start();
  w.start_checked();
  w.start_no_else();
}
// CHECK-NOT: warning:
