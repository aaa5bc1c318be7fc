// procsan check: runs the analyzer over files or a compilation database, in parallel, and prints
// Clang-style diagnostics. Exit status: 0 no findings, 1 findings, 2 usage or input error. Part of
// libprocsan-llvm.so: the driver's checkCommand() loads it and calls runCheck().
#include "Commands.h"
#include "LLVMLibrary.h"

#include "Analyzer.h"
#include "CheckCache.h"
#include "CheckRegistry.h"
#include "CheckReport.h"
#include "CompileDatabase.h"
#include "Config.h"
#include "PyprojectConfig.h"
#include "PythonCheck.h"

#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>
#include <unistd.h>

using namespace clang::tooling;

namespace procsan {
namespace tools {
namespace {

struct CheckArgs {
  std::vector<std::string> files;
  std::string buildDir;
  bool haveFixedArgs = false;
  std::vector<std::string> fixedArgs;
  unsigned jobs = 0;
  std::string checks; // from --checks, appended to the config file's
  std::string warningsAsErrors;
  std::string configFile;
  std::string filesRegex;
  bool dumpConfig = false;
  std::string explain;
  bool listChecks = false;
  bool quiet = false;
  std::string format = "text";
  std::string output;
  std::string exportFixes;
  std::map<std::string, std::string> options;
  int color = -1; // -1 auto
  bool crossTu = true;
  bool crossTuStats = false;
  unsigned shard = 1, shards = 1; // --shard=K/N: this run reports the Kth of N parts
  // Called by a build as a co-compiler, clang-tidy's way (CMake's CMAKE_<LANG>_CLANG_TIDY=
  // "procsan;check": `procsan check FILE -- COMPILER ARGS...`): findings are warnings of the
  // build and do not fail it.
  bool buildMode = false;
  // clang-tidy's --extra-arg / --extra-arg-before: flags added to every compile command.
  std::vector<std::string> extraArgs, extraArgsBefore;
  std::string cacheDir; // --cache-dir: keep results across runs (CheckCache.h)
  // Python sources: .py files and directories among FILES go to the Python checker
  // (PythonCheck.h); --python names its interpreter.
  std::vector<std::string> pythonPaths;
  std::string python;
};

// CMake (and other build tools that drive clang-tidy) put the whole compile command after `--`,
// compiler first: `procsan check src.c -- /usr/bin/cc -DX -MD -MF src.c.o.d -o src.c.o -c src.c`.
// The compiler, the output and dependency-file options and the source itself are the build's,
// not flags for the analysis (dependency files would even be written again).
bool looksLikeCompiler(const std::string &arg) {
  std::string base = arg.substr(arg.rfind('/') == std::string::npos ? 0 : arg.rfind('/') + 1);
  static const std::regex compiler(
      R"(^(.*-)?(cc|c\+\+|gcc|g\+\+|clang|clang\+\+|cpp)(-[0-9][0-9.]*)?$)");
  return !arg.empty() && arg[0] != '-' && std::regex_match(base, compiler);
}

void adoptBuildCommand(CheckArgs &a) {
  if (a.fixedArgs.empty() || !looksLikeCompiler(a.fixedArgs[0]))
    return;
  a.buildMode = true;
  std::vector<std::string> kept;
  for (size_t i = 1; i < a.fixedArgs.size(); ++i) {
    const std::string &x = a.fixedArgs[i];
    if (x == "-o" || x == "-MF" || x == "-MT" || x == "-MQ") {
      ++i; // and its value
      continue;
    }
    if (x == "-c" || x == "-MD" || x == "-MMD" || x.rfind("-o", 0) == 0 || x.rfind("-MF", 0) == 0 ||
        x.rfind("-MT", 0) == 0 || x.rfind("-MQ", 0) == 0)
      continue;
    if (std::find(a.files.begin(), a.files.end(), x) != a.files.end())
      continue; // the source file itself
    kept.push_back(x);
  }
  a.fixedArgs = std::move(kept);
}

void checkUsage(FILE *to) {
  std::fprintf(
      to, "usage: procsan check [FILES...] [-p BUILD_DIR] [OPTIONS] [-- COMPILER_ARGS]\n"
          "  FILES                  C/C++ files; Python files (*.py) and directories (every *.py\n"
          "                         under them but virtualenvs, hidden and .gitignored ones)\n"
          "  -p BUILD_DIR           read compile_commands.json from BUILD_DIR; with no FILES,\n"
          "                         analyze every file it lists\n"
          "  -- ARGS                compile every FILE with ARGS (no compilation database)\n"
          "  -j N                   analyze N files in parallel (default: all cores)\n"
          "  --checks=GLOBS         enable checks, clang-tidy style (default: every check but\n"
          "                         the ones off by default, see --list-checks; appended to\n"
          "                         the Checks of the nearest .procsan.yaml or pyproject.toml\n"
          "                         [tool.procsan]; 'mp-*' is all)\n"
          "  --warnings-as-errors=GLOBS  report these checks' findings as errors\n"
          "  --config-file=FILE     use FILE (.procsan.yaml, or a pyproject.toml's\n"
          "                         [tool.procsan]) instead of the nearest one\n"
          "  --dump-config          print the effective configuration and exit\n"
          "  --explain=RULE         print a rule's documentation and exit\n"
          "  --files-regex=REGEX    with -p: only the files matching REGEX\n"
          "  --list-checks          list the enabled checks and exit\n"
          "  --no-cross-tu          analyze each file alone, without the summaries of the\n"
          "                         functions the other files define\n"
          "  --cross-tu-stats       say how many files were analyzed again with them (and,\n"
          "                         with --cache-dir, how many results came from the cache)\n"
          "  --shard=K/N            analyze and report only the Kth of N parts of the files\n"
          "                         (balanced by size, stable as files are added); the other\n"
          "                         parts still lend their summaries, so the shards together\n"
          "                         report what one run would ('procsan report --merge')\n"
          "  --cache-dir=DIR        keep each file's results in DIR and reuse them while the\n"
          "                         file, the headers it includes, its flags, the\n"
          "                         configuration, procsan and the summaries it used from\n"
          "                         other files are unchanged\n"
          "  --check-option=RULE.OPTION=VALUE  set a check option\n"
          "  --extra-arg=ARG, --extra-arg-before=ARG  add ARG at the end (the start) of every\n"
          "                         compile command, as clang-tidy does\n"
          "  --format=text|json|sarif  report format of --output (diagnostics always go to\n"
          "                         stderr as text)\n"
          "  --output=FILE, -o FILE where the json or sarif report goes (default stdout)\n"
          "  --export-fixes=FILE    write the fix-its as clang-apply-replacements YAML\n"
          "  --python=PATH          the Python interpreter that parses Python files (default:\n"
          "                         python3 on PATH; its grammar is the one checked)\n"
          "  --quiet                no progress and no closing counts\n"
          "  --color, --no-color    force colored output on or off\n"
          "  --help, -h             this text\n");
}

bool parseCheckArgs(const std::vector<std::string> &args, CheckArgs &a, std::string &error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &s = args[i];
    auto value = [&](const char *name, std::string &out) {
      std::string n = name;
      if (s.rfind(n + "=", 0) == 0) {
        out = s.substr(n.size() + 1);
        return true;
      }
      if (s == n) {
        if (i + 1 >= args.size()) {
          error = "option " + n + " needs a value";
          return false;
        }
        out = args[++i];
        return true;
      }
      return false;
    };
    std::string v;
    if (s == "--") {
      a.haveFixedArgs = true;
      a.fixedArgs.assign(args.begin() + (long)i + 1, args.end());
      break;
    }
    if (s.rfind("-p", 0) == 0 && s.size() > 2 && s[2] != '=') {
      a.buildDir = s.substr(2);
    } else if (value("-p", v)) {
      a.buildDir = v;
    } else if (value("-j", v) ||
               (s.rfind("-j", 0) == 0 && s.size() > 2 && (v = s.substr(2), true))) {
      char *end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (!end || *end || n < 1 || n > 1024) {
        error = "bad -j value '" + v + "'";
        return false;
      }
      a.jobs = (unsigned)n;
    } else if (value("--checks", v)) {
      a.checks = v;
    } else if (value("--warnings-as-errors", v)) {
      a.warningsAsErrors = v;
    } else if (value("--config-file", v)) {
      a.configFile = v;
    } else if (value("--files-regex", v)) {
      a.filesRegex = v;
    } else if (value("--explain", v)) {
      a.explain = v;
    } else if (s == "--dump-config") {
      a.dumpConfig = true;
    } else if (value("--check-option", v)) {
      size_t eq = v.find('=');
      if (eq == std::string::npos || v.find('.') > eq) {
        error = "--check-option wants RULE.OPTION=VALUE, got '" + v + "'";
        return false;
      }
      a.options[v.substr(0, eq)] = v.substr(eq + 1);
    } else if (value("--format", v)) {
      if (!reportFormat(v, a.format, error))
        return false;
    } else if (value("--output", v) || value("-o", v)) {
      a.output = v;
    } else if (value("--cache-dir", v)) {
      if (v.empty()) {
        error = "--cache-dir needs a directory";
        return false;
      }
      a.cacheDir = v;
    } else if (value("--python", v)) {
      if (v.empty()) {
        error = "--python needs an interpreter";
        return false;
      }
      a.python = v;
    } else if (value("--export-fixes", v)) {
      a.exportFixes = v;
    } else if (s == "--quiet") {
      a.quiet = true;
    } else if (s == "--no-cross-tu") {
      a.crossTu = false;
    } else if (value("--extra-arg", v)) {
      a.extraArgs.push_back(v);
    } else if (value("--extra-arg-before", v)) {
      a.extraArgsBefore.push_back(v);
    } else if (value("--shard", v)) {
      unsigned k = 0, n = 0;
      char tail = 0;
      if (std::sscanf(v.c_str(), "%u/%u%c", &k, &n, &tail) != 2 || n < 1 || n > 100000 || k < 1 ||
          k > n) {
        error = "bad --shard '" + v + "' (K/N with 1 <= K <= N)";
        return false;
      }
      a.shard = k;
      a.shards = n;
    } else if (s == "--cross-tu-stats") {
      a.crossTuStats = true;
    } else if (s == "--list-checks") {
      a.listChecks = true;
    } else if (s == "--color") {
      a.color = 1;
    } else if (s == "--no-color") {
      a.color = 0;
    } else if (s == "--help" || s == "-h") {
      checkUsage(stdout);
      std::exit(0);
    } else if (!s.empty() && s[0] == '-') {
      error = "unknown option '" + s + "'";
      return false;
    } else {
      a.files.push_back(s);
    }
    if (!error.empty())
      return false;
  }
  return error.empty();
}

// The effective configuration of each file: its .procsan.yaml or pyproject.toml [tool.procsan]
// (or --config-file), then the command line on top. Parsed files are cached; a broken one is
// reported for every file it governs, which are then analyzed with the defaults.
class ConfigCache {
public:
  explicit ConfigCache(const CheckArgs &a) : args(a) {}

