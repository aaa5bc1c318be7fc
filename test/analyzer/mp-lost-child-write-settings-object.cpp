// RUN: not %procsan check --checks='-*,mp-lost-child-write' %s -- -std=c++17 2>&1 | FileCheck --implicit-check-not='warning:' %s
// A sandboxed parser: the child parses the untrusted configuration into the global settings
// object, and the parent, after waitpid, goes on as if it had been filled in.
#include <string>
#include <sys/wait.h>
#include <unistd.h>

struct Settings {
  bool verbose = false;
  int workers = 1;
  std::string root;
  void parse(const char *path);
  void setRoot(const char *dir) { root = dir; }
};

Settings g_settings;
Settings g_defaults;
int apply(int workers, bool verbose);

void Settings::parse(const char *path) {
  verbose = path[0] == 'v';
  workers = 4;
  setRoot(path);
}

int load_sandboxed(const char *path) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    g_settings.parse(path);
    _exit(0);
  }
  int status;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
    return -1;
  return apply(g_settings.workers, g_settings.verbose);
  // CHECK: settings-object.cpp:[[@LINE-1]]:16: warning: 'g_settings.workers' is read by the parent after the child ended
  // CHECK: settings-object.cpp:[[@LINE-2]]:36: warning: 'g_settings.verbose' is read by the parent after the child ended
}

// The look-alike: the child parses into the same kind of object and sends it back through a pipe
// the parent reads into its own copy.
int load_through_pipe(const char *path, int fd[2]) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    g_defaults.parse(path);
    write(fd[1], &g_defaults.workers, sizeof g_defaults.workers);
    _exit(0);
  }
  int status;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
    return -1;
  int workers = 0;
  read(fd[0], &workers, sizeof workers);
  return apply(workers, false);
}
