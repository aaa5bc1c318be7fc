#include "rt/options.h"
#include "rt/runtime.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace procsan {
namespace rt {

bool gLockTracing = false;

namespace {

struct Options {
  char logPath[512];
  char format[8];
  char trace[512];
  char rules[256];
  char procsanPath[512];
  int exitcode; // -1: the program's own status
  bool keepSession;
};

struct Standalone {
  Options opts;
  char dir[512];
  int rootPid; // 0: this session is not ours to report
  bool reported;
};

Standalone gSA;

size_t copyTo(char *dst, size_t cap, const char *src, size_t len) {
  size_t n = len < cap - 1 ? len : cap - 1;
  memcpy(dst, src, n);
  dst[n] = 0;
  return n;
}

void say(const char *a, const char *b = "", const char *c = "", const char *d = "") {
  const char *parts[] = {"procsan: ", a, b, c, d, "\n"};
  for (const char *p : parts) {
    size_t len = strlen(p);
    while (len > 0) {
      ssize_t w = write(STDERR_FILENO, p, len);
      if (w <= 0)
        break;
      p += w;
      len -= (size_t)w;
    }
  }
}

size_t formatDec(char *dst, long v) {
  char tmp[24];
  size_t n = 0;
  bool neg = v < 0;
  unsigned long u = neg ? (unsigned long)(-v) : (unsigned long)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  size_t m = 0;
  if (neg)
    dst[m++] = '-';
  while (n)
    dst[m++] = tmp[--n];
  dst[m] = 0;
  return m;
}

bool keyIs(const char *key, size_t len, const char *name) {
  return strlen(name) == len && memcmp(key, name, len) == 0;
}

// "key=value:key=value"; warn is false when an image of a running session re-reads them.
void parseOptions(const char *s, bool warn) {
  Options &o = gSA.opts;
  memset(&o, 0, sizeof(o));
  o.exitcode = -1;
  memcpy(o.format, "text", 5);
  while (s && *s) {
    const char *end = strchr(s, ':');
    size_t len = end ? (size_t)(end - s) : strlen(s);
    const char *eq = (const char *)memchr(s, '=', len);
    if (len > 0) {
      size_t klen = eq ? (size_t)(eq - s) : len;
      const char *v = eq ? eq + 1 : s + len;
      size_t vlen = eq ? len - klen - 1 : 0;
      char value[512];
      copyTo(value, sizeof(value), v, vlen);
      char key[64];
      copyTo(key, sizeof(key), s, klen);
      if (keyIs(s, klen, "log_path")) {
        copyTo(o.logPath, sizeof(o.logPath), v, vlen);
      } else if (keyIs(s, klen, "format")) {
        if (!strcmp(value, "text") || !strcmp(value, "json") || !strcmp(value, "sarif"))
          copyTo(o.format, sizeof(o.format), v, vlen);
        else if (warn)
          say("warning: PROCSAN_OPTIONS: bad format '", value,
              "' (text, json or sarif); using text");
      } else if (keyIs(s, klen, "exitcode")) {
        char *e = nullptr;
        long n = strtol(value, &e, 10);
        if (vlen > 0 && e && !*e && n >= 0 && n <= 255)
          o.exitcode = (int)n;
        else if (warn)
          say("warning: PROCSAN_OPTIONS: bad exitcode '", value, "' (0-255); ignored");
      } else if (keyIs(s, klen, "trace")) {
        copyTo(o.trace, sizeof(o.trace), v, vlen);
      } else if (keyIs(s, klen, "rules")) {
        copyTo(o.rules, sizeof(o.rules), v, vlen);
      } else if (keyIs(s, klen, "keep_session")) {
        o.keepSession = vlen > 0 && value[0] != '0' && value[0] != 'f' && value[0] != 'n';
      } else if (keyIs(s, klen, "procsan_path")) {
        copyTo(o.procsanPath, sizeof(o.procsanPath), v, vlen);
      } else if (warn) {
        say("warning: PROCSAN_OPTIONS: unknown key '", key,
            "' ignored (known: log_path, format, exitcode, trace, rules, keep_session, "
            "procsan_path)");
      }
    }
    s = end ? end + 1 : nullptr;
  }
}

// The root's marker: a new image of the same pid (exec) is still the root.
void rootMarker(char *path, size_t cap, const char *dir, int pid) {
  size_t n = copyTo(path, cap, dir, strlen(dir));
  n += copyTo(path + n, cap - n, "/root.", 6);
  formatDec(path + n, pid);
}

// `procsan` next to this library: LIB_DIR/../bin/procsan.
bool findProcsan(char *out, size_t cap) {
  if (gSA.opts.procsanPath[0]) {
    copyTo(out, cap, gSA.opts.procsanPath, strlen(gSA.opts.procsanPath));
    return true;
  }
  Dl_info info;
  if (!dladdr(reinterpret_cast<void *>(&findProcsan), &info) || !info.dli_fname)
    return false;
  const char *slash = strrchr(info.dli_fname, '/');
  if (!slash)
    return false;
  size_t n = copyTo(out, cap, info.dli_fname, (size_t)(slash - info.dli_fname));
  copyTo(out + n, cap - n, "/../bin/procsan", 15);
  return true;
}

bool writeAll(int fd, const char *s) {
  size_t len = strlen(s);
  while (len) {
    ssize_t w = write(fd, s, len);
    if (w <= 0)
      return false;
    s += w;
    len -= (size_t)w;
  }
  return true;
}

// What the wrapper would have written: the root and how it ended.
void writeSessionRecord(int waitStatus) {
  char path[600];
  size_t n = copyTo(path, sizeof(path), gSA.dir, strlen(gSA.dir));
  copyTo(path + n, sizeof(path) - n, "/session.json", 13);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  char num[24];
  writeAll(fd, "{\"procsan_session\": 1, \"source\": \"preload\", \"root_pid\": ");
  formatDec(num, gSA.rootPid);
  writeAll(fd, num);
  writeAll(fd, ", \"root_wait_status\": ");
  formatDec(num, waitStatus);
  writeAll(fd, num);
  writeAll(fd, "}\n");
  close(fd);
}

// Runs `procsan report` on the session and waits for it. Returns its exit status (0 no
// findings, 1 findings) or -1 when it could not run.
int runReport() {
  char procsan[600];
  if (!findProcsan(procsan, sizeof(procsan))) {
    say("error: cannot find the procsan binary next to the runtime (set procsan_path)");
    return -1;
  }
  char fmt[32] = "--format=", out[600] = "--output=", trace[600] = "--trace=",
       rules[300] = "--rules=";
  strncat(fmt, gSA.opts.format, sizeof(fmt) - strlen(fmt) - 1);
  strncat(out, gSA.opts.logPath, sizeof(out) - strlen(out) - 1);
  strncat(trace, gSA.opts.trace, sizeof(trace) - strlen(trace) - 1);
  strncat(rules, gSA.opts.rules, sizeof(rules) - strlen(rules) - 1);
  char remove[] = "--remove-session", report[] = "report";
  char *argv[10];
  int argc = 0;
  argv[argc++] = procsan;
  argv[argc++] = report;
  argv[argc++] = gSA.dir;
  argv[argc++] = fmt;
  if (gSA.opts.logPath[0])
    argv[argc++] = out;
  if (gSA.opts.trace[0])
    argv[argc++] = trace;
  if (gSA.opts.rules[0])
    argv[argc++] = rules;
  if (!gSA.opts.keepSession)
    argv[argc++] = remove;
  argv[argc] = nullptr;
  // The report step is not part of the program: no runtime, no session, no options.
  static char *env[1024];
  size_t m = 0;
  for (char **e = environ; e && *e && m + 1 < sizeof(env) / sizeof(env[0]); ++e)
    if (strncmp(*e, "LD_PRELOAD=", 11) != 0 && strncmp(*e, "PROCSAN_SESSION=", 16) != 0 &&
        strncmp(*e, "PROCSAN_OPTIONS=", 16) != 0)
      env[m++] = *e;
  env[m] = nullptr;

  using ForkFn = pid_t (*)();
  using WaitFn = pid_t (*)(pid_t, int *, int);
  static ForkFn realFork = reinterpret_cast<ForkFn>(resolveNext("fork"));
  static WaitFn realWaitpid = reinterpret_cast<WaitFn>(resolveNext("waitpid"));
  if (!realFork || !realWaitpid)
    return -1;
  pid_t child = realFork();
  if (child < 0)
    return -1;
  if (child == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!gSA.opts.logPath[0])
      dup2(STDERR_FILENO, STDOUT_FILENO); // findings go to stderr, as a sanitizer's do
    execve(procsan, argv, env);
    say("error: cannot run ", procsan, ": ", strerror(errno));
    _exit(2);
  }
  int status = 0;
  pid_t r;
  do
    r = realWaitpid(child, &status, 0);
  while (r < 0 && errno == EINTR);
  if (r != child || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

// Reports once, in the root. Returns the status to exit with.
int finish(int code) {
  if (gSA.reported || gSA.rootPid == 0 || getpid() != gSA.rootPid)
    return code;
  gSA.reported = true;
  int savedErrno = errno;
  writeSessionRecord((code & 0xff) << 8);
  int r = runReport();
  if (gSA.opts.keepSession)
    say("session kept in ", gSA.dir, " (procsan report DIR re-renders it)");
  errno = savedErrno;
  if (r == 1 && gSA.opts.exitcode >= 0)
    return gSA.opts.exitcode;
  return code;
}

// exit() and a return from main end here, after the program's atexit handlers and the
// destructors (registered before them, so it runs after them), with the status.
void atExit(int status, void *) {
  int code = finish(status);
  if (code != status) {
    fflush(nullptr);
    _exit(code);
  }
}

} // namespace

void readLockTracing(const char *dir) {
  char path[600];
  size_t n = copyTo(path, sizeof(path), dir, strlen(dir));
  copyTo(path + n, sizeof(path) - n, "/trace-locks", 12);
  gLockTracing = access(path, F_OK) == 0;
}

bool startStandaloneSession(char *dir, size_t cap) {
  const char *opts = getenv("PROCSAN_OPTIONS");
  if (!opts || !*opts)
    return false;
  parseOptions(opts, true);
  const char *base = getenv("PROCSAN_TMPDIR");
  if (!base || !*base)
    base = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
  if (!base || !*base)
    base = "/tmp";
  char tmpl[512];
  size_t n = copyTo(tmpl, sizeof(tmpl), base, strlen(base));
  copyTo(tmpl + n, sizeof(tmpl) - n, "/procsan-XXXXXX", 15);
  if (!mkdtemp(tmpl)) { // 0700, never follows a symlink
    say("warning: PROCSAN_OPTIONS: cannot create a session directory in ", base, ": ",
        strerror(errno));
    return false;
  }
  copyTo(gSA.dir, sizeof(gSA.dir), tmpl, strlen(tmpl));
  copyTo(dir, cap, tmpl, strlen(tmpl));
  gSA.rootPid = getpid();
  char path[600];
  rootMarker(path, sizeof(path), gSA.dir, gSA.rootPid);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0)
    close(fd);
  // No monitor consumes this session's logs while the program runs: their writers must not wait
  // for one (see trace::FileHeader::consumed). Every process image of the session looks for this.
  n = copyTo(path, sizeof(path), gSA.dir, strlen(gSA.dir));
  copyTo(path + n, sizeof(path) - n, "/no-consumer", 12);
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0)
    close(fd);
  if (gSA.opts.trace[0]) {
    n = copyTo(path, sizeof(path), gSA.dir, strlen(gSA.dir));
    copyTo(path + n, sizeof(path) - n, "/trace-locks", 12);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0)
      close(fd);
  }
  on_exit(atExit, nullptr);
  return true;
}

void resumeStandaloneSession(const char *dir) {
  const char *opts = getenv("PROCSAN_OPTIONS");
  if (!opts || !*opts)
    return;
  char path[600];
  rootMarker(path, sizeof(path), dir, getpid());
  if (access(path, F_OK) != 0)
    return;
  parseOptions(opts, false);
  copyTo(gSA.dir, sizeof(gSA.dir), dir, strlen(dir));
  gSA.rootPid = getpid();
  on_exit(atExit, nullptr);
}

int standaloneBeforeUnderscoreExit(int code) { return finish(code); }

} // namespace rt
} // namespace procsan
