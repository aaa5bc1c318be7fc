#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void serve(void);

// Nothing of the server's would run twice: the only exit handlers of this build belong to
// report_tool.c's program.
void start_workers(int n) {
  for (int i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid < 0)
      abort();
    if (pid == 0) {
      serve();
      exit(0);
    }
  }
  while (wait(NULL) > 0) {
  }
}
