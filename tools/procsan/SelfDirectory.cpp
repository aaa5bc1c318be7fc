// Where the running procsan binary is: the runtime, the LLVM library, docs and clang's headers
// are found relative to it. Shared by the driver and libprocsan-llvm.so (which runs inside it).
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
