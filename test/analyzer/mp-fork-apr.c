// RUN: not %procsan check --checks='-*,mp-unchecked-fork,mp-child-fallthrough,mp-fork-in-loop,mp-unreaped-child' %s -- -I%S/Inputs/apr-mini 2>&1 | FileCheck %s
// RUN: not %procsan check --checks='-*,mp-unchecked-fork,mp-child-fallthrough,mp-fork-in-loop,mp-unreaped-child' %s -- -I%S/Inputs/apr-mini -DTEST_APR_OTHER_VALUES 2>&1 | FileCheck %s
// APR's apr_proc_fork() is fork() for APR programs: APR_INCHILD in the child, APR_INPARENT in the
// parent, an errno when it fails; the pid goes into the apr_proc_t. The fork-site model knows
// those values (as the program's apr_errno.h defines them), so the checks reason about APR
// children as about fork()'s. How the apr_proc_t is reaped (apr_proc_wait) is
// mp-unreaped-child-apr.c's subject.
#include <apr_thread_proc.h>
#include <unistd.h>

void serve(void);
void log_failure(apr_status_t rv);

// Every outcome told apart, the child ends with _exit: quiet.
apr_status_t start_worker(apr_proc_t *proc, apr_pool_t *pool) {
  apr_status_t rv = apr_proc_fork(proc, pool);
  if (rv == APR_INCHILD) {
    serve();
    _exit(0);
  }
  if (rv != APR_INPARENT)
    log_failure(rv);
  return rv;
}

void start_switch(apr_proc_t *proc, apr_pool_t *pool) {
  switch (apr_proc_fork(proc, pool)) {
  case APR_INCHILD:
    serve();
    _exit(0);
  case APR_INPARENT:
    break;
  default:
    log_failure(-1);
  }
}

// The child is not ended: it logs a failure (its status is not APR_INPARENT) and returns into
// the parent's caller.
void start_and_forget(apr_proc_t *proc, apr_pool_t *pool) {
  apr_status_t rv = apr_proc_fork(proc, pool);
  if (rv == APR_INCHILD) {
    serve();
  }
  if (rv != APR_INPARENT)
    log_failure(rv);
  // CHECK: mp-fork-apr.c:[[@LINE-1]]:5: warning: the child process returns from 'start_and_forget' into its caller's code, which the parent runs too
  // CHECK: :[[@LINE-7]]:21: note: child of this apr_proc_fork()
}

// A failed fork goes down the parent's branch.
void start_two_way(apr_proc_t *proc, apr_pool_t *pool) {
  if (apr_proc_fork(proc, pool) == APR_INCHILD) {
    // CHECK: mp-fork-apr.c:[[@LINE-1]]:7: warning: when apr_proc_fork() fails, the else branch runs as if a child had started; the status is not kept, so nothing notices the failure (test for APR_INPARENT too)
    // CHECK: note: the branch a failure takes
    serve();
    _exit(0);
  } else {
    int code;
    apr_exit_why_e why;
    apr_proc_wait(proc, &code, &why, APR_WAIT);
  }
}

// The status thrown away: both processes run what follows.
void start_blind(apr_proc_t *proc, apr_pool_t *pool) {
  apr_proc_fork(proc, pool);
  // CHECK: mp-fork-apr.c:[[@LINE-1]]:3: warning: result of apr_proc_fork() is discarded: parent and child both run the code that follows
  serve();
}
// CHECK-NOT: warning:
