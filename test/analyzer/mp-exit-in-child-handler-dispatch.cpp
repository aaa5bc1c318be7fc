// RUN: not %procsan check --checks='-*,mp-exit-in-child' %s -- -std=c++17 2>&1 | FileCheck %s
// main() registers an exit handler and then runs a command through a table of function
// pointers: the call graph does not see main calling cmd_spawn, but a handler main() of the
// same file registers counts for every fork of this program. A fork in a constructor (a
// function the call graph cannot name) counts this file's handlers too.
#include <cstdlib>
#include <sys/wait.h>
#include <unistd.h>

void work();
static void cleanup() {}

static int cmd_spawn() {
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    work();
    exit(0);
    // CHECK: mp-exit-in-child-handler-dispatch.cpp:[[@LINE-1]]:5: warning: exit() in the child of fork()
    // CHECK: note: an exit handler registered at mp-exit-in-child-handler-dispatch.cpp:{{[0-9]+}} (atexit
  }
  waitpid(pid, nullptr, 0);
  return 0;
}

static int cmd_list() { return 0; }

struct Child {
  pid_t pid;
  Child() {
    pid = fork();
    if (pid == 0) {
      work();
      exit(0);
      // CHECK: mp-exit-in-child-handler-dispatch.cpp:[[@LINE-1]]:7: warning: exit() in the child of fork()
    }
  }
  ~Child() { waitpid(pid, nullptr, 0); }
};

static int (*const commands[])() = {cmd_list, cmd_spawn};

int main(int argc, char **) {
  std::atexit(cleanup);
  Child c;
  return commands[argc > 1]();
}
// CHECK-NOT: warning:
