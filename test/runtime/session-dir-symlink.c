// RUN: %cc %s -o %t
// RUN: rm -rf %t.d && mkdir -p %t.d/real %t.d/open && chmod 0700 %t.d/real && chmod 0755 %t.d/open
// RUN: ln -s real %t.d/link
// RUN: env LD_PRELOAD=%rtlib PROCSAN_SESSION=%t.d/link %t
// RUN: not ls %t.d/real/p*
// RUN: env LD_PRELOAD=%rtlib PROCSAN_SESSION=%t.d/open %t
// RUN: not ls %t.d/open/p*
// RUN: env LD_PRELOAD=%rtlib PROCSAN_SESSION=%t.d/real %t
// RUN: ls %t.d/real | FileCheck --check-prefix=LOGS %s
// The runtime writes its logs only into a private directory of this user's, reached without a
// symlink: a session path that is a symlink, or a directory others may read, gets no logs (the
// program runs untraced). The same directory named directly and private gets them.
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  waitpid(pid, 0, 0);
  return 0;
}
// LOGS: p{{[0-9]+}}.0.log
// LOGS: p{{[0-9]+}}.0.log
