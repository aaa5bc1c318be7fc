// REQUIRES: symbolizer
// RUN: %cc %s -o %t
// RUN: %procsan run --rules=mp-leaked-ipc --cleanup -- %t 2>&1 | FileCheck %s
// RUN: %procsan run --rules=mp-leaked-ipc -- %t rmid 2>&1 | FileCheck --check-prefix=NONE %s
// A worker creates two SysV shared memory segments; the parent removes one with IPC_RMID after
// detaching. The other stays in the system after every process is gone. With "rmid" both are
// removed: nothing to report.
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static int make_segment(void) { return shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600); }

int main(int argc, char **argv) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    int ids[2] = {make_segment(), make_segment()};
    void *p = shmat(ids[0], NULL, 0);
    shmdt(p);
    write(fds[1], ids, sizeof(ids));
    _exit(0);
  }
  int ids[2];
  read(fds[0], ids, sizeof(ids));
  waitpid(pid, NULL, 0);
  printf("kept %d\n", ids[1]);
  fflush(stdout);
  shmctl(ids[0], IPC_RMID, NULL);
  if (argc > 1 && strcmp(argv[1], "rmid") == 0)
    shmctl(ids[1], IPC_RMID, NULL);
  return 0;
}
// CHECK: kept [[ID:[0-9]+]]
// CHECK: procsan run: removed leaked SysV shared memory segment [[ID]]
// CHECK: procsan: warning: SysV shared memory segment [[ID]] (key IPC_PRIVATE, 8192 bytes) created by process {{[0-9]+}} ({{.*}}) still exists after the program ended: nobody removed it with shmctl(IPC_RMID) [mp-leaked-ipc]
// CHECK-NEXT: created here
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_segment {{.*}}mp-leaked-ipc-sysv.c:14
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}mp-leaked-ipc-sysv.c:21
// CHECK-NOT: SysV shared memory segment
// CHECK: procsan: 1 finding
// NONE: kept
// NONE-NOT: mp-leaked-ipc
