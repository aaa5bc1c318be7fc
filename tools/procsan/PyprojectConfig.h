// pyproject.toml as a configuration file: its [tool.procsan] table holds the keys of
// .procsan.yaml (Checks, WarningsAsErrors, CheckOptions, PythonVersions, Platforms), and its
// [project] requires-python gives the Python versions a project targets when PythonVersions
// does not. The TOML is read by the Python checker's reader (`pycheck.py --read-toml`: tomllib,
// or its own strict reader before 3.11), so that procsan has one TOML parser, the one Python
// projects use; a file that does not mention procsan is never read for its settings.
#ifndef PROCSAN_TOOLS_PYPROJECTCONFIG_H
#define PROCSAN_TOOLS_PYPROJECTCONFIG_H

#include "Config.h"

#include <optional>
#include <string>

namespace procsan {
namespace tools {

struct Pyproject {
  bool hasTable = false; // [tool.procsan]
  analyzer::ConfigFile config;
  std::optional<std::string> requiresPython;
  std::string error; // "PATH[:LINE:COL]: error: ..." when it could not be read or is wrong
};

// Whether the file's text mentions procsan at all (no table can be there otherwise).
bool mayHaveProcsanTable(const std::string &path);
// Reads the file with `python` (an interpreter found by findPython).
Pyproject readPyproject(const std::string &path, const std::string &python);

} // namespace tools
} // namespace procsan

#endif
