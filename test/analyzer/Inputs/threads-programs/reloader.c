// A fork in a signal handler: not ordered after anything in main(), so whether the process may
// be multithreaded there is the program's fact.
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void respawn_logger(int sig) {
  (void)sig;
  pid_t pid = fork();
  if (pid == 0) {
    printf("logger restarted\n");
    _exit(0);
  }
}

int main(void) {
  signal(SIGHUP, respawn_logger);
  for (;;)
    pause();
}
