// RUN: %cc %s -o %t
// RUN: %procsan run -- %t 2>&1 | FileCheck %s
// RUN: %procsan run --format=json --output=%t.json -- %python %S/Inputs/subprocess_empty_env.py %t
// RUN: FileCheck --check-prefix=PY %s < %t.json
// A child exec'd with an empty environment (env -i style) stays traced: its crash is reported
// (C, status dropped), and its own log records the abort() (Python's subprocess keeps the status,
// so that crash was noticed: the JSON process list shows what the traced child recorded).
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "crash") == 0)
    abort();
  pid_t pid = fork();
  if (pid == 0) {
    char *args[] = {argv[0], "crash", NULL};
    char *empty[] = {NULL};
    execve(argv[0], args, empty);
    _exit(127);
  }
  waitpid(pid, NULL, 0);
  return 0;
}
// CHECK: procsan: error: process {{[0-9]+}} ({{.*}} crash) killed by SIGABRT
// PY: "crash"
// PY-NEXT: ],
// PY-NEXT: "traced": true,
// PY: "signal": "SIGABRT",
// PY-NEXT: "sender": {
// PY-NEXT: "call": "abort()",
