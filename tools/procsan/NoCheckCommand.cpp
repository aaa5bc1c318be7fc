// The runtime-only build (PROCSAN_ENABLE_ANALYZER=OFF) has no analyzer and no LLVM library:
// `procsan check` says so, and stacks keep their module+offset frames.
#include "Commands.h"

#include <cstdio>

namespace procsan {
namespace tools {
namespace {

class NullSymbolizer : public monitor::Symbolizer {
public:
  void symbolize(monitor::Frame &) override {}
};

} // namespace

int checkCommand(const std::vector<std::string> &) {
  std::fprintf(stderr, "procsan check: error: this procsan was built without the analyzer "
                       "(PROCSAN_ENABLE_ANALYZER=OFF)\n");
  return 2;
}

std::unique_ptr<monitor::Symbolizer> makeSymbolizer() { return std::make_unique<NullSymbolizer>(); }

} // namespace tools
} // namespace procsan
