// RUN: %cc %s -o %t
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: printf '#!/bin/sh\necho "script got $1"\nexit 5\n' > %t.dir/script.sh && chmod +x %t.dir/script.sh
// RUN: printf 'echo no interpreter line\nexit 6\n' > %t.dir/noshebang && chmod +x %t.dir/noshebang
// RUN: %threeways %t %t.dir | FileCheck %s
// exec and spawn in every shape: vfork+exec, posix_spawn with file actions, exec of a missing
// file from a vfork child, exec into a shell script (with and without #!), into a different
// program, and execvp's ENOEXEC fallback to /bin/sh. A program exec'd with an environment of the
// caller's choosing sees exactly that environment (the runtime re-injects itself, then hides).
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void describe(const char *label, int status) {
  if (WIFSIGNALED(status))
    printf("%s: killed by %s\n", label, sigabbrev_np(WTERMSIG(status)));
  else
    printf("%s: exit %d\n", label, WEXITSTATUS(status));
}

int main(int argc, char **argv) {
  (void)argc;
  setvbuf(stdout, NULL, _IONBF, 0);
  char script[4096], noshebang[4096];
  snprintf(script, sizeof(script), "%s/script.sh", argv[1]);
  snprintf(noshebang, sizeof(noshebang), "%s/noshebang", argv[1]);
  int status;

  pid_t pid = vfork();
  if (pid == 0) {
    execl("/bin/echo", "echo", "vfork child ran echo", (char *)NULL);
    _exit(127);
  }
  waitpid(pid, &status, 0);
  describe("vfork+exec echo", status);

  pid = vfork();
  if (pid == 0) {
    execl("/nonexistent/program", "x", (char *)NULL);
    _exit(127);
  }
  waitpid(pid, &status, 0);
  describe("vfork+exec missing", status);

  pid = fork();
  if (pid == 0) {
    execl(script, "script.sh", "an argument", (char *)NULL);
    _exit(127);
  }
  waitpid(pid, &status, 0);
  describe("exec script", status);

  pid = fork();
  if (pid == 0) {
    execl(noshebang, "noshebang", (char *)NULL);
    _exit(126); // execve gives ENOEXEC for a script without #!
  }
  waitpid(pid, &status, 0);
  describe("execl script without #!", status);

  pid = fork();
  if (pid == 0) {
    char *args[] = {noshebang, NULL};
    execvp(noshebang, args); // execvp runs it with /bin/sh
    _exit(126);
  }
  waitpid(pid, &status, 0);
  describe("execvp script without #!", status);

  pid = fork();
  if (pid == 0) {
    execlp("sh", "sh", "-c", "echo shell says $((6*7)); exit 3", (char *)NULL);
    _exit(127);
  }
  waitpid(pid, &status, 0);
  describe("exec sh -c", status);

  pid = fork();
  if (pid == 0) {
    char *env[] = {"ONLY=this", NULL};
    execle("/usr/bin/env", "env", (char *)NULL, env);
    _exit(127);
  }
  waitpid(pid, &status, 0);
  describe("execle env with its own environment", status);

  pid = fork();
  if (pid == 0) {
    char *env[] = {"LD_PRELOAD=", "ALSO=that", NULL}; // the program's own (empty) preload list
    execle("/usr/bin/env", "env", (char *)NULL, env);
    _exit(127);
  }
  waitpid(pid, &status, 0);
  describe("execle env with its own LD_PRELOAD", status);

  // posix_spawn with a pipe as the child's stdout.
  int p[2];
  pipe(p);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_addclose(&fa, p[0]);
  posix_spawn_file_actions_addclose(&fa, p[1]);
  char *echoArgs[] = {"echo", "through the pipe", NULL};
  pid_t sp;
  int rc = posix_spawnp(&sp, "echo", &fa, NULL, echoArgs, environ);
  close(p[1]);
  char buf[128] = {0};
  ssize_t n = read(p[0], buf, sizeof(buf) - 1);
  close(p[0]);
  waitpid(sp, &status, 0);
  printf("posix_spawnp rc=%d read %zd bytes: %s", rc, n, buf);
  describe("posix_spawnp echo", status);
  char *scriptArgs[] = {"script.sh", "spawned", NULL};
  rc = posix_spawn(&sp, script, NULL, NULL, scriptArgs, environ);
  waitpid(sp, &status, 0);
  describe("posix_spawn script", status);
  fflush(stdout);

  // Finally this process becomes another program.
  execl("/bin/sh", "sh", "-c", "echo replaced by sh; exit 9", (char *)NULL);
  return 1;
}
// CHECK: vfork child ran echo
// CHECK-NEXT: vfork+exec echo: exit 0
// CHECK-NEXT: vfork+exec missing: exit 127
// CHECK-NEXT: script got an argument
// CHECK-NEXT: exec script: exit 5
// CHECK-NEXT: execl script without #!: exit 126
// CHECK-NEXT: no interpreter line
// CHECK-NEXT: execvp script without #!: exit 6
// CHECK-NEXT: shell says 42
// CHECK-NEXT: exec sh -c: exit 3
// CHECK-NEXT: ONLY=this
// CHECK-NEXT: execle env with its own environment: exit 0
// CHECK-NEXT: LD_PRELOAD={{$}}
// CHECK-NEXT: ALSO=that
// CHECK-NEXT: execle env with its own LD_PRELOAD: exit 0
// CHECK-NEXT: posix_spawnp rc=0 read 17 bytes: through the pipe
// CHECK-NEXT: posix_spawnp echo: exit 0
// CHECK-NEXT: script got spawned
// CHECK-NEXT: posix_spawn script: exit 5
// CHECK-NEXT: replaced by sh
// CHECK-NEXT: status: exit 9
