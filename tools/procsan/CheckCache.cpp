#include "CheckCache.h"
#include "Commands.h"

#include "clang/Basic/Version.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <thread>
#include <unistd.h>

namespace procsan {
namespace tools {
namespace {

constexpr llvm::StringLiteral kMagic = "procsan-cache 1\n";

std::string hashHex(llvm::StringRef data) {
  auto digest = llvm::BLAKE3::hash<16>(llvm::arrayRefFromStringRef(data));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

// A file the compiler opened: its contents are hashed when the compiler reads them, so the
// entry records exactly what the analysis saw (a file edited during the run is not mistaken
// for the version analyzed).
class RecordingFile : public llvm::vfs::File {
public:
  RecordingFile(std::unique_ptr<llvm::vfs::File> inner, RecordingFileSystem &fs, std::string path)
      : inner(std::move(inner)), fs(fs), path(std::move(path)) {}
  ~RecordingFile() override { inner->close(); }
  llvm::ErrorOr<llvm::vfs::Status> status() override { return inner->status(); }
  llvm::ErrorOr<std::string> getName() override { return inner->getName(); }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> getBuffer(const llvm::Twine &name,
                                                               int64_t fileSize,
                                                               bool requiresNullTerminator,
                                                               bool isVolatile) override {
    auto buffer = inner->getBuffer(name, fileSize, requiresNullTerminator, isVolatile);
    if (buffer)
      fs.noteRead(path, (*buffer)->getBuffer());
    return buffer;
  }
  std::error_code close() override { return inner->close(); }

private:
  std::unique_ptr<llvm::vfs::File> inner;
  RecordingFileSystem &fs;
  std::string path;
};

// Entries are length-prefixed fields, read back with bounds checks: an entry is untrusted
// input (another version, a crash mid-write on a file system without atomic rename, a disk
// error).
class Writer {
public:
  void num(uint64_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      out.push_back((char)(b | (v ? 0x80 : 0)));
    } while (v);
  }
  void str(llvm::StringRef s) {
    num(s.size());
    out.append(s.data(), s.size());
  }
  std::string out;
};

class Reader {
public:
  explicit Reader(llvm::StringRef in) : in(in) {}
  bool num(uint64_t &v) {
    v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (pos >= in.size())
        return false;
      uint8_t b = (uint8_t)in[pos++];
      v |= (uint64_t)(b & 0x7f) << shift;
      if (!(b & 0x80))
        return true;
    }
    return false;
  }
  template <typename T> bool num32(T &v) {
    uint64_t x;
    if (!num(x) || x > 0xffffffffull)
      return false;
    v = (T)x;
    return true;
  }
  bool flag(bool &v) {
    uint64_t x;
    if (!num(x) || x > 1)
      return false;
    v = x;
    return true;
  }
  bool str(std::string &s) {
    uint64_t n;
    if (!num(n) || n > in.size() - pos)
      return false;
    s = in.substr(pos, n).str();
    pos += n;
    return true;
  }
  // A count of elements, each at least one byte long.
  bool count(uint64_t &n) { return num(n) && n <= in.size() - pos; }
  bool done() const { return pos == in.size(); }

private:
  llvm::StringRef in;
  size_t pos = 0;
};

void writeStrings(Writer &w, const std::vector<std::string> &v) {
  w.num(v.size());
  for (const std::string &s : v)
    w.str(s);
}

bool readStrings(Reader &r, std::vector<std::string> &v) {
  uint64_t n;
  if (!r.count(n))
    return false;
  v.resize(n);
  for (std::string &s : v)
    if (!r.str(s))
      return false;
  return true;
}

void writePosition(Writer &w, const analyzer::Position &p) {
  w.str(p.file);
  w.num(p.line);
  w.num(p.column);
  w.num(p.offset);
}

bool readPosition(Reader &r, analyzer::Position &p) {
  return r.str(p.file) && r.num32(p.line) && r.num32(p.column) && r.num32(p.offset);
}

// Every field of TUSummary (model/ProgramSummaries.h): a field added there must be added here.
void writeSummary(Writer &w, const analyzer::TUSummary &s) {
  w.str(s.file);
  w.num(s.functions.size());
  for (const auto &[usr, f] : s.functions) {
    w.str(usr);
    w.num(f.facts);
    w.num(f.reapsParam);
    w.num(f.closesParam);
    w.num(f.drainsParam);
    w.num(f.keepsParam);
    w.num(f.fdParams);
    writeStrings(w, f.returnsResultOf);
    writeStrings(w, f.noReturnIf);
    writeStrings(w, f.neverFailsIf);
    w.str(f.name);
    w.str(f.where);
  }
  w.str(s.reapsWhere);
  w.str(s.threadsWhere);
  w.num(s.unlinked.size());
  for (const analyzer::IpcNameText &n : s.unlinked) {
    w.num((uint64_t)n.family);
    w.str(n.text);
    w.num(n.prefix);
  }
  for (bool u : s.unlinksUnknown)
    w.num(u);
  auto writeGraph = [&](const std::map<std::string, std::vector<std::string>> &g) {
    w.num(g.size());
    for (const auto &[k, v] : g) {
      w.str(k);
      writeStrings(w, v);
    }
  };
  writeGraph(s.calls);
  writeStrings(w, s.startsThreadsDirectly);
  writeStrings(w, s.addressTaken);
  w.num(s.threadsAtStart);
  writeGraph(s.mainEarly);
  writeGraph(s.exitHandlers);
  w.num(s.sharedStorage.size());
  for (const auto &[k, v] : s.sharedStorage) {
    w.str(k);
    w.num(v);
  }
}

bool readSummary(Reader &r, analyzer::TUSummary &s) {
  uint64_t n;
  if (!r.str(s.file) || !r.count(n))
    return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string usr;
    analyzer::FunctionSummary f;
    if (!r.str(usr) || !r.num32(f.facts) || !r.num32(f.reapsParam) || !r.num32(f.closesParam) ||
        !r.num32(f.drainsParam) || !r.num32(f.keepsParam) || !r.num32(f.fdParams) ||
        !readStrings(r, f.returnsResultOf) || !readStrings(r, f.noReturnIf) ||
        !readStrings(r, f.neverFailsIf) || !r.str(f.name) || !r.str(f.where))
      return false;
    s.functions[usr] = std::move(f);
  }
  if (!r.str(s.reapsWhere) || !r.str(s.threadsWhere) || !r.count(n))
    return false;
  s.unlinked.resize(n);
  for (analyzer::IpcNameText &t : s.unlinked)
    if (!r.num32(t.family) || t.family > 2 || !r.str(t.text) || !r.flag(t.prefix))
      return false;
  for (bool &u : s.unlinksUnknown)
    if (!r.flag(u))
      return false;
  auto readGraph = [&](std::map<std::string, std::vector<std::string>> &g) {
    uint64_t m;
    if (!r.count(m))
      return false;
    for (uint64_t i = 0; i < m; ++i) {
      std::string k;
      if (!r.str(k) || !readStrings(r, g[k]))
        return false;
    }
    return true;
  };
  if (!readGraph(s.calls) || !readStrings(r, s.startsThreadsDirectly) ||
      !readStrings(r, s.addressTaken) || !r.flag(s.threadsAtStart) || !readGraph(s.mainEarly) ||
      !readGraph(s.exitHandlers) || !r.count(n))
    return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string k;
    uint32_t v;
    if (!r.str(k) || !r.num32(v))
      return false;
    s.sharedStorage[k] = v;
  }
  return true;
}

