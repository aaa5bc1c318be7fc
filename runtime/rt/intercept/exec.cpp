// exec family and posix_spawn: the new program must stay traced even when the caller passes an
// environment without LD_PRELOAD or PROCSAN_SESSION (env -i, subprocess with env={}), so both
// are put back. Runs in forked children: no malloc, the new environment lives on the stack.
#include "rt/runtime.h"

#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

using namespace procsan;

extern char **environ;

namespace {

constexpr size_t kMaxEnv = 1024; // larger environments are passed on untouched
constexpr size_t kMaxArgs = 1024;

bool hasPrefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

// Builds into `out` (kMaxEnv + 3 slots) the environment to pass on; returns envp itself when it
// already carries both variables, or when it is too large to copy.
char *const *withRuntime(char *const *envp, char **out, char *preloadBuf, size_t preloadCap) {
  const char *preload = rt::preloadEntry();
  const char *session = rt::sessionEntry();
  if (!preload || !session || !envp)
    return envp;
  size_t n = 0;
  bool havePreload = false, haveSession = false;
  for (; envp[n]; ++n) {
    if (n >= kMaxEnv)
      return envp;
    if (hasPrefix(envp[n], "LD_PRELOAD=") && strstr(envp[n], "libprocsan-rt.so"))
      havePreload = true;
    if (hasPrefix(envp[n], "PROCSAN_SESSION="))
      haveSession = true;
  }
  if (havePreload && haveSession)
    return envp;
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!havePreload && hasPrefix(envp[i], "LD_PRELOAD=")) {
      // Keep the program's own preloads after ours.
      size_t len = strlen(preload);
      size_t theirs = strlen(envp[i] + 11);
      if (len + 1 + theirs + 1 > preloadCap)
        continue;
      memcpy(preloadBuf, preload, len);
      preloadBuf[len] = ':';
      memcpy(preloadBuf + len + 1, envp[i] + 11, theirs + 1);
      out[m++] = preloadBuf;
      havePreload = true;
      continue;
    }
    out[m++] = envp[i];
  }
  if (!havePreload)
    out[m++] = const_cast<char *>(preload);
  if (!haveSession)
    out[m++] = const_cast<char *>(session);
  out[m] = nullptr;
  return out;
}

void noteExec(const char *path) {
  rt::record(rt::Event{trace::EvExec, {0, 0, 0, 0, 0, 0}, path, 0});
}

void noteExecFailed(int err) {
  rt::record(rt::Event{trace::EvExecFailed, {err, 0, 0, 0, 0, 0}, nullptr, 0});
}

} // namespace

PROCSAN_INTERCEPTOR int execve(const char *path, char *const argv[], char *const envp[]) {
  rt::ensureInit();
  PROCSAN_REAL("execve", int (*)(const char *, char *const *, char *const *));
  char *env[kMaxEnv + 3];
  char preload[2048];
  noteExec(path);
  int r = real(path, argv, withRuntime(envp, env, preload, sizeof(preload)));
  int savedErrno = errno;
  noteExecFailed(savedErrno);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int execvpe(const char *file, char *const argv[], char *const envp[]) {
  rt::ensureInit();
  PROCSAN_REAL("execvpe", int (*)(const char *, char *const *, char *const *));
  char *env[kMaxEnv + 3];
  char preload[2048];
  noteExec(file);
  int r = real(file, argv, withRuntime(envp, env, preload, sizeof(preload)));
  int savedErrno = errno;
  noteExecFailed(savedErrno);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int execv(const char *path, char *const argv[]) {
  return execve(path, argv, environ);
}

PROCSAN_INTERCEPTOR int execvp(const char *file, char *const argv[]) {
  return execvpe(file, argv, environ);
}

namespace {

// Collects the variadic arguments of execl* into argv (on the stack); envp for execle.
int collectArgs(const char *first, va_list ap, char **argv, char ***envp) {
  size_t n = 0;
  argv[n++] = const_cast<char *>(first);
  while (argv[n - 1] != nullptr) {
    if (n >= kMaxArgs) {
      errno = E2BIG;
      return -1;
    }
    argv[n++] = va_arg(ap, char *);
  }
  if (envp)
    *envp = va_arg(ap, char **);
  return 0;
}

} // namespace

PROCSAN_INTERCEPTOR int execl(const char *path, const char *arg, ...) {
  char *argv[kMaxArgs + 1];
  va_list ap;
  va_start(ap, arg);
  int ok = collectArgs(arg, ap, argv, nullptr);
  va_end(ap);
  return ok < 0 ? -1 : execve(path, argv, environ);
}

PROCSAN_INTERCEPTOR int execlp(const char *file, const char *arg, ...) {
  char *argv[kMaxArgs + 1];
  va_list ap;
  va_start(ap, arg);
  int ok = collectArgs(arg, ap, argv, nullptr);
  va_end(ap);
  return ok < 0 ? -1 : execvpe(file, argv, environ);
}

PROCSAN_INTERCEPTOR int execle(const char *path, const char *arg, ...) {
  char *argv[kMaxArgs + 1];
  char **envp = nullptr;
  va_list ap;
  va_start(ap, arg);
  int ok = collectArgs(arg, ap, argv, &envp);
  va_end(ap);
  return ok < 0 ? -1 : execve(path, argv, envp);
}

PROCSAN_INTERCEPTOR int posix_spawn(pid_t *pid, const char *path,
                                    const posix_spawn_file_actions_t *actions,
                                    const posix_spawnattr_t *attr, char *const argv[],
                                    char *const envp[]) {
  rt::ensureInit();
  PROCSAN_REAL("posix_spawn", int (*)(pid_t *, const char *, const posix_spawn_file_actions_t *,
                                      const posix_spawnattr_t *, char *const *, char *const *));
  char *env[kMaxEnv + 3];
  char preload[2048];
  return real(pid, path, actions, attr, argv, withRuntime(envp, env, preload, sizeof(preload)));
}

PROCSAN_INTERCEPTOR int posix_spawnp(pid_t *pid, const char *file,
                                     const posix_spawn_file_actions_t *actions,
                                     const posix_spawnattr_t *attr, char *const argv[],
                                     char *const envp[]) {
  rt::ensureInit();
  PROCSAN_REAL("posix_spawnp", int (*)(pid_t *, const char *, const posix_spawn_file_actions_t *,
                                       const posix_spawnattr_t *, char *const *, char *const *));
  char *env[kMaxEnv + 3];
  char preload[2048];
  return real(pid, file, actions, attr, argv, withRuntime(envp, env, preload, sizeof(preload)));
}
