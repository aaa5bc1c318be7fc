// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 3 %procsan run -- %t remove 2> %t.err
// RUN: FileCheck --check-prefix=REMOVED %s < %t.err
// RUN: rm -rf %t.d && mkdir -p %t.d
// RUN: %python %inputs/expect_status.py 3 %procsan run -- %t %t.d 2> %t.err
// RUN: FileCheck --check-prefix=REMOVED %s < %t.err
// RUN: not ls %t.d/p*
// RUN: %python %inputs/expect_status.py 3 %procsan run -- %t keep 2> %t.err
// RUN: FileCheck --allow-empty --check-prefix=KEPT %s < %t.err
// A program that removes its session directory (or swaps it for a symlink to a directory of its
// own) keeps running normally, its children too, and its exit status passes through; procsan
// warns that the trace is lost, and no log is written through the symlink.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *s = getenv("PROCSAN_SESSION");
  if (!s || argc < 2)
    return 1;
  char cmd[8192];
  if (strcmp(argv[1], "remove") == 0)
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s);
  else if (strcmp(argv[1], "keep") != 0)
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' && ln -s '%s' '%s'", s, argv[1], s);
  else
    cmd[0] = 0;
  if (cmd[0] && system(cmd) != 0)
    return 1;
  for (int i = 0; i < 4; ++i) {
    pid_t pid = fork();
    if (pid == 0)
      _exit(0);
    int status;
    if (waitpid(pid, &status, 0) != pid || status != 0)
      return 1;
  }
  return 3;
}
// REMOVED: procsan run: warning: the session directory {{.*}} was removed or replaced while the program ran
// KEPT-NOT: warning
