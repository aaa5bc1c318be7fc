// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: %python %inputs/expect_status.py 0 %procsan run --keep-session -- %t first-arg 2> %t.err
// RUN: FileCheck --check-prefix=STDERR %s < %t.err
// RUN: %python %inputs/with_session.py %t.err %python %inputs/expect_status.py 1 %procsan report SESSION --output=%t.txt
// RUN: FileCheck --check-prefix=TEXT %s < %t.txt
// RUN: %python %inputs/with_session.py %t.err %python %inputs/expect_status.py 1 %procsan report SESSION --format=json --output=%t.json
// RUN: FileCheck --check-prefix=JSON %s < %t.json
// RUN: %python %inputs/with_session.py %t.err %python %inputs/expect_status.py 0 %procsan report SESSION --rules=mp-unreaped-child --remove-session
// RUN: %python %inputs/with_session.py %t.err %python %inputs/expect_status.py 2 %procsan report SESSION
// A kept session re-renders the run's findings, command line and exit status (the message
// quotes it); --rules filters them; --remove-session deletes it, after which it is reported as missing.
#include <sys/wait.h>
#include <unistd.h>

static void crash_worker(volatile int *p) { *p = 1; }

int main(void) {
  pid_t pid = fork();
  if (pid == 0) {
    crash_worker(NULL);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  return 0;
}
// STDERR: procsan: error: process {{[0-9]+}} ({{.*}}) killed by SIGSEGV {{.*}}[mp-lost-crash]
// STDERR: procsan run: trace kept in {{.*}}procsan-

// TEXT: procsan: error: process {{[0-9]+}} ({{.*}}) killed by SIGSEGV but the program exited with status 0 [mp-lost-crash]
// TEXT-NEXT: SIGSEGV on address 0x0 in process
// TEXT-NEXT: #0 0x{{[0-9a-f]+}} in crash_worker {{.*}}report-session-rerender.c:16
// TEXT: procsan: 1 finding

// JSON: "command": [
// JSON-NEXT: "{{.*}}report-session-rerender.c.tmp",
// JSON-NEXT: "first-arg"
// JSON: "exit_status": 0
// JSON: "rule": "mp-lost-crash"