void writeResult(Writer &w, const analyzer::FileResult &res) {
  w.str(res.output);
  w.num(res.reported.size());
  for (const analyzer::ReportedFinding &f : res.reported) {
    w.str(f.ruleId);
    w.num(f.asError);
    w.str(f.message);
    writePosition(w, f.at);
    w.str(f.sourceLine);
    w.num(f.notes.size());
    for (const analyzer::ReportedNote &n : f.notes) {
      writePosition(w, n.at);
      w.str(n.message);
    }
    w.num(f.fixes.size());
    for (const analyzer::ReportedFix &x : f.fixes) {
      writePosition(w, x.at);
      w.num(x.length);
      w.str(x.replacement);
    }
    w.str(f.rendered);
    w.str(f.headerKey);
  }
  w.num(res.summary != nullptr);
  if (res.summary)
    writeSummary(w, *res.summary);
  w.num(res.questions != nullptr);
  if (res.questions) {
    w.num(res.questions->asked.size());
    for (const auto &[q, a] : res.questions->asked) {
      w.str(q);
      w.str(a);
    }
  }
}

bool readResult(Reader &r, analyzer::FileResult &res) {
  uint64_t n;
  if (!r.str(res.output) || !r.count(n))
    return false;
  res.reported.resize(n);
  for (analyzer::ReportedFinding &f : res.reported) {
    uint64_t m;
    if (!r.str(f.ruleId) || !r.flag(f.asError) || !r.str(f.message) || !readPosition(r, f.at) ||
        !r.str(f.sourceLine) || !r.count(m))
      return false;
    f.notes.resize(m);
    for (analyzer::ReportedNote &note : f.notes)
      if (!readPosition(r, note.at) || !r.str(note.message))
        return false;
    if (!r.count(m))
      return false;
    f.fixes.resize(m);
    for (analyzer::ReportedFix &x : f.fixes)
      if (!readPosition(r, x.at) || !r.num32(x.length) || !r.str(x.replacement))
        return false;
    if (!r.str(f.rendered) || !r.str(f.headerKey))
      return false;
    res.errors += f.asError;
  }
  res.findings = (unsigned)res.reported.size();
  bool has;
  if (!r.flag(has))
    return false;
  if (has) {
    res.summary = std::make_shared<analyzer::TUSummary>();
    if (!readSummary(r, *res.summary))
      return false;
  }
  if (!r.flag(has))
    return false;
  if (has) {
    res.questions = std::make_shared<analyzer::ProgramQuestions>();
    if (!r.count(n))
      return false;
    for (uint64_t i = 0; i < n; ++i) {
      std::string q, a;
      if (!r.str(q) || !r.str(a) || q.size() < 2)
        return false;
      res.questions->asked[q] = a;
    }
  }
  return true;
}

