// RUN: not %procsan check --checks='-*,mp-unchecked-child-status' %s -- -I%S/Inputs/apr-mini 2>&1 | FileCheck %s
// apr_proc_wait hands the child's end in two parts: the exit code and why it ended (exit or
// signal). A wait whose both parts are thrown away or never read loses a crash. Not reported:
// either part examined, the child killed on purpose first, a sweep that only collects
// (apr_proc_wait_all_procs with APR_NOWAIT), a non-blocking probe asking only whether the child
// is still there.
#include <apr_thread_proc.h>
#include <signal.h>
#include <stddef.h>

int run_checked(apr_proc_t *proc) {
  int code = 0;
  apr_exit_why_e why;
  apr_proc_wait(proc, &code, &why, APR_WAIT);
  return code == 0 && !APR_PROC_CHECK_SIGNALED(why);
}

int run_code_only(apr_proc_t *proc) {
  int code = 0;
  apr_proc_wait(proc, &code, NULL, APR_WAIT);
  return code;
}

void stop_helper(apr_proc_t *proc) {
  apr_proc_kill(proc, SIGTERM);
  apr_proc_wait(proc, NULL, NULL, APR_WAIT);
}

void sweep(apr_pool_t *pool) {
  apr_proc_t proc;
  while (apr_proc_wait_all_procs(&proc, NULL, NULL, APR_NOWAIT, pool) == APR_CHILD_DONE)
    ;
}

// A cleanup asking whether each child is still there: the status is refused on purpose.
void dispose(apr_proc_t **procs, int n, int *kill_them) {
  for (int i = 0; i < n; ++i)
    if (apr_proc_wait(procs[i], NULL, NULL, APR_NOWAIT) != APR_CHILD_NOTDONE)
      kill_them[i] = 0;
}

// Close positives.
int finish_blocking(apr_proc_t *proc) {
  return apr_proc_wait(proc, NULL, NULL, APR_WAIT) == APR_CHILD_DONE;
  // CHECK: mp-unchecked-child-status-apr.c:[[@LINE-1]]:10: warning: apr_proc_wait() discards the child's exit status
}

void finish(apr_proc_t *proc) {
  apr_proc_wait(proc, NULL, NULL, APR_WAIT);
  // CHECK: mp-unchecked-child-status-apr.c:[[@LINE-1]]:3: warning: apr_proc_wait() discards the child's exit status: a child that crashes or fails goes unnoticed; test the exit code and exitwhy (APR_PROC_CHECK_SIGNALED)
}

apr_status_t finish_rv(apr_proc_t *proc) {
  int code = 0;
  apr_exit_why_e why;
  apr_status_t rv = apr_proc_wait(proc, &code, &why, APR_WAIT);
  // CHECK: mp-unchecked-child-status-apr.c:[[@LINE-1]]:21: warning: the status apr_proc_wait() stores is never examined
  return rv == APR_CHILD_DONE ? APR_SUCCESS : rv; // done, but how?
}
// CHECK-NOT: warning:
