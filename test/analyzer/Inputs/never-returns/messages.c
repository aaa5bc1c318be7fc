// Message helpers: the *_and_die ones end in xfunc_die(), defined in another file.
#include <stdio.h>

void xfunc_die(void);

void msg_and_die(const char *what) {
  perror(what);
  xfunc_die();
}

void msg_only(const char *what) { perror(what); }