  // The nearest configuration in the file's directory or above it: a .procsan.yaml, or a
  // pyproject.toml with a [tool.procsan] table; in one directory, .procsan.yaml wins.
  std::string findConfig(const std::string &file) {
    llvm::SmallString<256> dir(file);
    llvm::sys::fs::make_absolute(dir);
    llvm::sys::path::remove_filename(dir);
    while (!dir.empty()) {
      std::string yaml = std::string(dir) + "/.procsan.yaml";
      std::string toml = std::string(dir) + "/pyproject.toml";
      bool haveYaml = llvm::sys::fs::is_regular_file(yaml);
      if (llvm::sys::fs::is_regular_file(toml) && mayHaveProcsanTable(toml)) {
        const Pyproject &p = pyproject(toml);
        if (haveYaml && p.hasTable) {
          if (shadowWarned.insert(toml).second)
            std::fprintf(stderr,
                         "procsan check: warning: %s: [tool.procsan] is not used: %s, in the "
                         "same directory, is\n",
                         toml.c_str(), yaml.c_str());
        } else if (!haveYaml && (p.hasTable || !p.error.empty())) {
          return toml;
        }
      }
      if (haveYaml)
        return yaml;
      llvm::StringRef parent = llvm::sys::path::parent_path(dir);
      if (parent == dir)
        break;
      dir = parent;
    }
    return "";
  }

