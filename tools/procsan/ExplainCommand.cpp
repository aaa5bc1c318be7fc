// procsan explain RULE: prints docs/rules/RULE.md from the installed or source tree.
#include "Commands.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace procsan {
namespace tools {

int explainCommand(const std::vector<std::string> &args) {
  if (args.size() != 1 || args[0].rfind("-", 0) == 0) {
    std::fprintf(stderr,
                 "usage: procsan explain RULE (for example: procsan explain mp-lost-crash)\n");
    return 2;
  }
  const std::string &rule = args[0];
  for (char c : rule) {
    if (!(std::isalnum((unsigned char)c) || c == '-')) {
      std::fprintf(stderr, "procsan: error: '%s' is not a rule id\n", rule.c_str());
      return 2;
    }
  }
  const std::string candidates[] = {
      selfDirectory() + "/../share/procsan/rules/" + rule + ".md",
      std::string(PROCSAN_SOURCE_DIR) + "/docs/rules/" + rule + ".md",
  };
  for (const std::string &path : candidates) {
    std::ifstream in(path);
    if (!in)
      continue;
    std::stringstream ss;
    ss << in.rdbuf();
    std::fputs(ss.str().c_str(), stdout);
    return 0;
  }
  std::fprintf(stderr, "procsan: error: unknown rule '%s' (no documentation page found)\n",
               rule.c_str());
  return 2;
}

} // namespace tools
} // namespace procsan
