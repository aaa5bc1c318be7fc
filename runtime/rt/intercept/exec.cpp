// exec family and posix_spawn: the new program must stay traced even when the caller passes an
// environment without LD_PRELOAD or PROCSAN_SESSION (env -i, subprocess with env={}), so both
// are put back, with PROCSAN_ADDED saying which; the new image's runtime takes them out of its
// environment again before main, so the program sees the environment its parent gave it.
// Runs in forked children: no malloc, the new environment lives on the stack.
#include "rt/runtime.h"

#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

using namespace procsan;

extern char **environ;

namespace {

constexpr size_t kMaxEnv = 1024; // larger environments are passed on untouched
constexpr size_t kMaxArgs = 1024;
constexpr size_t kEnvSlots = kMaxEnv + 4; // + LD_PRELOAD, PROCSAN_SESSION, PROCSAN_ADDED, null

// What the interceptor added, for the new image to take out again: "PROCSAN_ADDED=" then s (the
// session), p (LD_PRELOAD) or qN (N bytes of ours put in front of the program's own LD_PRELOAD).
constexpr size_t kAddedCap = 40;

bool hasPrefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

// Builds into `out` (kEnvSlots slots) the environment to pass on; returns envp itself when it
// already carries both variables, or when it is too large to copy.
char *const *withRuntime(char *const *envp, char **out, char *preloadBuf, size_t preloadCap,
                         char *addedBuf) {
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
  size_t prefixLength = 0;
  for (size_t i = 0; i < n; ++i) {
    if (hasPrefix(envp[i], "PROCSAN_ADDED="))
      continue;
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
      prefixLength = len + 1 - 11;
      continue;
    }
    out[m++] = envp[i];
  }
  bool addedPreload = !havePreload;
  if (!havePreload)
    out[m++] = const_cast<char *>(preload);
  if (!haveSession)
    out[m++] = const_cast<char *>(session);
  size_t a = 0;
  for (const char *p = "PROCSAN_ADDED="; *p; ++p)
    addedBuf[a++] = *p;
  if (!haveSession)
    addedBuf[a++] = 's';
  if (addedPreload)
    addedBuf[a++] = 'p';
  if (prefixLength) {
    addedBuf[a++] = 'q';
    char digits[24];
    size_t d = 0;
    for (size_t v = prefixLength; v; v /= 10)
      digits[d++] = (char)('0' + v % 10);
    while (d && a + 1 < kAddedCap)
      addedBuf[a++] = digits[--d];
  }
  addedBuf[a] = 0;
  out[m++] = addedBuf;
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
  char *env[kEnvSlots];
  char preload[2048];
  char added[kAddedCap];
  noteExec(path);
  int r = real(path, argv, withRuntime(envp, env, preload, sizeof(preload), added));
  int savedErrno = errno;
  noteExecFailed(savedErrno);
  errno = savedErrno;
  return r;
}

PROCSAN_INTERCEPTOR int execvpe(const char *file, char *const argv[], char *const envp[]) {
  rt::ensureInit();
  PROCSAN_REAL("execvpe", int (*)(const char *, char *const *, char *const *));
  char *env[kEnvSlots];
  char preload[2048];
  char added[kAddedCap];
  noteExec(file);
  int r = real(file, argv, withRuntime(envp, env, preload, sizeof(preload), added));
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
  char *env[kEnvSlots];
  char preload[2048];
  char added[kAddedCap];
  return real(pid, path, actions, attr, argv,
              withRuntime(envp, env, preload, sizeof(preload), added));
}

PROCSAN_INTERCEPTOR int posix_spawnp(pid_t *pid, const char *file,
                                     const posix_spawn_file_actions_t *actions,
                                     const posix_spawnattr_t *attr, char *const argv[],
                                     char *const envp[]) {
  rt::ensureInit();
  PROCSAN_REAL("posix_spawnp", int (*)(pid_t *, const char *, const posix_spawn_file_actions_t *,
                                       const posix_spawnattr_t *, char *const *, char *const *));
  char *env[kEnvSlots];
  char preload[2048];
  char added[kAddedCap];
  return real(pid, file, actions, attr, argv,
              withRuntime(envp, env, preload, sizeof(preload), added));
}

// A new image started by one of the interceptors above: the runtime has read LD_PRELOAD and
// PROCSAN_SESSION (it keeps them for the next exec); the program gets its own environment back.
__attribute__((constructor)) static void procsanRestoreEnvironment() {
  const char *added = getenv("PROCSAN_ADDED");
  if (!added)
    return;
  rt::ensureInit();
  if (strchr(added, 's'))
    unsetenv("PROCSAN_SESSION");
  if (strchr(added, 'p'))
    unsetenv("LD_PRELOAD");
  if (const char *q = strchr(added, 'q')) {
    size_t prefix = strtoul(q + 1, nullptr, 10);
    const char *now = getenv("LD_PRELOAD");
    if (now && prefix > 0 && prefix <= strlen(now) && now[prefix - 1] == ':')
      setenv("LD_PRELOAD", now + prefix, 1);
  }
  unsetenv("PROCSAN_ADDED");
}
