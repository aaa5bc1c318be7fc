// RUN: %procsan check --checks='-*,mp-unchecked-fork' %s -- -std=c++17 2>&1 | FileCheck --allow-empty %s
// A user function that is merely named fork is not the C library's fork.
// CHECK-NOT: warning:
namespace git {
int fork(const char *repo);
}
struct Road {
  int fork() { return 2; }
};

int main() {
  git::fork("procsan");
  Road r;
  r.fork();
  return 0;
}
