// Project helpers: die() never returns; warn_and_go_on() does.
#include <stdio.h>
#include <unistd.h>

void die(const char *why) {
  fputs(why, stderr);
  _exit(1);
}

void warn_and_go_on(const char *why) { fputs(why, stderr); }
