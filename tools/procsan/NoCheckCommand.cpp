// The runtime-only build (PROCSAN_ENABLE_ANALYZER=OFF) has no analyzer.
#include "Commands.h"

#include <cstdio>

int procsan::tools::checkCommand(const std::vector<std::string> &) {
  std::fprintf(stderr, "procsan check: error: this procsan was built without the analyzer "
                       "(PROCSAN_ENABLE_ANALYZER=OFF)\n");
  return 2;
}
