// The server program: main() starts the workers (workers.c). It registers no exit handler.
void start_workers(int n);

int main(void) {
  start_workers(4);
  return 0;
}
