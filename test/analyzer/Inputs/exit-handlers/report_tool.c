// Another program of the same build: its own main() and its own exit handlers (one registered
// by main, one by a constructor that runs before main in this program only).
#include <stdlib.h>

static void remove_lock_file(void) {}
static void restore_terminal(void) {}

__attribute__((constructor)) static void early_setup(void) { atexit(restore_terminal); }

int main(void) {
  atexit(remove_lock_file);
  return 0;
}
