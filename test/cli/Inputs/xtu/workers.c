// Starts the workers through the pool of another file.
void spawn_pool(int n);

void start_workers(void) { spawn_pool(4); }
