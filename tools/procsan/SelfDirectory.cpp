// Where the running procsan binary is: the runtime, the LLVM library, docs and clang's headers
// are found relative to it; and the option-value parser every command uses. Shared by the driver
// and libprocsan-llvm.so (which runs inside it).
#include "Commands.h"

#include <unistd.h>

std::string procsan::tools::selfDirectory() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0)
    return ".";
  buf[n] = 0;
  std::string path(buf);
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

bool procsan::tools::optionValue(const std::vector<std::string> &args, size_t &i, const char *name,
                                 std::string &out) {
  const std::string &a = args[i];
  std::string prefix = std::string(name) + "=";
  if (a.rfind(prefix, 0) == 0) {
    out = a.substr(prefix.size());
    return true;
  }
  if (a == name && i + 1 < args.size()) {
    out = args[++i];
    return true;
  }
  return false;
}

bool procsan::tools::reportFormat(const std::string &value, std::string &out, std::string &error) {
  if (value != "text" && value != "json" && value != "sarif") {
    error = "unsupported --format '" + value + "' (text, json or sarif)";
    return false;
  }
  out = value;
  return true;
}

std::string procsan::tools::pythonCheckerDir() {
  const std::string candidates[] = {selfDirectory() + "/../share/procsan/python",
                                    std::string(PROCSAN_SOURCE_DIR) + "/tools/pycheck"};
  for (const std::string &c : candidates)
    if (access((c + "/pycheck.py").c_str(), R_OK) == 0)
      return c;
  return "";
}
