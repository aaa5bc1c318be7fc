// The entry point of libprocsan-llvm.so: its one exported table (LLVMLibrary.h).
#include "Commands.h"
#include "LLVMLibrary.h"

extern "C" __attribute__((visibility("default"))) const procsan::tools::LLVMLibrary *
procsan_llvm_library() {
  using namespace procsan::tools;
  static const LLVMLibrary library = {kLLVMLibraryAbi,     sizeof(procsan::monitor::Frame),
                                      sizeof(std::string), kVersion,
                                      &runCheck,           &newLLVMSymbolizer};
  return &library;
}
