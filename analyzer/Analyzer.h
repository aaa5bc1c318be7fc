// Runs the enabled checks over translation units and renders their diagnostics in Clang's
// format. Used by `procsan check`; one call per file, so files can be analyzed in parallel.
#ifndef PROCSAN_ANALYZER_ANALYZER_H
#define PROCSAN_ANALYZER_ANALYZER_H

#include "Check.h"
#include "model/ProgramSummaries.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <memory>
#include <set>
#include <string>

namespace procsan {
namespace analyzer {

struct AnalyzerConfig {
  std::string checks = "mp-*";
  std::string warningsAsErrors;
  CheckOptions options;
  bool color = false;
  std::string resourceDir; // clang's builtin headers; empty: leave the command's own
  // The file system the compiler reads through (null: the real one); `procsan check
  // --cache-dir` passes one that records every file the TU depends on.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> fileSystem;
  // Several TUs of one program: the merged summaries of the others (null in the first pass),
  // and whether to export this TU's summary.
  const ProgramSummaries *program = nullptr;
  bool exportSummary = false;
  // Only the summary (a file outside this run's --shard, whose functions the shard's files may
  // call): no check runs and nothing is reported; the models the summary reads are built as a
  // full run builds them.
  bool summaryOnly = false;
};

// A finding resolved to file positions, for the JSON, SARIF and fixes writers.
struct Position {
  std::string file; // absolute path
  unsigned line = 0, column = 0;
  unsigned offset = 0; // byte offset in the file
};

struct ReportedFix {
  Position at;
  unsigned length = 0;
  std::string replacement;
};

struct ReportedNote {
  Position at;
  std::string message;
};

struct ReportedFinding {
  std::string ruleId;
  bool asError = false;
  std::string message;
  Position at;
  std::string sourceLine; // the text of the line (for fingerprints)
  std::vector<ReportedNote> notes;
  std::vector<ReportedFix> fixes;
  std::string rendered;  // the diagnostic and its notes as Clang prints them
  std::string headerKey; // a finding in a header: what makes it the same in another file
};

// The cache of `procsan check --cache-dir` stores these (writeResult in
// tools/procsan/CheckCache.cpp): a field added here or in ReportedFinding must be added there.
struct FileResult {
  std::string file;
  size_t index = 0; // its place in the run's input (database order)
  // The compiler's diagnostics (errors); the findings' text is added by
  // reportHeaderFindingsOnce.
  std::string output;
  unsigned findings = 0; // findings after suppression
  unsigned errors = 0;   // findings turned into errors by WarningsAsErrors
  std::vector<ReportedFinding> reported;
  bool inputError = false;
  std::string errorMessage;
  std::shared_ptr<TUSummary> summary;          // with exportSummary
  std::shared_ptr<ProgramQuestions> questions; // what the TU asked the program's table
};

// Findings in headers are reported once, however many files include them: by the first file
// of the run's order that has them (so the output depends neither on -j nor on a cache). Drops
// from r the header findings of `seen`, adds the others to it, and renders what is left after
// the compiler's output, with the counts.
void reportHeaderFindingsOnce(FileResult &r, std::set<std::string> &seen);

FileResult analyzeFile(const clang::tooling::CompilationDatabase &db, llvm::StringRef file,
                       const AnalyzerConfig &config);

// The directory holding clang's builtin headers (stddef.h, ...) for this installation.
std::string findResourceDir(llvm::StringRef toolDirectory);

} // namespace analyzer
} // namespace procsan

#endif
