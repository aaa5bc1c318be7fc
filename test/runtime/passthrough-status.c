// RUN: %cc %s -o %t
// RUN: not %procsan run -- %t 7 2>&1 | FileCheck --check-prefix=EXIT %s
// RUN: %python %inputs/expect_status.py 0 %procsan run -- %t 0
// RUN: %python %inputs/expect_status.py 7 %procsan run -- %t 7
// RUN: %python %inputs/expect_status.py sig:SIGTERM %procsan run -- %t kill
// RUN: echo from-stdin | %procsan run -- %t cat | FileCheck --check-prefix=STDIN %s
// RUN: not %procsan run -- /nonexistent/program 2>&1 | FileCheck --check-prefix=MISSING %s
// The program's exit status, its death by signal, and its stdio pass through procsan unchanged.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "kill") == 0)
    raise(SIGTERM);
  if (argc > 1 && strcmp(argv[1], "cat") == 0) {
    char buf[64];
    while (fgets(buf, sizeof(buf), stdin))
      fputs(buf, stdout);
    return 0;
  }
  fprintf(stderr, "exiting with %s\n", argc > 1 ? argv[1] : "0");
  return argc > 1 ? atoi(argv[1]) : 0;
}
// EXIT: exiting with 7
// EXIT-NOT: procsan
// STDIN: from-stdin
// MISSING: procsan run: error: cannot run '/nonexistent/program': No such file or directory
