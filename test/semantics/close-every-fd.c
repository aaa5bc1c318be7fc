// RUN: %cc %s -o %t
// RUN: %threeways %t | FileCheck %s
// The runtime holds no file descriptor the program can see or close: the program starts with the
// same descriptors, and after close_range or closing every descriptor up to the limit, fork, exec
// and wait still work and the child can still open a fresh stdout.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int countFds(void) {
  int n = 0;
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  while ((e = readdir(d)))
    n += e->d_name[0] != '.';
  closedir(d);
  return n - 1; // the directory's own descriptor
}

int main(int argc, char **argv) {
  if (argc > 1) { // the exec'd child: report what it got
    printf("exec'd child sees %d descriptors\n", countFds());
    return 0;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("at start: %d descriptors\n", countFds());
  int keep = dup(1);
  int r = (int)syscall(SYS_close_range, 3, ~0U, 0);
  printf("close_range: %d, now %d descriptors\n", r, countFds());
  dup2(1, keep); // a descriptor for the loop below to close
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  int closed = 0;
  pid_t pid = fork();
  if (pid == 0) {
    for (int fd = 0; fd < (int)rl.rlim_cur; ++fd)
      closed += close(fd) == 0;
    int out = open("/dev/null", O_WRONLY); // becomes fd 0
    pid_t grandchild = fork();
    if (grandchild == 0)
      _exit(out == 0 ? 0 : 8);
    int status;
    waitpid(grandchild, &status, 0);
    _exit(WEXITSTATUS(status) + (closed == 4 ? 0 : 100)); // 0, 1, 2 and keep
  }
  int status;
  waitpid(pid, &status, 0);
  printf("child closed every descriptor, forked and waited: exit %d\n", WEXITSTATUS(status));
  pid = fork();
  if (pid == 0) {
    syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
    execl(argv[0], argv[0], "child", (char *)NULL);
    _exit(127);
  }
  waitpid(pid, &status, 0);
  printf("exec after close_range(CLOEXEC): exit %d\n", WEXITSTATUS(status));
  return 0;
}
// CHECK: at start: [[N:[0-9]+]] descriptors
// CHECK-NEXT: close_range: 0, now 3 descriptors
// CHECK-NEXT: child closed every descriptor, forked and waited: exit 0
// CHECK-NEXT: exec'd child sees 3 descriptors
// CHECK-NEXT: exec after close_range(CLOEXEC): exit 0
// CHECK-NEXT: status: exit 0
