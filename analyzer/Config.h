// .procsan.yaml: per-directory configuration, found upward from each analyzed file (as
// clang-tidy's .clang-tidy). Keys: Checks, WarningsAsErrors, CheckOptions (a map, or clang-tidy's
// list of {key, value}), PythonVersions, Platforms. pyproject.toml's [tool.procsan] holds the same
// keys (tools/procsan/PyprojectConfig.h).
#ifndef PROCSAN_ANALYZER_CONFIG_H
#define PROCSAN_ANALYZER_CONFIG_H

#include "llvm/Support/Error.h"

#include <map>
#include <optional>
#include <string>

namespace procsan {
namespace analyzer {

struct ConfigFile {
  std::string path; // where it came from (empty: defaults)
  std::optional<std::string> checks;
  std::optional<std::string> warningsAsErrors;
  std::map<std::string, std::string> checkOptions;
  // For Python sources (tools/procsan/PythonTargets.h): a version specifier ('>=3.10') and a
  // list of platforms ('linux,macos'); unset, requires-python and every platform.
  std::optional<std::string> pythonVersions;
  std::optional<std::string> platforms;
};

// A CheckOptions key: 'rule-id.Option', or an option of the shared models (ForkFunctions, ...).
bool isOptionKey(llvm::StringRef key);
// What to say of an unknown key: the key meant ("did you mean PythonVersions?" for
// python-versions), or the keys there are.
std::string configKeysHint(llvm::StringRef key);
// Parses a config file's text; errors name the file, line and column.
llvm::Expected<ConfigFile> parseConfig(llvm::StringRef text, llvm::StringRef path);
llvm::Expected<ConfigFile> loadConfigFile(llvm::StringRef path);
// YAML for --dump-config.
std::string dumpConfig(const ConfigFile &config);

} // namespace analyzer
} // namespace procsan

#endif
