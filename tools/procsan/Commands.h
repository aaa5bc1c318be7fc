// Subcommands of the procsan driver. Each returns the process exit status.
#ifndef PROCSAN_TOOLS_COMMANDS_H
#define PROCSAN_TOOLS_COMMANDS_H

#include "monitor/report.h"

#include <memory>
#include <string>
#include <vector>

namespace procsan {
namespace tools {

int runCommand(const std::vector<std::string> &args);
// Runs the analyzer in libprocsan-llvm.so, loaded now (LLVMLibrary.h).
int checkCommand(const std::vector<std::string> &args);
int explainCommand(const std::vector<std::string> &args);
int reportCommand(const std::vector<std::string> &args);
// procsan report --merge: several `procsan check` JSON reports as one (MergeReports.cpp).
int mergeReports(const std::vector<std::string> &args);

// Directory of the running procsan binary (for the runtime library, docs and clang headers).
std::string selfDirectory();
// Where the Python checker is (share/procsan/python next to the binary, or tools/pycheck in
// the source tree); "" when neither has it.
std::string pythonCheckerDir();

// The value of option `name` at args[i], given as `name=VALUE` or as `name VALUE` (then i moves
// to the value). False when args[i] is not that option.
bool optionValue(const std::vector<std::string> &args, size_t &i, const char *name,
                 std::string &out);
// A --format value every command accepts (text, json or sarif) into out; else an error.
bool reportFormat(const std::string &value, std::string &out, std::string &error);

// A symbolizer for runtime stacks. It loads libprocsan-llvm.so at the first frame that has a
// module to read; without the library (or in a build without LLVM) frames keep module+offset.
std::unique_ptr<monitor::Symbolizer> makeSymbolizer();

constexpr const char *kVersion = "0.1.0";

} // namespace tools
} // namespace procsan

#endif
