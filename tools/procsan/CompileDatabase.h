// The compilation database behind `procsan check -p BUILD_DIR`: loading it and choosing the files
// to analyze. compile_commands.json is input from a build system (or anyone): a broken one is a
// clear error naming it, never a crash or a hang.
#ifndef PROCSAN_TOOLS_COMPILEDATABASE_H
#define PROCSAN_TOOLS_COMPILEDATABASE_H

#include "clang/Tooling/CompilationDatabase.h"

#include <memory>
#include <string>
#include <vector>

namespace procsan {
namespace tools {

// Loads BUILD_DIR/compile_commands.json. With no files named, every file it lists is selected;
// a non-empty filesRegex keeps only the matching ones. Returns null and sets error on failure.
std::unique_ptr<clang::tooling::CompilationDatabase>
loadBuildDatabase(const std::string &buildDir, const std::string &filesRegex,
                  std::vector<std::string> &files, std::string &error);

} // namespace tools
} // namespace procsan

#endif
