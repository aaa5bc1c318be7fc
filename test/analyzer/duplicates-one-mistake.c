// RUN: not %procsan check --checks='-*,mp-fork-in-loop,mp-unchecked-fork' %s -- 2>&1 | FileCheck --implicit-check-not='warning:' %s
// RUN: not %procsan check --checks='-*,mp-unchecked-fork' %s -- 2>&1 | FileCheck --check-prefix=ALONE %s
// RUN: not %procsan check --checks='-*,mp-fork-in-loop,mp-unreaped-child' %s -- 2>&1 | FileCheck --check-prefix=TWO %s
// RUN: not %procsan check --checks='-*,mp-fork-in-loop,mp-unchecked-fork' --format=json %s -- 2>/dev/null | FileCheck --check-prefix=JSON %s
// One mistake, one finding: when two rules fire on the same line for the same mistake, the more
// specific one is kept and names the other in a note. Disabling or suppressing the specific rule
// brings the other back.
#include <unistd.h>

void work(void);

void spawn_many(int n) {
  for (int i = 0; i < n; i++)
    fork();
  // CHECK: one-mistake.c:[[@LINE-1]]:5: warning: the child process stays in the loop and calls fork() again{{.*}}[mp-fork-in-loop]
  // CHECK: :[[@LINE-2]]:5: note: also mp-unchecked-fork here, for the same mistake: result of fork() is discarded
  // ALONE: one-mistake.c:[[@LINE-3]]:5: warning: result of fork() is discarded{{.*}}[mp-unchecked-fork]
  // JSON: "rule": "mp-fork-in-loop"
  // JSON-NOT: "rule":
  // JSON: "message": "also mp-unchecked-fork here, for the same mistake
  // JSON-NOT: "rule":
}

void spawn_many_suppressed(int n) {
  for (int i = 0; i < n; i++)
    fork(); // NOLINT(mp-fork-in-loop)
  // CHECK: one-mistake.c:[[@LINE-1]]:5: warning: result of fork() is discarded{{.*}}[mp-unchecked-fork]
  // ALONE: one-mistake.c:[[@LINE-2]]:5: warning: result of fork() is discarded
  // JSON: "rule": "mp-unchecked-fork"
  // JSON-NEXT: "severity"
  // JSON-NEXT: "message"
  // JSON-NEXT: "location"
  // JSON-NEXT: "file"
  // JSON-NEXT: "line": [[@LINE-8]]
}

// Two mistakes on one line stay two findings: the child forks again, and nobody waits for it.
void spawn_unwaited(int n) {
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    // TWO: one-mistake.c:[[@LINE-1]]:17: warning: the child process stays in the loop{{.*}}[mp-fork-in-loop]
    // TWO: one-mistake.c:[[@LINE-2]]:17: warning: the child process made by fork() is never waited for{{.*}}[mp-unreaped-child]
    // CHECK: one-mistake.c:[[@LINE-3]]:17: warning: the child process stays in the loop{{.*}}[mp-fork-in-loop]
    if (pid > 0)
      work();
  }
}
