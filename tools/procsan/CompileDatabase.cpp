#include "CompileDatabase.h"

#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <algorithm>

using namespace clang::tooling;

namespace procsan {
namespace tools {

namespace {

// Response files (@FILE arguments) are read through this file system: only regular files of a
// sane size. A database naming @/dev/zero or @/dev/stdin made procsan check read forever (or
// until it ran out of memory and aborted); now that argument stays unexpanded and the file that
// uses it is reported as not compiling.
class ResponseFileSystem : public llvm::vfs::ProxyFileSystem {
public:
  ResponseFileSystem() : ProxyFileSystem(llvm::vfs::getRealFileSystem()) {}

  llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>>
  openFileForRead(const llvm::Twine &path) override {
    constexpr uint64_t kMaxResponseFile = 16u << 20;
    llvm::ErrorOr<llvm::vfs::Status> st = status(path);
    if (!st)
      return st.getError();
    if (!st->isRegularFile() || st->getSize() > kMaxResponseFile)
      return std::make_error_code(std::errc::invalid_argument);
    return ProxyFileSystem::openFileForRead(path);
  }
};

std::string canonicalPath(llvm::StringRef directory, llvm::StringRef file) {
  llvm::SmallString<256> path(file);
  if (!llvm::sys::path::is_absolute(path)) {
    llvm::SmallString<256> joined(directory);
    llvm::sys::path::append(joined, file);
    path = joined;
  }
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  llvm::sys::path::native(path);
  return std::string(path);
}

// Every file of the database in the order of its entries (a file's first entry counts), as
// docs/architecture.md promises: getAllFiles() lists them in the order of a hash table.
std::vector<std::string> filesInOrder(const CompilationDatabase &db) {
  std::vector<std::string> files = db.getAllFiles();
  llvm::StringMap<size_t> rank;
  size_t next = 0;
  for (const CompileCommand &cmd : db.getAllCompileCommands())
    rank.try_emplace(canonicalPath(cmd.Directory, cmd.Filename), next++);
  auto rankOf = [&](const std::string &f) {
    auto it = rank.find(canonicalPath("", f));
    return it == rank.end() ? next : it->second;
  };
  std::stable_sort(files.begin(), files.end(), [&](const std::string &x, const std::string &y) {
    size_t rx = rankOf(x), ry = rankOf(y);
    return rx != ry ? rx < ry : x < y;
  });
  return files;
}

} // namespace

std::unique_ptr<CompilationDatabase> loadBuildDatabase(const std::string &buildDir,
                                                       const std::string &filesRegex,
                                                       std::vector<std::string> &files,
                                                       std::string &error) {
  std::string message;
  std::unique_ptr<CompilationDatabase> db;
  llvm::SmallString<256> json(buildDir);
  llvm::sys::path::append(json, "compile_commands.json");
  if (llvm::sys::fs::exists(json)) {
    // What Clang's JSON plugin does, with response files read through ResponseFileSystem.
    db = JSONCompilationDatabase::loadFromFile(json, message, JSONCommandLineSyntax::AutoDetect);
    if (db)
      db = inferTargetAndDriverMode(inferMissingCompileCommands(
          expandResponseFiles(std::move(db), llvm::makeIntrusiveRefCnt<ResponseFileSystem>())));
  } else {
    db = CompilationDatabase::loadFromDirectory(buildDir, message); // compile_flags.txt
  }
  if (!db) {
    error = "cannot load the compilation database in '" + buildDir + "': " + message;
    return nullptr;
  }
  if (files.empty())
    files = filesInOrder(*db);
  if (!filesRegex.empty()) {
    llvm::Regex re(filesRegex);
    std::string reError;
    if (!re.isValid(reError)) {
      error = "bad --files-regex '" + filesRegex + "': " + reError;
      return nullptr;
    }
    std::vector<std::string> kept;
    for (const std::string &f : files)
      if (re.match(f))
        kept.push_back(f);
    files = std::move(kept);
  }
  return db;
}

} // namespace tools
} // namespace procsan
