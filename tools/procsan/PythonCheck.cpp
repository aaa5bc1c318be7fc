#include "PythonCheck.h"
#include "Commands.h"
#include "Sarif.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include "llvm/ADT/STLExtras.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

namespace procsan {
namespace tools {

bool isPythonInput(const std::string &path) {
  llvm::StringRef p(path);
  return p.ends_with(".py") || p.ends_with(".pyw") || llvm::sys::fs::is_directory(path);
}

namespace {

std::string absolutePath(const std::string &path) {
  llvm::SmallString<256> p(path);
  llvm::sys::fs::make_absolute(p);
  llvm::sys::path::remove_dots(p, true);
  return std::string(p);
}

// The source line and the caret under `column` (a 1-based byte column), as Clang prints them:
// tabs expanded to the next multiple of 8, one column per UTF-8 character.
std::string snippet(unsigned line, unsigned column, const std::string &source) {
  std::string text, caret;
  unsigned display = 0, caretAt = 0;
  for (size_t i = 0; i < source.size(); ++i) {
    unsigned char c = (unsigned char)source[i];
    if (i + 1 == column)
      caretAt = display;
    if (c == '\t') {
      unsigned next = (display / 8 + 1) * 8;
      text.append(next - display, ' ');
      display = next;
    } else {
      text += (char)c;
      if ((c & 0xC0) != 0x80)
        ++display;
    }
  }
  if (column > source.size())
    caretAt = display + (column - 1 - (unsigned)source.size());
  caret.assign(caretAt, ' ');
  char gutter[32];
  std::snprintf(gutter, sizeof(gutter), "%5u | ", line);
  return std::string(gutter) + text + "\n      | " + caret + "^\n";
}

std::string diagnostic(const std::string &file, unsigned line, unsigned column, const char *level,
                       const std::string &message, const std::string &source) {
  std::string out = file;
  if (line) {
    out += ":" + std::to_string(line);
    if (column)
      out += ":" + std::to_string(column);
  }
  out += std::string(": ") + level + ": " + message + "\n";
  if (line && column)
    out += snippet(line, column, source);
  return out;
}

std::string stringAt(const json &j, const char *key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

unsigned numberAt(const json &j, const char *key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<unsigned>() : 0u;
}

bool readReport(const std::string &text, std::vector<PythonFile> &files, std::string &error) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("files") || !doc["files"].is_array() ||
      !doc.contains("findings") || !doc["findings"].is_array()) {
    error = "the Python checker printed no report";
    return false;
  }
  std::map<std::string, size_t> byPath;
  for (const json &f : doc["files"]) {
    PythonFile pf;
    pf.path = stringAt(f, "path");
    pf.absolute = absolutePath(pf.path);
    if (f.contains("error") && f["error"].is_object()) {
      const json &e = f["error"];
      pf.error = true;
      pf.errorMessage = stringAt(e, "message");
      pf.errorLine = numberAt(e, "line");
      pf.errorColumn = numberAt(e, "column");
      pf.errorSourceLine = stringAt(e, "source_line");
    }
    byPath[pf.path] = files.size();
    files.push_back(std::move(pf));
  }
  for (const json &f : doc["findings"]) {
    auto it = byPath.find(stringAt(f, "file"));
    if (it == byPath.end())
      continue;
    PythonFile &pf = files[it->second];
    PythonFile::Found found;
    analyzer::ReportedFinding &r = found.finding;
    r.ruleId = stringAt(f, "rule");
    r.message = stringAt(f, "message");
    r.at.file = pf.absolute;
    r.at.line = numberAt(f, "line");
    r.at.column = numberAt(f, "column");
    found.line = stringAt(f, "source_line");
    if (f.contains("default_start_methods") && f["default_start_methods"].is_array())
      for (const json &m : f["default_start_methods"])
        if (m.is_string())
          found.ifDefault.push_back(m.get<std::string>());
    r.sourceLine = llvm::StringRef(found.line).trim().str();
    if (f.contains("notes") && f["notes"].is_array())
      for (const json &n : f["notes"]) {
        analyzer::ReportedNote note;
        // A note in another module of the run (a function imported from there) names its file.
        std::string noteFile = stringAt(n, "file");
        note.at.file = noteFile.empty() ? pf.absolute : absolutePath(noteFile);
        note.at.line = numberAt(n, "line");
        note.at.column = numberAt(n, "column");
        note.message = stringAt(n, "message");
        r.notes.push_back(std::move(note));
        found.noteLines.push_back(stringAt(n, "source_line"));
      }
    pf.findings.push_back(std::move(found));
  }
  return true;
}

} // namespace

bool findPython(const std::string &requested, std::string &python, std::string &error) {
  python = requested;
  if (python.empty()) {
    llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName("python3");
    if (!found) {
      error = "Python files need a Python interpreter: python3 is not on PATH (pass "
              "--python=PATH)";
      return false;
    }
    python = *found;
  } else if (python.find('/') == std::string::npos) {
    llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(python);
    if (!found) {
      error = "--python=" + python + ": not found on PATH";
      return false;
    }
    python = *found;
  }
  return true;
}

bool runPythonChecker(const std::vector<std::string> &paths, const PythonRunOptions &options,
                      std::vector<PythonFile> &files, std::string &error) {
  std::string python;
  if (!findPython(options.python, python, error))
    return false;
  std::string dir = pythonCheckerDir();
  if (dir.empty()) {
    error = "the Python checker is not installed (share/procsan/python/pycheck.py next to "
            "procsan)";
    return false;
  }
  llvm::SmallString<128> out;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("procsan-pycheck", "json", out)) {
    error = "cannot create a temporary file: " + ec.message();
    return false;
  }
  // -E -s: neither PYTHON* variables nor the user's site directory change what runs; -B: no
  // __pycache__ written into the installation.
  std::vector<std::string> argv = {
      python, "-E", "-s", "-B", dir + "/pycheck.py", "--jobs=" + std::to_string(options.jobs),
      "--"};
  argv.insert(argv.end(), paths.begin(), paths.end());
  std::vector<llvm::StringRef> args(argv.begin(), argv.end());
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef(out),
                                                std::nullopt};
  std::string execError;
  int status = llvm::sys::ExecuteAndWait(python, args, std::nullopt, redirects, 0, 0, &execError);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text = llvm::MemoryBuffer::getFile(out);
  llvm::sys::fs::remove(out);
  if (status != 0) {
    error = "the Python checker (" + python + " " + dir + "/pycheck.py) failed" +
            (execError.empty() ? " with status " + std::to_string(status) : ": " + execError);
    return false;
  }
  if (!text) {
    error = "cannot read the Python checker's report: " + text.getError().message();
    return false;
  }
  return readReport(std::string((*text)->getBuffer()), files, error);
}

