#include "PyprojectConfig.h"
#include "Commands.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace procsan {
namespace tools {

using json = nlohmann::json;

bool mayHaveProcsanTable(const std::string &path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text = llvm::MemoryBuffer::getFile(path);
  return !text || (*text)->getBuffer().contains("procsan"); // unreadable: let the reader say
}

namespace {

// A TOML scalar as an option's text ("3", "true"); false for tables and arrays.
bool scalarText(const json &v, std::string &out) {
  if (v.is_string())
    out = v.get<std::string>();
  else if (v.is_boolean())
    out = v.get<bool>() ? "true" : "false";
  else if (v.is_number_integer())
    out = std::to_string(v.get<long long>());
  else if (v.is_number())
    out = v.dump();
  else
    return false;
  return true;
}

// A string, or an array of strings joined with commas (Checks = ["mp-*", "-mp-x"]).
bool listText(const json &v, std::string &out) {
  if (v.is_string()) {
    out = v.get<std::string>();
    return true;
  }
  if (!v.is_array())
    return false;
  out.clear();
  for (const json &item : v) {
    if (!item.is_string())
      return false;
    out += (out.empty() ? "" : ",") + item.get<std::string>();
  }
  return true;
}

// CheckOptions: "rule.Option" = value, also written as nested tables (an unquoted dotted key,
// or [tool.procsan.CheckOptions.rule-id]).
bool flattenOptions(const json &table, const std::string &prefix,
                    std::map<std::string, std::string> &out, std::string &error) {
  for (auto it = table.begin(); it != table.end(); ++it) {
    std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object()) {
      if (!flattenOptions(*it, key, out, error))
        return false;
      continue;
    }
    std::string text;
    if (!scalarText(*it, text)) {
      error = "CheckOptions: '" + key + "' takes a string, a number or a boolean";
      return false;
    }
    if (!analyzer::isOptionKey(key)) {
      error = "CheckOptions entries are 'rule-id.Option = value' (or ForkFunctions, "
              "NoReturnFunctions), not '" +
              key + "'";
      return false;
    }
    out[key] = text;
  }
  return true;
}

bool toConfig(const json &table, analyzer::ConfigFile &config, std::string &error) {
  for (auto it = table.begin(); it != table.end(); ++it) {
    const std::string &key = it.key();
    const json &v = *it;
    std::string text;
    if (key == "Checks" || key == "WarningsAsErrors") {
      if (!listText(v, text)) {
        error = "'" + key +
                "' takes a string of globs like \"mp-*,-mp-fork-in-loop\" (or an "
                "array of them)";
        return false;
      }
      (key == "Checks" ? config.checks : config.warningsAsErrors) = text;
    } else if (key == "CheckOptions") {
      if (!v.is_object()) {
        error = "'CheckOptions' takes a table of \"rule-id.Option\" = value";
        return false;
      }
      if (!flattenOptions(v, "", config.checkOptions, error))
        return false;
    } else if (key == "PythonVersions") {
      if (!v.is_string()) {
        error = "'PythonVersions' takes a version specifier, like \">=3.10\"";
        return false;
      }
      config.pythonVersions = v.get<std::string>();
    } else if (key == "Platforms") {
      if (!listText(v, text)) {
        error = "'Platforms' takes a list of \"linux\", \"macos\", \"windows\"";
        return false;
      }
      config.platforms = text;
    } else {
      error = "unknown key '" + key + "' (" + analyzer::configKeysHint(key) + ")";
      return false;
    }
  }
  return true;
}

} // namespace

Pyproject readPyproject(const std::string &path, const std::string &python) {
  Pyproject out;
  out.config.path = path;
  std::string dir = pythonCheckerDir();
  if (dir.empty()) {
    out.error = path + ": error: cannot be read: the Python checker is not installed "
                       "(share/procsan/python/pycheck.py next to procsan)";
    return out;
  }
  llvm::SmallString<128> tmp;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("procsan-toml", "json", tmp)) {
    out.error = path + ": error: cannot be read: cannot create a temporary file: " + ec.message();
    return out;
  }
  std::vector<llvm::StringRef> args = {python, "-E", "-s", "-B", "", "--read-toml", path};
  std::string script = dir + "/pycheck.py";
  args[4] = script;
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef(tmp),
                                                std::nullopt};
  std::string execError;
  int status = llvm::sys::ExecuteAndWait(python, args, std::nullopt, redirects, 0, 0, &execError);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text = llvm::MemoryBuffer::getFile(tmp);
  llvm::sys::fs::remove(tmp);
  json doc = status == 0 && text ? json::parse((*text)->getBuffer().str(), nullptr, false) : json();
  if (!doc.is_object()) {
    out.error = path + ": error: cannot be read: " + python + " " + script + " --read-toml " +
                (execError.empty() ? "failed with status " + std::to_string(status) : execError);
    return out;
  }
  if (doc.contains("error") && doc["error"].is_object()) {
    const json &e = doc["error"];
    std::string message = e.value("message", std::string("cannot be read"));
    unsigned line = e.value("line", 0u), column = e.value("column", 0u);
    out.error = path;
    if (line)
      out.error += ":" + std::to_string(line) + ":" + std::to_string(column);
    out.error += ": error: " + message;
    return out;
  }
  if (doc.contains("requires_python") && doc["requires_python"].is_string())
    out.requiresPython = doc["requires_python"].get<std::string>();
  if (doc.contains("procsan") && doc["procsan"].is_object()) {
    out.hasTable = true;
    std::string error;
    if (!toConfig(doc["procsan"], out.config, error))
      out.error = path + ": error: [tool.procsan]: " + error;
  }
  return out;
}

} // namespace tools
} // namespace procsan
