// Runs the enabled checks over translation units and renders their diagnostics in Clang's
// format. Used by `procsan check`; one call per file, so files can be analyzed in parallel.
#ifndef PROCSAN_ANALYZER_ANALYZER_H
#define PROCSAN_ANALYZER_ANALYZER_H

#include "Check.h"

#include "clang/Tooling/CompilationDatabase.h"

#include <string>

namespace procsan {
namespace analyzer {

struct AnalyzerConfig {
  std::string checks = "mp-*";
  CheckOptions options;
  bool color = false;
  std::string resourceDir; // clang's builtin headers; empty: leave the command's own
};

struct FileResult {
  std::string file;
  std::string output;    // rendered diagnostics (compiler errors and findings)
  unsigned findings = 0; // findings after suppression
  bool inputError = false;
  std::string errorMessage;
};

FileResult analyzeFile(const clang::tooling::CompilationDatabase &db, llvm::StringRef file,
                       const AnalyzerConfig &config);

// The directory holding clang's builtin headers (stddef.h, ...) for this installation.
std::string findResourceDir(llvm::StringRef toolDirectory);

} // namespace analyzer
} // namespace procsan

#endif
