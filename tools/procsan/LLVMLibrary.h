// The boundary between the procsan driver and libprocsan-llvm.so, the part of procsan that needs
// LLVM and Clang (`procsan check`, the symbolizer of runtime stacks). The driver links neither and
// dlopens the library only when it needs one of them, so `procsan run` starts without relocating
// libLLVM and libclang-cpp.
#ifndef PROCSAN_TOOLS_LLVMLIBRARY_H
#define PROCSAN_TOOLS_LLVMLIBRARY_H

#include "monitor/report.h"

#include <string>
#include <vector>

namespace procsan {
namespace tools {

// Bump when LLVMLibrary or what it passes changes shape.
constexpr unsigned kLLVMLibraryAbi = 1;

// What the library gives the driver. The fields before the function pointers let the driver
// refuse a library from another build before calling into it.
struct LLVMLibrary {
  unsigned abi;
  unsigned frameSize;  // sizeof(monitor::Frame)
  unsigned stringSize; // sizeof(std::string)
  const char *version; // kVersion
  // `procsan check ARGS...`: the exit status.
  int (*check)(const std::vector<std::string> &args);
  // A symbolizer the caller owns (deletes).
  monitor::Symbolizer *(*newSymbolizer)();
};

constexpr const char *kLLVMLibraryEntry = "procsan_llvm_library";

// The library's side, behind the entry point.
int runCheck(const std::vector<std::string> &args);
monitor::Symbolizer *newLLVMSymbolizer();

} // namespace tools
} // namespace procsan

// Returns the library's table; looked up by name (kLLVMLibraryEntry) with dlsym.
extern "C" const procsan::tools::LLVMLibrary *procsan_llvm_library();

#endif