  // The Python versions and platforms a Python file is checked for: the configuration's
  // PythonVersions and Platforms, else the nearest pyproject.toml's requires-python, else 3.8 to
  // 3.14; every platform unless Platforms names some.
  PythonTargets targetsFor(const std::string &file, const analyzer::ConfigFile &config,
                           std::string &error) {
    PythonTargets t;
    std::string spec, from;
    if (config.pythonVersions) {
      spec = *config.pythonVersions;
      from = config.path + ": PythonVersions";
    } else {
      llvm::SmallString<256> dir(file);
      llvm::sys::fs::make_absolute(dir);
      llvm::sys::path::remove_filename(dir);
      while (!dir.empty()) {
        std::string toml = std::string(dir) + "/pyproject.toml";
        if (llvm::sys::fs::is_regular_file(toml)) {
          std::lock_guard<std::mutex> lock(mu);
          const Pyproject &p = pyproject(toml);
          if (p.requiresPython) {
            spec = *p.requiresPython;
            from = toml + ": requires-python";
          } else if (!p.error.empty() && p.config.path != config.path) {
            error = p.error; // a broken file that governs nothing else is still named
          }
          break;
        }
        llvm::StringRef parent = llvm::sys::path::parent_path(dir);
        if (parent == dir)
          break;
        dir = parent;
      }
    }
    std::string why;
    if (!spec.empty() && !parseVersionSpec(spec, t, why))
      error = from + ": " + why;
    else
      t.versionsFrom = from;
    if (config.platforms && !parsePlatforms(*config.platforms, t, why))
      error = config.path + ": Platforms: " + why;
    return t;
  }