// Where this code was loaded from: procsan's analyzer is part of it, so its contents stand for
// procsan's version (a rebuild with a changed check is another version).
std::string libraryHash() {
  Dl_info info;
  if (dladdr((void *)&libraryHash, &info) && info.dli_fname) {
    auto buffer = llvm::MemoryBuffer::getFile(info.dli_fname);
    if (buffer)
      return hashHex((*buffer)->getBuffer());
  }
  return "unknown";
}

} // namespace

RecordingFileSystem::RecordingFileSystem()
    : ProxyFileSystem(llvm::vfs::createPhysicalFileSystem()) {}

std::string RecordingFileSystem::absolute(const llvm::Twine &path) const {
  llvm::SmallString<256> p;
  path.toVector(p);
  if (!llvm::sys::path::is_absolute(p))
    getUnderlyingFS().makeAbsolute(p);
  return std::string(p);
}

void RecordingFileSystem::note(const std::string &path, std::string found) {
  auto [it, added] = seen.emplace(path, found);
  // What was read says more than that it exists.
  if (!added && found[0] == 'c')
    it->second = std::move(found);
}

void RecordingFileSystem::noteRead(const std::string &path, llvm::StringRef contents) {
  note(path, "c" + hashHex(contents));
}

llvm::ErrorOr<llvm::vfs::Status> RecordingFileSystem::status(const llvm::Twine &path) {
  auto st = ProxyFileSystem::status(path);
  note(absolute(path), !st ? "m" : st->isDirectory() ? "d" : "f");
  return st;
}

bool RecordingFileSystem::exists(const llvm::Twine &path) { return (bool)status(path); }

llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>>
RecordingFileSystem::openFileForRead(const llvm::Twine &path) {
  std::string abs = absolute(path);
  auto file = ProxyFileSystem::openFileForRead(path);
  if (!file) {
    note(abs, "m");
    return file;
  }
  auto st = (*file)->status();
  note(abs, st && st->isDirectory() ? "d" : "f");
  return std::unique_ptr<llvm::vfs::File>(
      std::make_unique<RecordingFile>(std::move(*file), *this, abs));
}

