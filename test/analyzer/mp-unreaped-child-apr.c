// RUN: not %procsan check --checks='-*,mp-unreaped-child' %s -- -I%S/Inputs/apr-mini 2>&1 | FileCheck %s
// RUN: %procsan check --checks='-*,mp-unreaped-child' %s -- -I%S/Inputs/apr-mini -DREAPS_ANY 2>&1 | FileCheck %s --allow-empty --check-prefix=ANY
// APR programs keep a child in an apr_proc_t (apr_proc_fork, apr_proc_create) and reap it with
// apr_proc_wait, or give it to a pool with apr_pool_note_subprocess so the pool's cleanup reaps
// it. A child recorded in a local apr_proc_t that goes to neither stays a zombie. Not reported:
// waited for (by the apr_proc_t or by its pid), noted to the pool, the apr_proc_t handed to
// another function or to the caller, a parent that leaves at once, a program that collects any
// child (apr_proc_wait_all_procs).
#include <apr_thread_proc.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

void serve(void);
void remember(apr_proc_t *proc);

int run_filter(const char *const *argv, apr_procattr_t *attr, apr_pool_t *pool) {
  apr_proc_t proc;
  int code = 0;
  apr_exit_why_e why;
  if (apr_proc_create(&proc, argv[0], argv, NULL, attr, pool) != APR_SUCCESS)
    return -1;
  apr_proc_wait(&proc, &code, &why, APR_WAIT);
  return code;
}

int run_noted(const char *const *argv, apr_procattr_t *attr, apr_pool_t *pool) {
  apr_proc_t *procnew = apr_pcalloc(pool, sizeof(*procnew));
  if (apr_proc_create(procnew, argv[0], argv, NULL, attr, pool) != APR_SUCCESS)
    return -1;
  apr_pool_note_subprocess(pool, procnew, APR_KILL_AFTER_TIMEOUT);
  return procnew->out;
}

int run_by_pid(const char *const *argv, apr_procattr_t *attr, apr_pool_t *pool) {
  apr_proc_t proc;
  int status = 0;
  if (apr_proc_create(&proc, argv[0], argv, NULL, attr, pool) != APR_SUCCESS)
    return -1;
  waitpid(proc.pid, &status, 0);
  return status;
}

void run_remembered(const char *const *argv, apr_procattr_t *attr, apr_pool_t *pool) {
  apr_proc_t proc;
  if (apr_proc_create(&proc, argv[0], argv, NULL, attr, pool) == APR_SUCCESS)
    remember(&proc); // a table of children, reaped where this file cannot see
}

void run_for_caller(apr_proc_t *proc, const char *const *argv, apr_procattr_t *attr,
                    apr_pool_t *pool) {
  apr_proc_create(proc, argv[0], argv, NULL, attr, pool);
}

void detach(apr_pool_t *pool) {
  apr_proc_t proc;
  apr_status_t rv = apr_proc_fork(&proc, pool);
  if (rv == APR_INPARENT)
    _exit(0); // the daemon's original parent leaves: init adopts the child
  if (rv == APR_INCHILD)
    serve();
}

// Close positives: the apr_proc_t only has its fields read.
int run_and_forget(const char *const *argv, apr_procattr_t *attr, apr_pool_t *pool) {
  apr_proc_t proc;
  if (apr_proc_create(&proc, argv[0], argv, NULL, attr, pool) != APR_SUCCESS)
    return -1;
  // CHECK: mp-unreaped-child-apr.c:[[@LINE-2]]:7: warning: the child process made by apr_proc_create() is never waited for
  // CHECK: note: it is recorded in 'proc', which is never given to apr_proc_wait() or apr_pool_note_subprocess()
  printf("started %d\n", (int)proc.pid);
  return proc.out;
}

void fork_worker(apr_pool_t *pool) {
  apr_proc_t *proc = apr_pcalloc(pool, sizeof(*proc));
  apr_status_t rv = apr_proc_fork(proc, pool);
  // CHECK: mp-unreaped-child-apr.c:[[@LINE-1]]:21: warning: the child process made by apr_proc_fork() is never waited for
  if (rv == APR_INCHILD) {
    serve();
    _exit(0);
  }
  if (rv == APR_INPARENT)
    kill(proc->pid, SIGTERM); // signalled, never collected
}
// CHECK-NOT: warning:

#ifdef REAPS_ANY
// The program sweeps up any ended child: every child above is reaped.
void sweep(apr_pool_t *pool) {
  apr_proc_t proc;
  while (apr_proc_wait_all_procs(&proc, NULL, NULL, APR_NOWAIT, pool) == APR_CHILD_DONE)
    ;
}
#endif
// ANY-NOT: warning:
