// RUN: %cc %s -o %t
// RUN: %procsan run --format=json --output=%t.json -- %t 2>&1 | FileCheck %s
// RUN: FileCheck --check-prefix=JSON %s < %t.json
// Eight workers die the same way at the same place and nobody reaps them: the text report opens
// with a table of rules, shows the finding once with how often and where it happened, and the
// JSON report keeps every occurrence. A finding at another place is shown on its own.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void fail_at_same_place(void) { abort(); }
static void fail_elsewhere(void) { raise(SIGTERM); }

int main(void) {
  for (int i = 0; i < 8; ++i)
    if (fork() == 0)
      fail_at_same_place();
  if (fork() == 0)
    fail_elsewhere();
  sleep(1);
  return 0;
}
// CHECK: procsan: 9 findings; by rule:
// CHECK-NEXT: mp-lost-crash 9 (2 places)
// CHECK: killed by SIGABRT{{.*}} and nobody in the program reaped it [mp-lost-crash]
// CHECK: (8 times at the same place in all, in processes {{[0-9]+(, [0-9]+)+}}; the JSON report lists each)
// CHECK-NOT: killed by SIGABRT
// CHECK: killed by SIGTERM{{.*}} [mp-lost-crash]
// CHECK-NOT: killed by SIGABRT
// CHECK: procsan: 9 findings
// JSON-COUNT-9: "rule": "mp-lost-crash"
