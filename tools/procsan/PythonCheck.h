// Python sources in `procsan check`: the checker written in Python (tools/pycheck, installed in
// share/procsan/python) runs in a Python interpreter, so that the parser is CPython's own; this
// side runs it, reads the JSON it prints and turns it into FileResults that the text, JSON and
// SARIF writers handle like the C analyzer's (docs/architecture.md, "Python sources").
#ifndef PROCSAN_TOOLS_PYTHONCHECK_H
#define PROCSAN_TOOLS_PYTHONCHECK_H

#include "Analyzer.h"
#include "PythonRules.h"
#include "PythonTargets.h"

#include <functional>
#include <string>
#include <vector>

namespace procsan {
namespace tools {

// A command-line input for the Python checker: a .py file, or a directory to walk.
bool isPythonInput(const std::string &path);

struct PythonRunOptions {
  std::string python; // interpreter; empty: python3 on PATH
  unsigned jobs = 1;
};

// What the checker found in one file, before the run's configuration filters it.
struct PythonFile {
  std::string path;     // as given, or as found under a directory
  std::string absolute; // for the reports
  bool error = false;
  unsigned errorLine = 0, errorColumn = 0;
  std::string errorMessage, errorSourceLine;
  struct Found {
    analyzer::ReportedFinding finding; // not rendered yet
    std::string line;                  // the finding's source line, untrimmed
    std::vector<std::string> noteLines;
    // Non-empty: the finding rests on the platform's default start method and holds only
    // where that default is one of these.
    std::vector<std::string> ifDefault;
  };
  std::vector<Found> findings;
};

// The interpreter to run: `requested` (--python; a bare name is looked up on PATH), else python3
// on PATH. False with `error` when there is none.
bool findPython(const std::string &requested, std::string &python, std::string &error);

// Runs the checker over the paths (files and directories). False with `error` set when it could
// not run or printed something unreadable.
bool runPythonChecker(const std::vector<std::string> &paths, const PythonRunOptions &options,
                      std::vector<PythonFile> &files, std::string &error);

// The result of one Python file under its configuration: the enabled rules' findings that hold
// for the targets, errors for WarningsAsErrors, each rendered as Clang renders a diagnostic.
analyzer::FileResult pythonFileResult(const PythonFile &file,
                                      const std::function<bool(const std::string &)> &enabled,
                                      const std::function<bool(const std::string &)> &asError,
                                      const PythonTargets &targets);

} // namespace tools
} // namespace procsan

#endif
