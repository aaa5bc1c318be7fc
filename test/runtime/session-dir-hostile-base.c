// RUN: %cc %s -o %t
// RUN: rm -rf %t.d && mkdir -p %t.d/open %t.d/sticky && chmod 0777 %t.d/open && chmod 1777 %t.d/sticky
// RUN: env PROCSAN_TMPDIR=%t.d/open %procsan run -- %t %t.d 2> %t.err | FileCheck --check-prefix=ELSEWHERE %s
// RUN: FileCheck --check-prefix=OPEN %s < %t.err
// RUN: env PROCSAN_TMPDIR=%t.d/missing %procsan run -- %t %t.d 2> %t.err | FileCheck --check-prefix=ELSEWHERE %s
// RUN: FileCheck --check-prefix=MISSING %s < %t.err
// RUN: env PROCSAN_TMPDIR=%t.d/sticky %procsan run -- %t %t.d 2> %t.err | FileCheck --check-prefix=INSIDE %s
// RUN: FileCheck --allow-empty --check-prefix=QUIET %s < %t.err
// A PROCSAN_TMPDIR that others could tamper with (writable by all, not sticky) or that does not
// exist is not used: procsan says so and keeps the trace in the next usable place; the program
// runs traced either way. A sticky shared directory (like /tmp) is fine.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  const char *s = getenv("PROCSAN_SESSION");
  if (!s)
    return 1;
  printf("%s\n", strncmp(s, argv[1], strlen(argv[1])) == 0 ? "inside" : "elsewhere");
  return 0;
}
// ELSEWHERE: elsewhere
// INSIDE: inside
// OPEN: procsan run: warning: not keeping the trace in PROCSAN_TMPDIR={{.*}}open: writable by others without the sticky bit
// MISSING: procsan run: warning: not keeping the trace in PROCSAN_TMPDIR={{.*}}missing: No such file or directory
// QUIET-NOT: warning
