// The part of APR's apr_errno.h and apr_thread_proc.h the tests need (same values).
#ifndef TEST_APR_MINI_H
#define TEST_APR_MINI_H
#include <sys/types.h>
typedef int apr_status_t;
typedef struct apr_pool_t apr_pool_t;
typedef struct apr_proc_t {
  pid_t pid;
  int in, out, err;
} apr_proc_t;
typedef enum { APR_WAIT, APR_NOWAIT } apr_wait_how_e;
typedef enum { APR_PROC_EXIT = 1, APR_PROC_SIGNAL = 2 } apr_exit_why_e;
#define APR_SUCCESS 0
#define APR_OS_START_ERROR 20000
#define APR_OS_ERRSPACE_SIZE 50000
#define APR_OS_START_STATUS (APR_OS_START_ERROR + APR_OS_ERRSPACE_SIZE)
#ifndef TEST_APR_OTHER_VALUES
#define APR_INCHILD (APR_OS_START_STATUS + 1)
#define APR_INPARENT (APR_OS_START_STATUS + 2)
#else // values another APR might give them: the analyzer reads them from the header
#define APR_INCHILD (APR_OS_START_STATUS + 21)
#define APR_INPARENT (APR_OS_START_STATUS + 22)
#endif
apr_status_t apr_proc_fork(apr_proc_t *proc, apr_pool_t *cont);
apr_status_t apr_proc_wait(apr_proc_t *proc, int *exitcode, apr_exit_why_e *exitwhy,
                           apr_wait_how_e waithow);
typedef struct apr_procattr_t apr_procattr_t;
typedef enum { APR_KILL_NEVER, APR_KILL_ALWAYS, APR_KILL_AFTER_TIMEOUT, APR_JUST_WAIT,
               APR_KILL_ONLY_ONCE } apr_kill_conditions_e;
#define APR_CHILD_DONE (APR_OS_START_STATUS + 5)
#define APR_CHILD_NOTDONE (APR_OS_START_STATUS + 6)
#define APR_PROC_CHECK_SIGNALED(x) (((x) & APR_PROC_SIGNAL) != 0)
apr_status_t apr_proc_create(apr_proc_t *new_proc, const char *progname,
                             const char *const *args, const char *const *env,
                             apr_procattr_t *attr, apr_pool_t *pool);
apr_status_t apr_proc_wait_all_procs(apr_proc_t *proc, int *exitcode, apr_exit_why_e *exitwhy,
                                     apr_wait_how_e waithow, apr_pool_t *p);
void apr_pool_note_subprocess(apr_pool_t *a, apr_proc_t *proc, apr_kill_conditions_e how);
apr_status_t apr_proc_kill(apr_proc_t *proc, int sig);
void *apr_pcalloc(apr_pool_t *p, unsigned long size);
#endif
