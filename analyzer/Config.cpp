#include "Config.h"

#include "CheckRegistry.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace procsan {
namespace analyzer {

namespace {

// Options of the shared models rather than of one check: no rule id before them.
bool isGlobalOption(StringRef key) { return key == "ForkFunctions" || key == "NoReturnFunctions"; }

std::string scalarText(yaml::Node *node, bool &ok) {
  auto *scalar = dyn_cast_or_null<yaml::ScalarNode>(node);
  if (!scalar) {
    ok = false;
    return "";
  }
  SmallString<64> storage;
  return scalar->getValue(storage).str();
}

} // namespace

bool isOptionKey(StringRef key) { return key.contains('.') || isGlobalOption(key); }

std::string configKeysHint(StringRef key) {
  static const char *keys[] = {"Checks", "WarningsAsErrors", "CheckOptions", "PythonVersions",
                               "Platforms"};
  auto fold = [](StringRef s) {
    std::string out;
    for (char c : s)
      if (c != '-' && c != '_')
        out += toLower(c);
    return out;
  };
  for (const char *k : keys)
    if (fold(key) == fold(k))
      return std::string("did you mean ") + k + "?";
  return "expected Checks, WarningsAsErrors, CheckOptions, PythonVersions or Platforms";
}

Expected<ConfigFile> parseConfig(StringRef text, StringRef path) {
  ConfigFile config;
  config.path = path.str();
  SourceMgr sm;
  std::string diagText;
  raw_string_ostream diagOut(diagText);
  sm.setDiagHandler(
      [](const SMDiagnostic &d, void *ctx) { d.print(nullptr, *static_cast<raw_ostream *>(ctx)); },
      &diagOut);
  auto fail = [&](yaml::Node *node, const Twine &message) -> Error {
    if (node)
      sm.PrintMessage(node->getSourceRange().Start, SourceMgr::DK_Error, message);
    else
      diagOut << path << ": error: " << message << "\n";
    diagOut.flush();
    return createStringError(inconvertibleErrorCode(), StringRef(diagText).rtrim().str());
  };
  std::unique_ptr<MemoryBuffer> buffer = MemoryBuffer::getMemBuffer(text, path, false);
  sm.AddNewSourceBuffer(std::move(buffer), SMLoc());
  yaml::Stream stream(sm.getMemoryBuffer(1)->getMemBufferRef(), sm);
  auto doc = stream.begin();
  if (doc == stream.end())
    return config;
  yaml::Node *root = doc->getRoot();
  if (stream.failed())
    return fail(nullptr, "not valid YAML");
  if (!root || isa<yaml::NullNode>(root))
    return config;
  auto *map = dyn_cast<yaml::MappingNode>(root);
  if (!map)
    return fail(root, "expected a mapping with Checks, WarningsAsErrors and CheckOptions");
  for (yaml::KeyValueNode &kv : *map) {
    bool ok = true;
    std::string key = scalarText(kv.getKey(), ok);
    if (stream.failed())
      return fail(nullptr, "not valid YAML");
    if (!ok)
      return fail(kv.getKey(), "expected a key");
    yaml::Node *value = kv.getValue();
    if (key == "Checks" || key == "WarningsAsErrors") {
      std::string v = scalarText(value, ok);
      if (!ok)
        return fail(value, "'" + key + "' takes a string of globs, like 'mp-*,-mp-fork-in-loop'");
      (key == "Checks" ? config.checks : config.warningsAsErrors) = v;
    } else if (key == "CheckOptions") {
      if (isa_and_nonnull<yaml::NullNode>(value)) {
        // "CheckOptions:" with nothing after it: no options.
      } else if (auto *opts = dyn_cast_or_null<yaml::MappingNode>(value)) {
        for (yaml::KeyValueNode &o : *opts) {
          std::string k = scalarText(o.getKey(), ok);
          std::string v = scalarText(o.getValue(), ok);
          if (!ok || !isOptionKey(k))
            return fail(o.getKey(),
                        "CheckOptions entries are 'rule-id.Option: value' (or ForkFunctions, "
                        "NoReturnFunctions)");
          config.checkOptions[k] = v;
        }
      } else if (auto *list = dyn_cast_or_null<yaml::SequenceNode>(value)) {
        for (yaml::Node &item : *list) { // clang-tidy's older form: - key: K \n value: V
          auto *entry = dyn_cast<yaml::MappingNode>(&item);
          if (!entry)
            return fail(&item, "expected '{key: rule-id.Option, value: ...}'");
          std::string k, v;
          for (yaml::KeyValueNode &f : *entry) {
            std::string name = scalarText(f.getKey(), ok);
            std::string text = scalarText(f.getValue(), ok);
            if (name == "key")
              k = text;
            else if (name == "value")
              v = text;
            else
              return fail(f.getKey(), "unknown key '" + name + "' (key or value)");
          }
          if (!ok || !isOptionKey(k))
            return fail(&item,
                        "CheckOptions entries are 'rule-id.Option: value' (or ForkFunctions, "
                        "NoReturnFunctions)");
          config.checkOptions[k] = v;
        }
      } else {
        return fail(value, "'CheckOptions' takes a mapping of 'rule-id.Option: value'");
      }
    } else if (key == "PythonVersions") {
      std::string v = scalarText(value, ok);
      if (!ok)
        return fail(value, "'PythonVersions' takes a version specifier, like '>=3.10'");
      config.pythonVersions = v;
    } else if (key == "Platforms") {
      std::string v = scalarText(value, ok);
      if (auto *list = dyn_cast_or_null<yaml::SequenceNode>(value)) {
        ok = true;
        v.clear();
        for (yaml::Node &item : *list)
          v += (v.empty() ? "" : ",") + scalarText(&item, ok);
      }
      if (!ok)
        return fail(value, "'Platforms' takes a list of linux, macos, windows");
      config.platforms = v;
    } else {
      return fail(kv.getKey(), "unknown key '" + key + "' (" + configKeysHint(key) + ")");
    }
    if (stream.failed())
      return fail(nullptr, "not valid YAML");
  }
  return config;
}

Expected<ConfigFile> loadConfigFile(StringRef path) {
  auto buffer = MemoryBuffer::getFile(path);
  if (!buffer)
    return createStringError(buffer.getError(), "%s: %s", path.str().c_str(),
                             buffer.getError().message().c_str());
  return parseConfig((*buffer)->getBuffer(), path);
}

namespace {

// A YAML scalar that reads back as exactly s: single-quoted (quotes doubled) when it is printable
// ASCII, otherwise double-quoted with control characters escaped (other bytes go through as they
// are: an escape would stand for a code point, not a byte).
std::string yamlQuoted(StringRef s) {
  bool plainBytes = llvm::all_of(s, [](char c) { return c >= 0x20 && c < 0x7f; });
  std::string out;
  if (plainBytes) {
    out = "'";
    for (char c : s)
      out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
  out = "\"";
  for (char c : s) {
    unsigned char u = (unsigned char)c;
    if (c == '"' || c == '\\')
      out += std::string("\\") + c;
    else if (u < 0x20 || u == 0x7f)
      out += llvm::formatv("\\x{0:x-2}", (unsigned)u).str();
    else
      out += c;
  }
  return out + "\"";
}

// Option names like "mp-exit-in-child.MaxCallDepth" stay plain; anything else is quoted.
std::string yamlKey(StringRef s) {
  bool plain = !s.empty() && llvm::isAlnum(s.front()) && llvm::all_of(s, [](char c) {
    return llvm::isAlnum(c) || StringRef("._-").contains(c);
  });
  return plain ? s.str() : yamlQuoted(s);
}

} // namespace

std::string dumpConfig(const ConfigFile &config) {
  std::string out;
  raw_string_ostream os(out);
  os << "---\n";
  os << "Checks: " << yamlQuoted(config.checks.value_or(defaultChecks())) << "\n";
  os << "WarningsAsErrors: " << yamlQuoted(config.warningsAsErrors.value_or("")) << "\n";
  os << "CheckOptions:" << (config.checkOptions.empty() ? " {}\n" : "\n");
  for (const auto &kv : config.checkOptions) {
    std::string key = yamlKey(kv.first);
    // YAML limits an implicit key to 1024 characters; a longer one is written as explicit.
    if (key.size() > 1000)
      os << "  ? " << key << "\n  : " << yamlQuoted(kv.second) << "\n";
    else
      os << "  " << key << ": " << yamlQuoted(kv.second) << "\n";
  }
  if (config.pythonVersions)
    os << "PythonVersions: " << yamlQuoted(*config.pythonVersions) << "\n";
  if (config.platforms)
    os << "Platforms: " << yamlQuoted(*config.platforms) << "\n";
  os << "...\n";
  return out;
}

} // namespace analyzer
} // namespace procsan
