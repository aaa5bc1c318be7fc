// Daemonizes first, then starts its worker threads (tinyproxy's order).
void makedaemon(void);
void start_workers(void);

int main(void) {
  makedaemon();
  start_workers();
  return 0;
}
