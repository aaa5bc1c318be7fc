// RUN: not %procsan check --checks='-*,mp-child-fallthrough' %s -- 2>&1 | FileCheck %s
// A fork-like library function that returns 0 in both processes and records which one it is in
// the object the caller passed (`s->owner = getpid()` in the child); the caller asks a
// predicate that reads that field and sends the processes their ways. The child's return is
// the API working as designed. Reported (the close positive): a function whose processes both
// return 0 and record nothing the caller could tell them apart by.
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

struct session {
  pid_t owner; // 0 in the process that made the session
  pid_t children[16];
  int nchildren;
};

int session_fork(struct session *s) {
  pid_t pid = fork();
  switch (pid) {
  case -1:
    return -1;
  case 0:
    s->owner = getpid();
    s->nchildren = 0;
    break;
  default:
    s->children[s->nchildren++] = pid;
    break;
  }
  return 0;
}

int session_is_parent(const struct session *s) { return s->owner == 0; }

int serve(struct session *s);

int run_session(struct session *s) {
  if (session_fork(s))
    return -1;
  if (session_is_parent(s))
    return 0;
  _exit(serve(s));
}

// Close positive: both processes return 0, and nothing tells them apart afterwards.
int spawn_helper(struct session *s) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    s->nchildren = 0;
    return 0;
    // CHECK: mp-child-fallthrough-role-in-field.c:[[@LINE-1]]:5: warning: the child process returns from 'spawn_helper' into its caller's code
  }
  s->children[s->nchildren++] = pid;
  return 0;
}
// Close positive: the parent keeps the child's pid where callers look (bookkeeping, not a role
// the child records), and the child returns like the parent.
struct job {
  pid_t pid;
};
int job_running(const struct job *j) { return j->pid != 0; }
void prepare(void);

int start_job(struct job *j) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    prepare();
    return 0;
    // CHECK: mp-child-fallthrough-role-in-field.c:[[@LINE-1]]:5: warning: the child process returns from 'start_job' into its caller's code
  }
  j->pid = pid;
  return 0;
}
// CHECK-NOT: warning:
