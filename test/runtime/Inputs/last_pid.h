// Sets the last pid the kernel handed out in this pid namespace, so the next fork gets
// `last + 1` if it is free (root with CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE). 0 on success.
#ifndef PROCSAN_TEST_LAST_PID_H
#define PROCSAN_TEST_LAST_PID_H
#include <stdio.h>
#include <sys/types.h>

static int setLastPid(pid_t last) {
  FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "w");
  if (!f)
    return -1;
  int ok = fprintf(f, "%d", (int)last) > 0;
  return fclose(f) == 0 && ok ? 0 : -1;
}
#endif