  // rawOptions: the check options as given (what the checks will read), for the cache key.
  analyzer::ConfigFile forFile(const std::string &file, analyzer::AnalyzerConfig &out,
                               std::string &error,
                               std::map<std::string, std::string> *rawOptions = nullptr) {
    analyzer::ConfigFile config;
    std::lock_guard<std::mutex> lock(mu);
    std::string path = args.configFile.empty() ? findConfig(file) : args.configFile;
    if (!path.empty()) {
      auto it = cache.find(path);
      if (it == cache.end()) {
        Entry e;
        if (llvm::StringRef(path).ends_with(".toml")) {
          const Pyproject &p = pyproject(path);
          e.config = p.config;
          e.error = p.error;
          if (e.error.empty() && !p.hasTable)
            e.error = path + ": error: has no [tool.procsan] table";
          if (!e.error.empty())
            e.config = analyzer::ConfigFile();
        } else {
          llvm::Expected<analyzer::ConfigFile> loaded = analyzer::loadConfigFile(path);
          if (loaded)
            e.config = *loaded;
          else
            e.error = llvm::toString(loaded.takeError());
        }
        it = cache.emplace(path, std::move(e)).first;
      }
      config = it->second.config;
      error = it->second.error;
    }
    // As in clang-tidy, a file's Checks refine the defaults ('-mp-x' disables one check).
    out.checks = analyzer::defaultChecks();
    if (config.checks)
      out.checks += "," + *config.checks;
    if (!args.checks.empty())
      out.checks += "," + args.checks;
    out.warningsAsErrors = config.warningsAsErrors.value_or("");
    if (!args.warningsAsErrors.empty())
      out.warningsAsErrors += (out.warningsAsErrors.empty() ? "" : ",") + args.warningsAsErrors;
    std::map<std::string, std::string> options = config.checkOptions;
    for (const auto &kv : args.options)
      options[kv.first] = kv.second;
    if (rawOptions)
      *rawOptions = options;
    out.options = analyzer::CheckOptions(options);
    return config;
  }

private:
  struct Entry {
    analyzer::ConfigFile config;
    std::string error;
  };
  // Read once (with mu held).
  const Pyproject &pyproject(const std::string &path) {
    auto it = pyprojects.find(path);
    if (it != pyprojects.end())
      return it->second;
    Pyproject p;
    std::string python, why;
    if (findPython(args.python, python, why)) {
      p = readPyproject(path, python);
    } else {
      p.config.path = path;
      p.error = path + ": error: reading it needs a Python interpreter: " + why;
    }
    return pyprojects.emplace(path, std::move(p)).first->second;
  }
  const CheckArgs &args;
  std::mutex mu;
  std::map<std::string, Entry> cache;
  std::map<std::string, Pyproject> pyprojects;
  std::set<std::string> shadowWarned;
};

bool writeFile(const std::string &path, const std::string &content) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec);
  if (ec) {
    std::fprintf(stderr, "procsan check: error: cannot write %s: %s\n", path.c_str(),
                 ec.message().c_str());
    return false;
  }
  out << content;
  return true;
}

