// RUN: %cc %s -o %t
// RUN: rm -rf %t.ld && mkdir %t.ld
// RUN: env LD_DEBUG=files LD_DEBUG_OUTPUT=%t.ld/log %procsan run -- %t
// RUN: cat %t.ld/log.* | FileCheck %s --implicit-check-not=libprocsan-llvm --implicit-check-not=libLLVM --implicit-check-not=libclang
// A clean tree (its fork took a stack, nothing was reported) never loads libprocsan-llvm.so:
// LLVM is loaded only to name the frames of a report. The dynamic loader's log of every process
// shows the runtime preloaded and nothing of LLVM.
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  int status;
  waitpid(pid, &status, 0);
  return 0;
}
// CHECK: libprocsan-rt.so
