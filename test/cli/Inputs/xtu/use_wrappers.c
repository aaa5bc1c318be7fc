// Calls the fork wrappers defined in other files.
#include <sys/types.h>
#include <sys/wait.h>

pid_t spawn(void);
pid_t spawn_job(void (*job)(void));
pid_t spawn_logged(void);
void job(void);
void run(void);

void discarded(void) {
  spawn(); // parent and child both go on
  run();
}

void diverted(void) {
  pid_t pid = spawn_job(job); // the child never comes back here
  waitpid(pid, 0, 0);
}

void chained(void) {
  spawn_logged();
  run();
}
