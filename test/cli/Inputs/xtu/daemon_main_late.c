// Starts its worker threads, then daemonizes: the forked child has lost those threads while
// their locks may be held.
void makedaemon(void);
void start_workers(void);

int main(void) {
  start_workers();
  makedaemon();
  return 0;
}
