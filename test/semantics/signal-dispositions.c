// RUN: %cc %s -o %t
// RUN: %threeways %t | FileCheck %s
// Signal dispositions and masks are the program's own: it starts with none installed and nothing
// blocked, reads back exactly what it installed (flags, mask, SA_RESETHAND, the same struct for
// new and old action), and its handlers run with the mask it asked for.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t ran, usr1Blocked, segvBlocked;

static void h1(int sig, siginfo_t *info, void *ctx) {
  (void)sig, (void)info, (void)ctx;
  ran = 1;
}

static void h2(int sig, siginfo_t *info, void *ctx) {
  (void)info, (void)ctx;
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  usr1Blocked = sigismember(&now, SIGUSR1);
  segvBlocked = sigismember(&now, sig);
  ran = 2;
}

static void plain(int sig) { ran = sig; }

static void show(int sig, const char *label) {
  struct sigaction cur;
  sigaction(sig, NULL, &cur);
  const char *h = cur.sa_handler == SIG_DFL   ? "SIG_DFL"
                  : cur.sa_handler == SIG_IGN ? "SIG_IGN"
                  : cur.sa_sigaction == h1    ? "h1"
                  : cur.sa_sigaction == h2    ? "h2"
                  : cur.sa_handler == plain   ? "plain"
                                              : "other";
  printf("%s: %s siginfo=%d resethand=%d nodefer=%d restart=%d onstack=%d usr1-in-mask=%d\n",
         label, h, !!(cur.sa_flags & SA_SIGINFO), !!(cur.sa_flags & SA_RESETHAND),
         !!(cur.sa_flags & SA_NODEFER), !!(cur.sa_flags & SA_RESTART),
         !!(cur.sa_flags & SA_ONSTACK), sigismember(&cur.sa_mask, SIGUSR1));
}

int main(void) {
  int installed = 0, blocked = 0;
  sigset_t mask;
  sigprocmask(SIG_BLOCK, NULL, &mask);
  for (int s = 1; s < NSIG; ++s) {
    struct sigaction cur;
    if (sigaction(s, NULL, &cur) == 0 && cur.sa_handler != SIG_DFL)
      ++installed;
    blocked += sigismember(&mask, s) == 1;
  }
  printf("at start: %d handlers installed, %d signals blocked\n", installed, blocked);
  show(SIGSEGV, "SIGSEGV at start");

  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = h1;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  show(SIGSEGV, "SIGSEGV h1");

  // New and old action in the same struct: the kernel reads the new one before writing the old.
  sa.sa_sigaction = h2;
  sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
  sigaddset(&sa.sa_mask, SIGUSR1);
  sigaction(SIGSEGV, &sa, &sa);
  printf("old action returned in place: %s\n", sa.sa_sigaction == h1 ? "h1" : "other");
  show(SIGSEGV, "SIGSEGV h2");

  raise(SIGSEGV);
  printf("h2 ran: %d, SIGUSR1 blocked inside: %d, SIGSEGV blocked inside: %d\n", ran == 2,
         usr1Blocked, segvBlocked);
  show(SIGSEGV, "SIGSEGV after SA_RESETHAND");

  sa.sa_sigaction = h2;
  sigaddset(&sa.sa_mask, SIGUSR1);
  sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART | SA_ONSTACK;
  sigaction(SIGBUS, &sa, NULL);
  show(SIGBUS, "SIGBUS h2 nodefer");
  ran = 0;
  raise(SIGBUS);
  printf("h2 ran: %d, SIGBUS blocked inside: %d\n", ran == 2, segvBlocked);

  printf("signal(SIGABRT) first: %s\n", signal(SIGABRT, plain) == SIG_DFL ? "SIG_DFL" : "other");
  printf("signal(SIGABRT) again: %s\n", signal(SIGABRT, SIG_IGN) == plain ? "plain" : "other");
  show(SIGABRT, "SIGABRT");
  raise(SIGABRT); // ignored
  signal(SIGABRT, plain);
  raise(SIGABRT);
  printf("plain ran for: %d\n", ran);
  signal(SIGFPE, plain);
  show(SIGFPE, "SIGFPE signal()");
  signal(SIGUSR2, plain);
  show(SIGUSR2, "SIGUSR2 signal()");
  raise(SIGUSR2);
  printf("plain ran for: %d\n", ran);

  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR2);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  ran = 0;
  raise(SIGUSR2);
  printf("while blocked ran: %d\n", ran);
  sigprocmask(SIG_UNBLOCK, &mask, NULL);
  printf("after unblock ran: %d\n", ran);
  return 0;
}
// The counts depend on what lit passes down; the modes must agree with the bare run.
// CHECK: at start: {{[0-9]+}} handlers installed, {{[0-9]+}} signals blocked
// CHECK-NEXT: SIGSEGV at start: SIG_DFL siginfo=0 resethand=0 nodefer=0 restart=0 onstack=0 usr1-in-mask=0
// CHECK-NEXT: SIGSEGV h1: h1 siginfo=1 resethand=0 nodefer=0 restart=0 onstack=0 usr1-in-mask=0
// CHECK-NEXT: old action returned in place: h1
// CHECK-NEXT: SIGSEGV h2: h2 siginfo=1 resethand=1 nodefer=0 restart=0 onstack=0 usr1-in-mask=1
// CHECK-NEXT: h2 ran: 1, SIGUSR1 blocked inside: 1, SIGSEGV blocked inside: 1
// CHECK-NEXT: SIGSEGV after SA_RESETHAND: SIG_DFL siginfo=1 resethand=1 nodefer=0 restart=0 onstack=0 usr1-in-mask=1
// CHECK-NEXT: SIGBUS h2 nodefer: h2 siginfo=1 resethand=0 nodefer=1 restart=1 onstack=1 usr1-in-mask=1
// CHECK-NEXT: h2 ran: 1, SIGBUS blocked inside: 0
// CHECK-NEXT: signal(SIGABRT) first: SIG_DFL
// CHECK-NEXT: signal(SIGABRT) again: plain
// CHECK-NEXT: SIGABRT: SIG_IGN siginfo=0 resethand=0 nodefer=0 restart=1 onstack=0 usr1-in-mask=0
// CHECK-NEXT: plain ran for: 6
// CHECK-NEXT: SIGFPE signal(): plain siginfo=0 resethand=0 nodefer=0 restart=1 onstack=0 usr1-in-mask=0
// CHECK-NEXT: SIGUSR2 signal(): plain siginfo=0 resethand=0 nodefer=0 restart=1 onstack=0 usr1-in-mask=0
// CHECK-NEXT: plain ran for: 12
// CHECK-NEXT: while blocked ran: 0
// CHECK-NEXT: after unblock ran: 12
// CHECK-NEXT: status: exit 0
