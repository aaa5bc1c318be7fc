// A multi-call binary: main() picks an applet from a table by the name it was run as. The
// applets never run in the same process, so one applet's exit handler is not another's.
#include <string.h>

int mount_main(int argc, char **argv);
int copy_main(int argc, char **argv);

static const struct {
  const char *name;
  int (*entry)(int, char **);
} applets[] = {{"mount", mount_main}, {"copy", copy_main}};

int main(int argc, char **argv) {
  for (unsigned i = 0; i < sizeof applets / sizeof applets[0]; ++i)
    if (strcmp(argv[0], applets[i].name) == 0)
      return applets[i].entry(argc, argv);
  return 1;
}
