// RUN: %cc %s -o %t
// RUN: %threeways --allow-findings %t | FileCheck %s
// A program with its own SIGSEGV handler gets it for a real fault (with the fault address), can
// recover with siglongjmp and fault again; a child whose handler exits keeps its status; a child
// without a handler, or ignoring the signal, dies of the fault; abort() still dies of SIGABRT.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf back;
static volatile sig_atomic_t faults;
static void *volatile faultAddr;
static volatile int faultCode;

static void recover(int sig, siginfo_t *info, void *ctx) {
  (void)sig, (void)ctx;
  ++faults;
  faultAddr = info->si_addr;
  faultCode = info->si_code;
  siglongjmp(back, 1);
}

static void exitFromHandler(int sig) { _exit(40 + sig); }

static int *volatile bad = (int *)16;

static void describe(const char *label, int status) {
  if (WIFSIGNALED(status))
    printf("%s: killed by %s\n", label, sigabbrev_np(WTERMSIG(status)));
  else
    printf("%s: exit %d\n", label, WEXITSTATUS(status));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = recover;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  for (int i = 0; i < 3; ++i)
    if (sigsetjmp(back, 1) == 0)
      *bad = 1;
  printf("recovered from %d faults at %p, code %s\n", faults, faultAddr,
         faultCode == SEGV_MAPERR ? "SEGV_MAPERR" : "other");

  int status;
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGSEGV, exitFromHandler);
    *bad = 1;
    _exit(1);
  }
  waitpid(pid, &status, 0);
  describe("handler that exits", status);

  pid = fork();
  if (pid == 0) {
    signal(SIGSEGV, SIG_DFL);
    *bad = 1;
    _exit(1);
  }
  waitpid(pid, &status, 0);
  describe("default action", status);

  pid = fork();
  if (pid == 0) {
    signal(SIGSEGV, SIG_IGN);
    raise(SIGSEGV); // a sent signal is ignored
    printf("raise ignored\n");
    *bad = 1; // a fault is not
    _exit(1);
  }
  waitpid(pid, &status, 0);
  describe("ignored, then a fault", status);

  pid = fork();
  if (pid == 0)
    abort();
  waitpid(pid, &status, 0);
  describe("abort", status);
  return 0;
}
// CHECK: recovered from 3 faults at 0x10, code SEGV_MAPERR
// CHECK-NEXT: handler that exits: exit 51
// CHECK-NEXT: default action: killed by SEGV
// CHECK-NEXT: raise ignored
// CHECK-NEXT: ignored, then a fault: killed by SEGV
// CHECK-NEXT: abort: killed by ABRT
// CHECK-NEXT: status: exit 0