bool writeReports(const CheckArgs &a, const std::vector<analyzer::FileResult> &results) {
  bool ok = true;
  if (a.format != "text") {
    std::string doc =
        a.format == "json" ? checkReportJson(results) : checkReportSarif(results, rulesDocsDir());
    if (a.output.empty())
      std::fputs(doc.c_str(), stdout);
    else
      ok &= writeFile(a.output, doc);
  }
  if (!a.exportFixes.empty())
    ok &= writeFile(a.exportFixes, exportFixesYaml(results));
  return ok;
}

std::string absolute(const std::string &path) {
  llvm::SmallString<256> p(path);
  llvm::sys::fs::make_absolute(p);
  llvm::sys::path::remove_dots(p, true);
  return std::string(p);
}

// Which files --shard=K/N keeps: the files ordered by a hash of their path, cut into N runs of
// about equal total size, the Kth run. A file's place in that order does not depend on the other
// files, so adding a file moves only files across the boundaries next to it; sizes make the runs
// cost about the same.
std::vector<bool> shardMembers(const std::vector<std::string> &files, unsigned k, unsigned n) {
  std::vector<bool> in(files.size(), n <= 1);
  if (n <= 1)
    return in;
  struct Entry {
    uint64_t hash;
    uint64_t size;
    size_t index;
  };
  // Paths are hashed below the files' common directory: CI jobs that check the same tree out
  // in different places (self-hosted runners, containers) still cut it the same way.
  size_t common = files.empty() ? 0 : files[0].size();
  for (const std::string &f : files) {
    size_t k = 0;
    while (k < common && k < f.size() && f[k] == files[0][k])
      ++k;
    common = k;
  }
  while (common > 0 && files[0][common - 1] != '/')
    --common;
  std::vector<Entry> order;
  uint64_t total = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    uint64_t h = 1469598103934665603ull; // FNV-1a of the path below the common directory
    for (size_t c = common; c < files[i].size(); ++c)
      h = (h ^ (unsigned char)files[i][c]) * 1099511628211ull;
    uint64_t size = 1024;
    llvm::sys::fs::file_status st;
    if (!llvm::sys::fs::status(files[i], st))
      size = std::max<uint64_t>(1024, st.getSize());
    order.push_back(Entry{h, size, i});
    total += size;
  }
  std::sort(order.begin(), order.end(), [](const Entry &x, const Entry &y) {
    return x.hash != y.hash ? x.hash < y.hash : x.index < y.index;
  });
  uint64_t before = 0;
  for (const Entry &e : order) {
    // The shard of a file is the one its middle byte falls in.
    uint64_t middle = before + e.size / 2;
    unsigned part = (unsigned)std::min<uint64_t>(n - 1, middle * n / std::max<uint64_t>(1, total));
    in[e.index] = part + 1 == k;
    before += e.size;
  }
  return in;
}

} // namespace

