// The end of every fatal path: flushes and exits (no noreturn attribute anywhere).
#include <stdio.h>
#include <stdlib.h>

int xfunc_error_retval = 1;

void xfunc_die(void) {
  fflush(stdout);
  exit(xfunc_error_retval);
}