llvm::vfs::directory_iterator RecordingFileSystem::dir_begin(const llvm::Twine &dir,
                                                             std::error_code &ec) {
  std::string abs = absolute(dir);
  // The listing as names and types, sorted: the compiler's driver lists directories to find a
  // GCC installation, and a new version installed there changes the include paths.
  std::vector<std::string> names;
  std::error_code listEc;
  for (llvm::sys::fs::directory_iterator it(abs, listEc), end; it != end && !listEc;
       it.increment(listEc))
    names.push_back(std::string(llvm::sys::path::filename(it->path())) + "\t" +
                    std::to_string((int)it->type()));
  std::sort(names.begin(), names.end());
  std::string all = listEc ? "error" : "";
  for (const std::string &n : names)
    all += n + "\n";
  seen[abs] = "l" + hashHex(all); // what was listed says more than that it is a directory
  return ProxyFileSystem::dir_begin(dir, ec);
}

std::vector<Dependency> RecordingFileSystem::dependencies() const {
  return std::vector<Dependency>(seen.begin(), seen.end());
}

CheckCache::CheckCache(std::string d) : dir(std::move(d)) {
  Writer w;
  w.str(kMagic);
  w.str(kVersion);
  w.str(libraryHash());
  w.str(clang::getClangFullVersion());
  // What the compiler's driver reads from the environment, and the directory relative paths
  // are taken from.
  for (const char *var : {"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH", "OBJC_INCLUDE_PATH",
                          "OBJCPLUS_INCLUDE_PATH", "COMPILER_PATH", "GCC_EXEC_PREFIX", "SDKROOT",
                          "SOURCE_DATE_EPOCH"}) {
    const char *v = std::getenv(var);
    w.num(v != nullptr);
    w.str(v ? v : "");
  }
  llvm::SmallString<256> cwd;
  llvm::sys::fs::current_path(cwd);
  w.str(cwd);
  identity = w.out;
}

std::unique_ptr<CheckCache> CheckCache::open(const std::string &dir, std::string &error) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    error = "cannot use the cache directory " + dir + ": " + ec.message();
    return nullptr;
  }
  if (!llvm::sys::fs::is_directory(dir)) {
    error = "cannot use the cache directory " + dir + ": not a directory";
    return nullptr;
  }
  return std::unique_ptr<CheckCache>(new CheckCache(dir));
}

std::string CheckCache::key(const clang::tooling::CompilationDatabase &db, const std::string &file,
                            const analyzer::AnalyzerConfig &config,
                            const std::map<std::string, std::string> &rawOptions, CachePass pass) {
  Writer w;
  w.str(identity);
  w.num((uint64_t)pass);
  w.str(file);
  std::vector<clang::tooling::CompileCommand> commands = db.getCompileCommands(file);
  w.num(commands.size());
  for (const clang::tooling::CompileCommand &c : commands) {
    w.str(c.Directory);
    w.str(c.Filename);
    w.str(c.Output);
    writeStrings(w, c.CommandLine);
    // The main file's contents too: an entry holds one version of its inputs, and a file
    // edited and then edited back (a branch switched and back) still finds its first entry.
    llvm::SmallString<256> path(c.Filename);
    llvm::sys::fs::make_absolute(c.Directory, path);
    w.str(fingerprint(std::string(path), "c"));
  }
  w.str(config.checks);
  w.str(config.warningsAsErrors);
  w.num(rawOptions.size());
  for (const auto &[k, v] : rawOptions) {
    w.str(k);
    w.str(v);
  }
  w.num(config.color);
  w.str(config.resourceDir);
  return hashHex(w.out);
}

std::string CheckCache::entryPath(const std::string &key) const {
  llvm::SmallString<256> p(dir);
  llvm::sys::path::append(p, key.substr(0, 2), key.substr(2));
  return std::string(p);
}

