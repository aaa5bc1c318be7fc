// procsan check --cache-dir=DIR: the results of translation units that did not change, kept
// across runs. An entry is found by a key made of what the analysis reads besides the files
// (procsan's build, the compile command, the effective configuration, the pass) and holds, with
// the result, every file the compiler looked at with what it found there (contents by hash,
// absence, directory listings): ccache's "direct mode", made exact by recording at the file
// system rather than the include directives. A result that depended on other files' summaries
// also holds the questions it asked them with their answers, and is used only while the
// program's table answers them alike. See docs/architecture.md, "The result cache".
#ifndef PROCSAN_TOOLS_CHECKCACHE_H
#define PROCSAN_TOOLS_CHECKCACHE_H

#include "Analyzer.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace procsan {
namespace tools {

// A path the compiler looked at and what it found: "m" missing, "d" a directory, "f" a file it
// did not read, "c<hash>" a file it read, "l<hash>" a directory it listed.
using Dependency = std::pair<std::string, std::string>;

// The real file system, remembering every path asked about (absolute) and what it gave.
class RecordingFileSystem : public llvm::vfs::ProxyFileSystem {
public:
  RecordingFileSystem();
  llvm::ErrorOr<llvm::vfs::Status> status(const llvm::Twine &path) override;
  bool exists(const llvm::Twine &path) override;
  llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>> openFileForRead(const llvm::Twine &path) override;
  llvm::vfs::directory_iterator dir_begin(const llvm::Twine &dir, std::error_code &ec) override;

  std::vector<Dependency> dependencies() const;
  // Called by the files it opened when the compiler reads them.
  void noteRead(const std::string &path, llvm::StringRef contents);

private:
  std::string absolute(const llvm::Twine &path) const;
  void note(const std::string &path, std::string found);
  std::map<std::string, std::string> seen;
};

// What the analysis of a file was asked to do; part of the key.
enum class CachePass : char {
  Alone = 'a',       // no cross-file summaries
  First = 'x',       // first pass: checks and the exported summary, without the others'
  SummaryOnly = 's', // first pass of a file of another --shard: only its summary
  Second = '2',      // again, with the table of all the files' summaries
};

class CheckCache {
public:
  // Opens (creates) the directory; null with error when it cannot.
  static std::unique_ptr<CheckCache> open(const std::string &dir, std::string &error);

  // The key of one file's analysis. rawOptions: the check options before the checks read them.
  std::string key(const clang::tooling::CompilationDatabase &db, const std::string &file,
                  const analyzer::AnalyzerConfig &config,
                  const std::map<std::string, std::string> &rawOptions, CachePass pass);

  // The stored result of `key` if every file it depended on is still as it was (and, for the
  // second pass, `table` answers its questions alike). A corrupt entry is reported (once) and
  // treated as absent.
  bool lookup(const std::string &key, analyzer::FileResult &out,
              const analyzer::ProgramSummaries *table = nullptr);
  // Stores a result (written to a temporary file, then renamed: concurrent runs sharing the
  // directory see whole entries or none). Failures are reported once and otherwise ignored.
  void store(const std::string &key, const analyzer::FileResult &result,
             const std::vector<Dependency> &deps);

  unsigned hits() const { return hitCount; }
  unsigned lookups() const { return lookupCount; }

private:
  explicit CheckCache(std::string dir);
  std::string entryPath(const std::string &key) const;
  // What `path` holds now, in the form of the recorded `found` (memoized for the run).
  std::string fingerprint(const std::string &path, const std::string &found);
  void warnOnce(const std::string &message);

  std::string dir;
  std::string identity; // procsan's build, clang's version, the environment the driver reads
  std::mutex mu;
  std::map<std::string, std::string> memo;
  bool warnedWrite = false;
  std::atomic<unsigned> hitCount{0}, lookupCount{0};
};

} // namespace tools
} // namespace procsan

#endif
