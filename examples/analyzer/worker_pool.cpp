// A C++ worker pool with a lambda that forks without telling parent from child.
#include <stdexcept>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

struct Pool {
  std::vector<pid_t> children;
  int started = 0;

  void start(int n) {
    auto launch = [this]() {
      if (::fork() < 0) // pitfall: only failure is checked; parent and child both go on
        throw std::runtime_error("fork failed");
      ++started;
    };
    for (int i = 0; i < n; ++i)
      launch();
  }

  void startCorrectly(int n) {
    for (int i = 0; i < n; ++i) {
      pid_t pid = ::fork();
      if (pid == 0)
        _exit(0);
      children.push_back(pid);
    }
  }
};

int main() {
  Pool pool;
  pool.startCorrectly(2);
  pool.start(2);
  for (pid_t p : pool.children)
    waitpid(p, nullptr, 0);
}