std::string CheckCache::fingerprint(const std::string &path, const std::string &found) {
  std::string memoKey = found.substr(0, 1) + path;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = memo.find(memoKey);
    if (it != memo.end())
      return it->second;
  }
  std::string now;
  llvm::sys::fs::file_status st;
  if (found[0] == 'l') { // a listing, of a directory that may not exist (listed as such)
    RecordingFileSystem fs;
    std::error_code ec;
    fs.dir_begin(path, ec);
    std::vector<Dependency> d = fs.dependencies();
    now = d.empty() ? "m" : d.front().second;
  } else if (llvm::sys::fs::status(path, st)) {
    now = "m";
  } else if (st.type() == llvm::sys::fs::file_type::directory_file) {
    now = "d";
  } else if (found[0] == 'c') {
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    now = buffer ? "c" + hashHex((*buffer)->getBuffer()) : "m";
  } else {
    now = "f";
  }
  std::lock_guard<std::mutex> lock(mu);
  memo[memoKey] = now;
  return now;
}

void CheckCache::warnOnce(const std::string &message) {
  std::lock_guard<std::mutex> lock(mu);
  if (memo.emplace("w" + message, "").second)
    std::fprintf(stderr, "procsan check: warning: %s\n", message.c_str());
}

bool CheckCache::lookup(const std::string &key, analyzer::FileResult &out,
                        const analyzer::ProgramSummaries *table) {
  ++lookupCount;
  std::string path = entryPath(key);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    if (buffer.getError() != std::errc::no_such_file_or_directory)
      warnOnce("cannot read the cache entry " + path + ": " + buffer.getError().message() +
               "; ignored");
    return false;
  }
  llvm::StringRef data = (*buffer)->getBuffer();
  auto corrupt = [&]() {
    warnOnce("the cache entry " + path + " is corrupt; ignored (the file is analyzed again)");
    return false;
  };
  if (!data.consume_front(kMagic) || data.size() < 32)
    return corrupt();
  llvm::StringRef digest = data.take_front(32), payload = data.drop_front(32);
  if (hashHex(payload) != digest)
    return corrupt();
  Reader r(payload);
  std::string storedKey;
  uint64_t n;
  if (!r.str(storedKey) || storedKey != key || !r.count(n))
    return corrupt();
  std::vector<Dependency> deps(n);
  for (Dependency &d : deps)
    if (!r.str(d.first) || !r.str(d.second) || d.second.empty())
      return corrupt();
  analyzer::FileResult result;
  if (!readResult(r, result) || !r.done())
    return corrupt();
  for (const Dependency &d : deps)
    if (fingerprint(d.first, d.second) != d.second)
      return false;
  if (table && (!result.questions || result.questions->answersDiffer(table)))
    return false;
  result.file = out.file;
  result.index = out.index;
  out = std::move(result);
  ++hitCount;
  return true;
}

void CheckCache::store(const std::string &key, const analyzer::FileResult &result,
                       const std::vector<Dependency> &deps) {
  Writer w;
  w.str(key);
  w.num(deps.size());
  for (const Dependency &d : deps) {
    w.str(d.first);
    w.str(d.second);
  }
  writeResult(w, result);
  std::string path = entryPath(key);
  std::string parent = std::string(llvm::sys::path::parent_path(path));
  std::string tmp = parent + "/.tmp-" + std::to_string(getpid()) + "-" +
                    std::to_string(std::hash<std::thread::id>()(std::this_thread::get_id())) + "-" +
                    key;
  std::error_code ec = llvm::sys::fs::create_directories(parent);
  if (!ec) {
    llvm::raw_fd_ostream os(tmp, ec);
    if (!ec) {
      os << kMagic << hashHex(w.out) << w.out;
      os.close();
      if (os.has_error())
        ec = os.error();
    }
  }
  if (!ec)
    ec = llvm::sys::fs::rename(tmp, path);
  if (ec) {
    llvm::sys::fs::remove(tmp);
    std::lock_guard<std::mutex> lock(mu);
    if (!warnedWrite)
      std::fprintf(stderr, "procsan check: warning: cannot write to the cache directory %s: %s\n",
                   dir.c_str(), ec.message().c_str());
    warnedWrite = true;
  }
}

} // namespace tools
} // namespace procsan
