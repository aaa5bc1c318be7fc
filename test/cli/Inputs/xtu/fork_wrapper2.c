// A wrapper of the wrapper in fork_wrappers.c.
#include <sys/types.h>

pid_t spawn(void);

pid_t spawn_logged(void) {
  pid_t pid = spawn();
  return pid;
}
