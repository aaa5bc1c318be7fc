#include <stdlib.h>

static void free_fs_list(void) {}

int mount_main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  atexit(free_fs_list);
  return 0;
}
