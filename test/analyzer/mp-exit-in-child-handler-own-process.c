// RUN: %procsan check --checks='-*,mp-exit-in-child' %s -- 2>&1 | FileCheck --allow-empty --check-prefix=OWN %s
// RUN: %procsan check --checks='-*,mp-exit-in-child' %s -- -DEARLY_RETURN 2>&1 | FileCheck --allow-empty --check-prefix=OWN %s
// RUN: not %procsan check --checks='-*,mp-exit-in-child' %s -- -DANY_PROCESS 2>&1 | FileCheck --check-prefix=ANY %s
// A pid file's cleanup registered with atexit() that removes the file only in the process that
// wrote it (it compares getpid() with the pid it recorded) does nothing in a forked child: the
// child's exit() runs it harmlessly. The same handler without the pid test removes the parent's
// pid file from under it.
// OWN-NOT: warning:
// ANY: warning: exit() in the child of fork() runs the parent's atexit handlers
// ANY: note: an exit handler registered at mp-exit-in-child-handler-own-process.c:{{[0-9]+}}
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static const char *pid_path;
static pid_t pid_owner;

static void remove_pid_file(void) {
#if defined(ANY_PROCESS)
  if (pid_path != NULL)
    unlink(pid_path);
#elif defined(EARLY_RETURN)
  if (pid_path == NULL || pid_owner != getpid())
    return;
  unlink(pid_path);
#else
  if (pid_path != NULL && pid_owner == getpid())
    unlink(pid_path);
#endif
}

static int write_pid_file(const char *path) {
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  fprintf(f, "%d\n", (int)getpid());
  fclose(f);
  pid_path = path;
  pid_owner = getpid();
  return atexit(remove_pid_file);
}

static void serve(int n) { (void)n; }

int main(void) {
  if (write_pid_file("/run/example.pid") != 0)
    return 1;
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    serve(0);
    exit(0);
  }
  serve(1);
  return 0;
}