int runCheck(const std::vector<std::string> &args) {
  CheckArgs a;
  std::string error;
  if (!parseCheckArgs(args, a, error)) {
    std::fprintf(stderr, "procsan check: error: %s\n", error.c_str());
    checkUsage(stderr);
    return 2;
  }
  if (!a.explain.empty())
    return explainCommand({a.explain});
  if (a.haveFixedArgs)
    adoptBuildCommand(a);
  ConfigCache configs(a);
  if (a.listChecks || a.dumpConfig) {
    std::string anchor = a.files.empty() ? std::string("./.") : a.files.front();
    analyzer::AnalyzerConfig c;
    std::string error2;
    analyzer::ConfigFile file = configs.forFile(anchor, c, error2);
    if (!error2.empty()) {
      std::fprintf(stderr, "procsan check: error: %s\n", error2.c_str());
      return 2;
    }
    if (a.listChecks) {
      std::printf("Enabled checks:\n");
      std::set<std::string> python, listed;
      for (const PythonRule &rule : pythonRules())
        python.insert(rule.id);
      for (const analyzer::CheckInfo &info : analyzer::allChecks())
        if (analyzer::checkEnabled(c.checks, info.id) && listed.insert(info.id).second)
          std::printf("    %s%s\n", info.id, python.count(info.id) ? " (also Python)" : "");
      for (const PythonRule &rule : pythonRules())
        if (analyzer::checkEnabled(c.checks, rule.id) && listed.insert(rule.id).second)
          std::printf("    %s (Python)\n", rule.id);
      return 0;
    }
    // Every option each enabled check reads, with the value it would use.
    analyzer::ConfigFile effective = file;
    effective.checks = c.checks;
    effective.warningsAsErrors = c.warningsAsErrors;
    for (const analyzer::CheckInfo &info : analyzer::allChecks()) {
      if (!analyzer::checkEnabled(c.checks, info.id))
        continue;
      std::unique_ptr<analyzer::Check> check = info.create(c.options);
      (void)check;
    }
    for (const auto &kv : c.options.used())
      effective.checkOptions[kv.first] = kv.second;
    std::fputs(analyzer::dumpConfig(effective).c_str(), stdout);
    return 0;
  }

  // Python inputs go to the Python checker, which runs next to the C analysis.
  std::vector<std::string> cFiles;
  for (const std::string &f : a.files)
    (isPythonInput(f) ? a.pythonPaths : cFiles).push_back(f);
  bool onlyPython = cFiles.empty() && !a.pythonPaths.empty() && a.buildDir.empty();
  a.files = std::move(cFiles);

  std::unique_ptr<CompilationDatabase> db;
  if (onlyPython) {
    // No C/C++ file: no compilation database to look for.
  } else if (a.haveFixedArgs) {
    db = std::make_unique<FixedCompilationDatabase>(".", a.fixedArgs);
  } else if (!a.buildDir.empty()) {
    db = loadBuildDatabase(a.buildDir, a.filesRegex, a.files, error);
    if (!db) {
      std::fprintf(stderr, "procsan check: error: %s\n", error.c_str());
      return 2;
    }
  } else if (!a.files.empty()) {
    std::string message;
    db = CompilationDatabase::autoDetectFromSource(absolute(a.files[0]), message);
    if (!db) {
      std::fprintf(stderr,
                   "procsan check: warning: no compile_commands.json found above '%s'; "
                   "analyzing with default flags (pass -p BUILD_DIR or -- FLAGS)\n",
                   a.files[0].c_str());
      db = std::make_unique<FixedCompilationDatabase>(".", std::vector<std::string>{});
    }
  }
  if (db && (!a.extraArgs.empty() || !a.extraArgsBefore.empty())) {
    auto adjusting =
        std::make_unique<clang::tooling::ArgumentsAdjustingCompilations>(std::move(db));
    adjusting->appendArgumentsAdjuster(clang::tooling::getInsertArgumentAdjuster(
        a.extraArgsBefore, clang::tooling::ArgumentInsertPosition::BEGIN));
    adjusting->appendArgumentsAdjuster(clang::tooling::getInsertArgumentAdjuster(
        a.extraArgs, clang::tooling::ArgumentInsertPosition::END));
    db = std::move(adjusting);
  }
  if (a.files.empty() && a.pythonPaths.empty()) {
    std::fprintf(stderr, "procsan check: error: no input files\n");
    checkUsage(stderr);
    return 2;
  }

  std::vector<bool> inShard = shardMembers(a.files, a.shard, a.shards);
  std::unique_ptr<CheckCache> cache;
  if (!a.cacheDir.empty()) {
    cache = CheckCache::open(a.cacheDir, error);
    if (!cache) {
      std::fprintf(stderr, "procsan check: error: %s\n", error.c_str());
      return 2;
    }
  }

  bool color = a.color == 1 || (a.color == -1 && isatty(STDERR_FILENO));
  std::string resourceDir = analyzer::findResourceDir(selfDirectory());
  std::set<std::string> headerFindings; // reported by an earlier file
  bool progress = isatty(STDERR_FILENO) && !a.quiet && a.files.size() > 1;
  if (resourceDir.empty() && !a.files.empty())
    std::fprintf(stderr, "procsan check: warning: clang's builtin headers were not found; "
                         "install libclang-common-19-dev\n");

  unsigned jobs = a.jobs ? a.jobs : std::max(1u, std::thread::hardware_concurrency());
  // The Python checker runs while the C files are analyzed; the shard that reports Python
  // files is the first (they are not split: the checker is fast, and merging stays exact).
  std::vector<PythonFile> pythonFiles;
  std::string pythonError;
  bool pythonOk = true;
  std::thread pythonRun;
  if (!a.pythonPaths.empty() && a.shard == 1) {
    PythonRunOptions options;
    options.python = a.python;
    options.jobs = jobs;
    pythonRun = std::thread([&, options]() {
      pythonOk = runPythonChecker(a.pythonPaths, options, pythonFiles, pythonError);
    });
  }
  jobs = std::min<unsigned>(jobs, (unsigned)a.files.size());
  std::vector<analyzer::FileResult> results(a.files.size());
  std::vector<bool> ready(a.files.size(), false);
  size_t nextToPrint = 0;
  std::mutex mu;
  std::atomic<size_t> nextFile{0};
  unsigned totalFindings = 0, totalErrors = 0;
  bool inputErrors = false;

  // Results are printed in input order, each as soon as it and all before it are done.
  auto flushReady = [&]() {
    while (nextToPrint < results.size() && ready[nextToPrint]) {
      if (!inShard[nextToPrint]) { // another shard reports it
        ++nextToPrint;
        continue;
      }
      analyzer::FileResult &r = results[nextToPrint];
      analyzer::reportHeaderFindingsOnce(r, headerFindings);
      if (progress)
        std::fputs("\r\033[K", stderr);
      // A build that runs procsan as its clang-tidy shows the tool's standard output (and
      // hides its standard error unless it fails), so there the diagnostics go to stdout.
      std::fputs(r.output.c_str(), a.buildMode ? stdout : stderr);
      if (r.inputError) {
        // Messages that carry their own "file:line:col: error:" are printed as they are.
        bool located = r.errorMessage.find(": error: ") != std::string::npos;
        std::fprintf(stderr, "%s%s\n",
                     located ? "" : "procsan check: error: ", r.errorMessage.c_str());
        inputErrors = true;
      }
      totalFindings += r.findings;
      totalErrors += r.errors;
      ++nextToPrint;
    }
    if (progress && nextToPrint < results.size())
      std::fprintf(stderr, "\r\033[K[%zu/%zu] %s", nextToPrint, results.size(),
                   a.files[nextToPrint].c_str());
    std::fflush(stderr);
  };
  // Several files make one program: a first pass exports each file's summaries and records
  // what each file asked about the others; the files whose answers differ under the merged
  // table are analyzed again with it. Nothing is printed before the table is complete, so the
  // output depends neither on -j nor on which file finished first.
  bool crossTu = a.crossTu && a.files.size() > 1;
  analyzer::ProgramSummaries table;
  const analyzer::ProgramSummaries *passTable = nullptr;
  // With cross-file summaries every file takes part in the first pass (the files of other
  // shards only for their summaries: no check runs on them); without, only this shard's.
  std::vector<size_t> todo;
  for (size_t i = 0; i < a.files.size(); ++i)
    if (crossTu || inShard[i])
      todo.push_back(i);
  size_t completed = 0;
  auto worker = [&]() {
    for (;;) {
      size_t k = nextFile.fetch_add(1);
      if (k >= todo.size())
        return;
      size_t i = todo[k];
      analyzer::AnalyzerConfig config;
      std::string configError;
      std::map<std::string, std::string> rawOptions;
      configs.forFile(a.files[i], config, configError, &rawOptions);
      config.color = color;
      config.resourceDir = resourceDir;
      config.program = passTable;
      config.exportSummary = crossTu && !passTable;
      config.summaryOnly = config.exportSummary && !inShard[i];
      analyzer::FileResult r;
      r.file = a.files[i];
      r.index = i;
      // A second pass's result is valid while the table answers its questions as it did.
      std::string key;
      bool cached = false;
      if (cache && configError.empty()) {
        CachePass pass = !crossTu             ? CachePass::Alone
                         : passTable          ? CachePass::Second
                         : config.summaryOnly ? CachePass::SummaryOnly
                                              : CachePass::First;
        key = cache->key(*db, a.files[i], config, rawOptions, pass);
        cached = cache->lookup(key, r, passTable);
      }
      if (!cached) {
        llvm::IntrusiveRefCntPtr<RecordingFileSystem> recorder;
        if (!key.empty()) {
          recorder = llvm::makeIntrusiveRefCnt<RecordingFileSystem>();
          config.fileSystem = recorder;
        }
        r = analyzer::analyzeFile(*db, a.files[i], config);
        if (recorder && !r.inputError)
          cache->store(key, r, recorder->dependencies());
      }
      r.index = i;
      if (!configError.empty() && !r.inputError) {
        r.inputError = true;
        r.errorMessage = configError;
      } else if (!configError.empty()) {
        r.errorMessage = configError + "\nprocsan check: error: " + r.errorMessage;
      }
      std::lock_guard<std::mutex> lock(mu);
      results[i] = std::move(r);
      if (crossTu) {
        ++completed;
        if (progress)
          std::fprintf(stderr, "\r\033[K[%zu/%zu] %s", completed, a.files.size(),
                       a.files[i].c_str());
        continue;
      }
      ready[i] = true;
      flushReady();
    }
  };
  auto runPass = [&]() {
    nextFile = 0;
    unsigned n = std::min<unsigned>(jobs, (unsigned)std::max<size_t>(1, todo.size()));
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < n; ++t)
      threads.emplace_back(worker);
    worker();
    for (std::thread &t : threads)
      t.join();
  };
  runPass();
  if (crossTu) {
    for (const analyzer::FileResult &r : results)
      if (r.summary)
        table.add(*r.summary);
    table.finish();
    std::vector<size_t> again;
    for (size_t i = 0; i < results.size(); ++i) {
      const analyzer::FileResult &r = results[i];
      if (inShard[i] && !r.inputError && r.questions && r.questions->answersDiffer(&table))
        again.push_back(i);
    }
    if (a.crossTuStats)
      std::fprintf(stderr,
                   "procsan check: %zu functions summarized; %zu of %zu files analyzed again "
                   "with the summaries of the others\n",
                   table.size(), again.size(), a.files.size());
    todo = std::move(again);
    passTable = &table;
    completed = a.files.size() - todo.size();
    runPass();
    for (size_t i = 0; i < results.size(); ++i)
      ready[i] = true;
    flushReady();
  }

  if (pythonRun.joinable())
    pythonRun.join();
  if (!pythonOk) {
    std::fprintf(stderr, "procsan check: error: %s\n", pythonError.c_str());
    inputErrors = true;
  }
  for (const PythonFile &pf : pythonFiles) {
    analyzer::AnalyzerConfig config;
    std::string configError, targetsError;
    analyzer::ConfigFile file = configs.forFile(pf.path, config, configError);
    PythonTargets targets = configs.targetsFor(pf.path, file, targetsError);
    if (!targetsError.empty() && configError.find(targetsError) == std::string::npos)
      configError += (configError.empty() ? "" : "\n") + targetsError;
    analyzer::FileResult r = pythonFileResult(
        pf, [&](const std::string &id) { return analyzer::checkEnabled(config.checks, id); },
        [&](const std::string &id) {
          return !config.warningsAsErrors.empty() &&
                 analyzer::checkEnabled(config.warningsAsErrors, id);
        },
        targets);
    r.index = results.size();
    if (!configError.empty()) {
      r.inputError = true;
      r.errorMessage = configError + (r.errorMessage.empty() ? "" : "\n" + r.errorMessage);
    }
    results.push_back(std::move(r));
    inShard.push_back(true);
    ready.push_back(true);
  }
  flushReady();

  if (a.shards > 1) { // the reports, counts and exit status are this shard's
    std::vector<analyzer::FileResult> mine;
    for (size_t i = 0; i < results.size(); ++i)
      if (inShard[i])
        mine.push_back(std::move(results[i]));
    results = std::move(mine);
  }
  if (!writeReports(a, results))
    inputErrors = true;
  if (progress)
    std::fputs("\r\033[K", stderr);
  if (totalFindings && !a.quiet)
    std::fprintf(stderr, "%u warning%s generated.\n", totalFindings, totalFindings == 1 ? "" : "s");
  if (totalErrors && !a.quiet)
    std::fprintf(stderr, "%u warning%s treated as error%s.\n", totalErrors,
                 totalErrors == 1 ? "" : "s", totalErrors == 1 ? "" : "s");
  if (cache && a.crossTuStats)
    std::fprintf(stderr, "procsan check: %u of %u analyses taken from the cache\n", cache->hits(),
                 cache->lookups());
  // A wall of compiler errors still ends with a count.
  size_t notAnalyzed = 0;
  for (const analyzer::FileResult &r : results)
    notAnalyzed += r.inputError;
  if (notAnalyzed)
    std::fprintf(stderr, "procsan: %zu file%s analyzed, %zu not analyzed\n",
                 results.size() - notAnalyzed, results.size() - notAnalyzed == 1 ? "" : "s",
                 notAnalyzed);
  if (inputErrors)
    return 2;
  // In a build, warnings are the build's warnings: only findings made errors fail it.
  if (a.buildMode)
    return totalErrors ? 1 : 0;
  return totalFindings ? 1 : 0;
}

} // namespace tools
} // namespace procsan
