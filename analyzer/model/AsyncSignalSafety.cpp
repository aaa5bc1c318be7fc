#include "model/AsyncSignalSafety.h"

#include "clang/Basic/Builtins.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

const llvm::StringSet<> &safeFunctions() {
  static const llvm::StringSet<> names = {
      // POSIX.1-2008 TC2 / signal-safety(7)
      "_Exit", "_exit", "abort", "accept", "access", "aio_error", "aio_return", "aio_suspend",
      "alarm", "bind", "cfgetispeed", "cfgetospeed", "cfsetispeed", "cfsetospeed", "chdir",
      "chmod", "chown", "clock_gettime", "close", "connect", "creat", "dup", "dup2", "execl",
      "execle", "execv", "execve", "faccessat", "fchdir", "fchmod", "fchmodat", "fchown",
      "fchownat", "fcntl", "fdatasync", "fexecve", "ffs", "fork", "fstat", "fstatat", "fsync",
      "ftruncate", "futimens", "getegid", "geteuid", "getgid", "getgroups", "getpeername",
      "getpgrp", "getpid", "getppid", "getsockname", "getsockopt", "getuid", "htonl", "htons",
      "kill", "link", "linkat", "listen", "longjmp", "lseek", "lstat", "memccpy", "memchr",
      "memcmp", "memcpy", "memmove", "memset", "mkdir", "mkdirat", "mkfifo", "mkfifoat",
      "mknod", "mknodat", "ntohl", "ntohs", "open", "openat", "pause", "pipe", "poll",
      "posix_trace_event", "pselect", "pthread_kill", "pthread_self", "pthread_sigmask", "raise",
      "read", "readlink", "readlinkat", "recv", "recvfrom", "recvmsg", "rename", "renameat",
      "rmdir", "select", "sem_post", "send", "sendmsg", "sendto", "setgid", "setpgid", "setsid",
      "setsockopt", "setuid", "shutdown", "sigaction", "sigaddset", "sigdelset", "sigemptyset",
      "sigfillset", "sigismember", "siglongjmp", "signal", "sigpause", "sigpending",
      "sigprocmask", "sigqueue", "sigset", "sigsuspend", "sleep", "sockatmark", "socket",
      "socketpair", "stat", "stpcpy", "stpncpy", "strcat", "strchr", "strcmp", "strcpy",
      "strcspn", "strlen", "strncat", "strncmp", "strncpy", "strnlen", "strpbrk", "strrchr",
      "strspn", "strstr", "strtok_r", "symlink", "symlinkat", "tcdrain", "tcflow", "tcflush",
      "tcgetattr", "tcgetpgrp", "tcsendbreak", "tcsetattr", "tcsetpgrp", "time", "timer_getoverrun",
      "timer_gettime", "timer_settime", "times", "umask", "uname", "unlink", "unlinkat", "utime",
      "utimensat", "utimes", "wait", "waitpid", "wcpcpy", "wcpncpy", "wcscat", "wcschr", "wcscmp",
      "wcscpy", "wcscspn", "wcslen", "wcsncat", "wcsncmp", "wcsncpy", "wcsnlen", "wcspbrk",
      "wcsrchr", "wcsspn", "wcsstr", "wcstok", "wmemchr", "wmemcmp", "wmemcpy", "wmemmove",
      "wmemset", "write",
      // Linux system-call wrappers used to set a child up, and exec variants that do not
      // allocate in glibc.
      "execlp", "execvp", "execvpe", "dup3", "pipe2", "close_range", "closefrom", "prctl",
      "setresuid", "setresgid", "setreuid", "setregid", "setgroups", "setfsuid", "setfsgid",
      "chroot", "getrlimit", "setrlimit", "prlimit", "ioctl", "sched_setaffinity",
      "sched_setscheduler", "sched_yield", "setpriority", "nice", "personality", "unshare",
      "setns", "mount", "umount", "umount2", "mmap", "munmap", "mprotect", "madvise", "syscall",
      "getrandom", "gettid", "tgkill", "readv", "writev", "pread", "pwrite", "nanosleep",
      "clock_nanosleep", "epoll_create1", "epoll_ctl", "epoll_wait", "eventfd", "signalfd",
      "memfd_create", "fchdir", "getpgid", "getsid", "wait3", "wait4", "waitid",
      // glibc internals behind errno and the reads of environ.
      "__errno_location", "getenv", "secure_getenv",
  };
  return names;
}

} // namespace

bool isAsyncSignalSafe(const FunctionDecl *fd) {
  if (!fd)
    return false;
  if (fd->getBuiltinID() != 0 && !fd->getIdentifier())
    return true;
  if (!fd->getIdentifier())
    return false; // operators (new, <<) and conversions
  StringRef name = fd->getName();
  if (name.starts_with("__builtin_"))
    return true;
  return safeFunctions().contains(name);
}

bool isLibraryFunction(const FunctionDecl *fd, const SourceManager &sm) {
  if (!fd)
    return false;
  SourceLocation loc = fd->getCanonicalDecl()->getLocation();
  return loc.isValid() && sm.isInSystemHeader(loc);
}

bool isExecFunction(const FunctionDecl *fd) {
  if (!fd || !fd->getIdentifier())
    return false;
  StringRef name = fd->getName();
  return name.starts_with("exec") || name == "fexecve" || name.starts_with("posix_spawn");
}

} // namespace analyzer
} // namespace procsan
