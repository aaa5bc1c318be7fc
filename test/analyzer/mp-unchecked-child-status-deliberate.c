// RUN: not %procsan check --checks='-*,mp-unchecked-child-status' %s -- 2>&1 | FileCheck --implicit-check-not='warning:' %s
// Statuses a program decides not to look at, each next to a look-alike that just forgets.
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

void work(void);
void log_failure(const char *what);

// A fatal path: the helper is collected on the way out, what it did no longer matters.
void give_up(pid_t helper) {
  log_failure("giving up");
  (void)waitpid(helper, NULL, 0);
  _exit(1);
}

void forgets(pid_t helper) {
  waitpid(helper, NULL, 0);
  // CHECK: deliberate.c:[[@LINE-1]]:3: warning: waitpid() discards the child's exit status
}

// Reap-until: every child that ends before this one is collected, and so is this one.
void collect_until(pid_t pid) {
  while (wait(NULL) != pid) {
  }
}

void collect_one(void) {
  wait(NULL);
  // CHECK: deliberate.c:[[@LINE-1]]:3: warning: wait() discards the child's exit status
}

// A SIGCHLD handler installed through the project's own wrapper of sigaction.
typedef void (*handler_fn)(int);
static int install_handler(int sig, handler_fn fn) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  return sigaction(sig, &sa, NULL);
}

static void reap_children(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, 0) > 0) {
  }
}

void setup(void) { install_handler(SIGCHLD, reap_children); }

// The same loop, called from the program's code: nobody looks at these statuses.
void drain_children(void) {
  while (waitpid(-1, NULL, 0) > 0) {
  }
  // CHECK: deliberate.c:[[@LINE-2]]:10: warning: waitpid() discards the child's exit status
}

// A stop handshake: the child raises SIGSTOP once it is ready, the parent waits for that.
pid_t start_stopped(void) {
  pid_t pid = fork();
  if (pid == 0) {
    raise(SIGSTOP);
    work();
    _exit(0);
  }
  waitpid(pid, NULL, WUNTRACED);
  kill(pid, SIGCONT);
  return pid;
}

void start_and_forget(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  // CHECK: deliberate.c:[[@LINE-1]]:3: warning: waitpid() discards
}

// A child whose only job never returns when it works.
void restart_machine(void) {
  pid_t pid = fork();
  if (pid == 0) {
    sync();
    reboot(RB_AUTOBOOT);
    _exit(1);
  }
  waitpid(pid, NULL, 0);
}

void sync_in_child(void) {
  pid_t pid = fork();
  if (pid == 0) {
    sync();
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  // CHECK: deliberate.c:[[@LINE-1]]:3: warning: waitpid() discards
}

// The outcome comes back another way: the child passes an fd (or a result) through a socket and
// the parent reads it; a child that died is a failed read there.
int open_privileged(int sock[2]) {
  pid_t pid = fork();
  if (pid == 0) {
    close(sock[0]);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    sendmsg(sock[1], &msg, 0);
    _exit(0);
  }
  close(sock[1]);
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  ssize_t n = recvmsg(sock[0], &msg, 0);
  waitpid(pid, NULL, 0);
  return n > 0 ? 0 : -1;
}

// The child writes, but the parent never reads what it sent: the status is all there is.
void notify_only(int fd) {
  pid_t pid = fork();
  if (pid == 0) {
    write(fd, "x", 1);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  // CHECK: deliberate.c:[[@LINE-1]]:3: warning: waitpid() discards
}

// A wait for one child retried until it returns that child: a short-lived helper (it only takes
// the terminal) whose end, not its report, is what the parent waits for.
int take_terminal(int tty);
void steal_tty(int tty) {
  pid_t pid = fork();
  if (pid == 0) {
    take_terminal(tty);
    _exit(0);
  }
  pid_t rc;
  int st;
  while ((rc = waitpid(pid, &st, 0)) != pid)
    if (rc < 0)
      break;
}

// The look-alike retries only on error, and the status it stores is never looked at.
void retry_on_error(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0) {
  }
  // CHECK: deliberate.c:[[@LINE-2]]:10: warning: the status waitpid() stores is never examined
}

// A proxy command whose result is the connection it passes back over a socketpair.
int receive_fd(int sock);
int connect_through_proxy(char **argv, int sp[2]) {
  pid_t pid = fork();
  if (pid == 0) {
    dup2(sp[0], 0);
    dup2(sp[0], 1);
    execv(argv[0], argv);
    _exit(127);
  }
  close(sp[0]);
  int conn = receive_fd(sp[1]);
  close(sp[1]);
  while (waitpid(pid, NULL, 0) == -1) {
  }
  return conn;
}

// Collected on the way out: the program exits with the result of its own protocol.
int talk(void);
void finish(pid_t transport) {
  int err = talk();
  while (waitpid(transport, NULL, 0) == -1) {
  }
  exit(err == 0 ? 0 : 1);
}

// The look-alike exits with success whatever happened to the child.
void finish_blindly(pid_t worker) {
  waitpid(worker, NULL, 0);
  // CHECK: deliberate.c:[[@LINE-1]]:3: warning: waitpid() discards
  exit(0);
}

// The same reap-until loop with the test inside: collect any child until that one is gone.
void mark_gone(pid_t pid);
void wait_for_action(pid_t pid) {
  while (1) {
    pid_t got = wait(NULL);
    mark_gone(got);
    if (got == pid)
      break;
  }
}

// The look-alike only counts the children it collects.
int count_children(int n) {
  int done = 0;
  while (done < n) {
    pid_t got = wait(NULL);
    // CHECK: deliberate.c:[[@LINE-1]]:17: warning: wait() discards
    if (got > 0)
      done++;
  }
  return done;
}
