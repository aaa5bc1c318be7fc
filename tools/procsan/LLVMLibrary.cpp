// The driver's side of libprocsan-llvm.so: loads it on first use, at most once per process.
#include "LLVMLibrary.h"
#include "Commands.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>

namespace procsan {
namespace tools {
namespace {

// PROCSAN_LLVM_LIBRARY overrides the library next to the driver (bin/../lib), as
// PROCSAN_RUNTIME does for the runtime.
std::string llvmLibraryPath() {
  const char *env = std::getenv("PROCSAN_LLVM_LIBRARY");
  std::string path =
      env && *env ? std::string(env) : selfDirectory() + "/../lib/libprocsan-llvm.so";
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) ? std::string(resolved) : path;
}

struct LoadResult {
  const LLVMLibrary *library = nullptr;
  std::string error; // names the library; set when library is null
};

LoadResult load() {
  LoadResult r;
  std::string path = llvmLibraryPath();
  // Never closed: LLVM's static destructors run at exit like a linked library's.
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    // dlerror() usually starts with the path again.
    std::string why = dlerror();
    if (why.rfind(path + ": ", 0) == 0)
      why.erase(0, path.size() + 2);
    r.error = "cannot load " + path + ": " + why;
    return r;
  }
  auto entry = (const LLVMLibrary *(*)())dlsym(handle, kLLVMLibraryEntry);
  const LLVMLibrary *lib = entry ? entry() : nullptr;
  if (!lib) {
    r.error = "cannot load " + path + ": it has no " + kLLVMLibraryEntry + "()";
    return r;
  }
  if (lib->abi != kLLVMLibraryAbi || lib->frameSize != sizeof(monitor::Frame) ||
      lib->stringSize != sizeof(std::string) || std::strcmp(lib->version, kVersion) != 0) {
    r.error = "cannot use " + path + ": it is from another build of procsan (version " +
              lib->version + ", interface " + std::to_string(lib->abi) + "; this driver is " +
              kVersion + ", interface " + std::to_string(kLLVMLibraryAbi) + ")";
    return r;
  }
  r.library = lib;
  return r;
}

const LoadResult &loadOnce() {
  static const LoadResult result = load();
  return result;
}

// Loads the library at the first frame it could name; frames without a module file (or a
// report without frames) never load it.
class LazySymbolizer : public monitor::Symbolizer {
public:
  void symbolize(monitor::Frame &f) override {
    if (f.module.empty() || f.module[0] != '/')
      return;
    if (!tried) {
      tried = true;
      const LoadResult &r = loadOnce();
      if (r.library)
        impl.reset(r.library->newSymbolizer());
      else
        warnOnce(r.error);
    }
    if (impl)
      impl->symbolize(f);
  }

private:
  static void warnOnce(const std::string &error) {
    static bool warned;
    if (warned)
      return;
    warned = true;
    std::fprintf(stderr, "procsan: warning: stacks are shown as module+offset: %s\n",
                 error.c_str());
  }

  bool tried = false;
  std::unique_ptr<monitor::Symbolizer> impl;
};

} // namespace

int checkCommand(const std::vector<std::string> &args) {
  const LoadResult &r = loadOnce();
  if (!r.library) {
    std::fprintf(stderr, "procsan check: error: the analyzer is unavailable: %s\n",
                 r.error.c_str());
    return 2;
  }
  return r.library->check(args);
}

std::unique_ptr<monitor::Symbolizer> makeSymbolizer() { return std::make_unique<LazySymbolizer>(); }

} // namespace tools
} // namespace procsan
