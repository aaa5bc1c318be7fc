// One program in three files: main() starts the workers, then launches a helper.
void start_workers(void);
int launch_helper(void);

int main(void) {
  start_workers();
  return launch_helper();
}