analyzer::FileResult pythonFileResult(const PythonFile &file,
                                      const std::function<bool(const std::string &)> &enabled,
                                      const std::function<bool(const std::string &)> &asError,
                                      const PythonTargets &targets) {
  analyzer::FileResult r;
  r.file = file.path;
  if (file.error) {
    r.inputError = true;
    if (file.errorLine) {
      r.output = diagnostic(file.absolute, file.errorLine, file.errorColumn, "error",
                            file.errorMessage, file.errorSourceLine);
      r.errorMessage = file.path + ": not analyzed: it does not parse (see the error above)";
    } else {
      r.errorMessage = file.path + ": " + file.errorMessage;
    }
    return r;
  }
  std::set<std::string> defaults = targets.defaultStartMethods();
  for (const PythonFile::Found &found : file.findings) {
    if (!enabled(found.finding.ruleId))
      continue;
    if (!found.ifDefault.empty() &&
        llvm::none_of(found.ifDefault, [&](const std::string &m) { return defaults.count(m); }))
      continue; // rests on a default start method no target has

    analyzer::ReportedFinding k = found.finding;
    k.asError = asError(k.ruleId);
    k.rendered = diagnostic(
        k.at.file, k.at.line, k.at.column, k.asError ? "error" : "warning",
        k.message + " [" + k.ruleId + (k.asError ? ",-warnings-as-errors" : "") + "]", found.line);
    for (size_t i = 0; i < k.notes.size(); ++i) {
      const analyzer::ReportedNote &n = k.notes[i];
      k.rendered += diagnostic(n.at.file, n.at.line, n.at.column, "note", n.message,
                               i < found.noteLines.size() ? found.noteLines[i] : "");
    }
    r.reported.push_back(std::move(k));
  }
  return r;
}

} // namespace tools
} // namespace procsan
