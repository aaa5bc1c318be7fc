// RUN: not %procsan check --checks='-*,mp-child-fallthrough' %s -- 2>&1 | FileCheck %s
// A daemon whose launcher and manager share main's tail: after the fork, the launcher records
// its role (`state.flags |= LAUNCHER`) and both go on into the same event loop and cleanup,
// which test that flag to do each one's part. Code written for both processes is not the
// parent's code. Reported (the close positive): the same shape with a tail that tests nothing
// either process recorded, and reaps children as if it were the parent.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define LAUNCHER 1
#define STARTED 2

struct state {
  int flags;
  int notify_fd;
};

int event_loop(struct state *st);
void tell_launcher(int fd, int status);
void cleanup(struct state *st);

int main(int argc, char **argv) {
  struct state st = {0, -1};
  int fds[2], rc;
  if (argc > 1 && pipe(fds) == -1)
    return 1;
  switch (fork()) {
  case -1:
    perror("fork");
    goto failure;
  case 0:
    st.notify_fd = fds[1];
    close(fds[0]);
    if (setsid() == -1)
      goto failure;
    st.flags |= STARTED;
    break;
  default:
    st.flags |= LAUNCHER;
    st.notify_fd = fds[0];
    close(fds[1]);
    goto run;
  }
run:
  rc = event_loop(&st);
  if (rc < 0)
    goto failure;
  goto out;
failure:
  rc = EXIT_FAILURE;
out:
  if ((st.flags & STARTED) && !(st.flags & LAUNCHER))
    tell_launcher(st.notify_fd, rc);
  cleanup(&st);
  return rc;
}

// Close positive: nothing recorded, nothing tested; the tail reaps as the parent would.
int run_jobs(int n) {
  int failed = 0;
  for (int i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid < 0)
      return -1;
    if (pid == 0) {
      printf("job %d\n", i);
      break;
      // CHECK: mp-child-fallthrough-role-flag-shared-tail.c:[[@LINE-2]]:7: warning: the child process runs on into code the parent also runs
    }
  }
  int status;
  while (wait(&status) > 0)
    failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  return failed;
}
// CHECK-NOT: warning:
