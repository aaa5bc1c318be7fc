#include "trace/reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace procsan {
namespace trace {

bool decodeLog(const uint8_t *data, size_t size, DecodedLog &out, std::string &error) {
  if (size < sizeof(FileHeader)) {
    error = "truncated header";
    return false;
  }
  FileHeader h;
  std::memcpy(&h, data, sizeof(h));
  if (h.magic != kMagic) {
    error = "not a procsan trace (bad magic)";
    return false;
  }
  if (h.version != kVersion) {
    error = "unsupported trace version " + std::to_string(h.version);
    return false;
  }
  if (h.recordSize != kRecordSize || h.headerSize != kHeaderSize) {
    error = "unexpected record or header size";
    return false;
  }
  out.pid = h.pid;
  out.ppid = h.ppid;
  out.generation = h.generation;
  out.startNs = h.startNs;
  out.dropped = h.dropped;
  if (size < kHeaderSize)
    return true;
  LogState state;
  std::memcpy(&state, data + kStateOffset, sizeof(state));
  for (const HeldLock &held : state.held) {
    if (held.kind != LockMutex && held.kind != LockSem)
      continue;
    if (held.tid > 0) {
      out.held.push_back(held);
    } else if (held.tid < -1 && held.tid >= -kMaxTid) { // -1: a slot being filled
      HeldLock w = held;
      w.tid = -held.tid;
      out.waiting.push_back(w);
    }
  }
  out.threadsLive = state.threadsLive > 0 ? state.threadsLive : 0;
  out.threadsCreated = state.threadsCreated;
  uint64_t slots = (size - kHeaderSize) / kRecordSize;
  uint64_t used = std::min<uint64_t>({h.nextIndex, (uint64_t)h.capacity, slots});
  const uint8_t *base = data + kHeaderSize;
  for (uint64_t i = 0; i < used; ++i) {
    Record r;
    std::memcpy(&r, base + i * kRecordSize, sizeof(r));
    if (r.kind == EvNone || r.kind >= EvKindCount || r.nframes > kMaxFrames) {
      ++out.skipped;
      continue;
    }
    DecodedRecord d;
    d.kind = r.kind;
    d.tid = r.tid;
    d.timeNs = r.timeNs;
    std::copy(std::begin(r.args), std::end(r.args), d.args);
    d.frames.assign(r.frames, r.frames + r.nframes);
    if (r.kind == EvArgv) {
      if (r.args[1] < 0 || (uint64_t)r.args[1] > kTextSize) {
        ++out.skipped;
        continue;
      }
      d.text.assign(r.text, (size_t)r.args[1]);
    } else {
      d.text.assign(r.text, strnlen(r.text, kTextSize));
    }
    out.records.push_back(std::move(d));
  }
  return true;
}

bool readLogFile(const std::string &path, DecodedLog &out, std::string &error) {
  out.path = path;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    error = "not a regular file";
    return false;
  }
  // Read the header, then only the slots it says are in use (logs are sparse files sized for
  // their capacity); never more than the file holds or a sane maximum.
  const size_t limit = logFileSize(1u << 20);
  size_t fileSize = std::min<size_t>((size_t)st.st_size, limit);
  size_t size = std::min<size_t>(fileSize, kHeaderSize);
  FileHeader h;
  if (pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) && h.magic == kMagic &&
      h.recordSize == kRecordSize && h.headerSize == kHeaderSize) {
    uint64_t used = std::min<uint64_t>(h.nextIndex, h.capacity);
    size = (size_t)std::min<uint64_t>(fileSize, kHeaderSize + used * kRecordSize);
  }
  std::vector<uint8_t> buf(size);
  size_t got = 0;
  while (got < size) {
    ssize_t n = pread(fd, buf.data() + got, size - got, (off_t)got);
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  close(fd);
  return decodeLog(buf.data(), got, out, error);
}

namespace {

bool isLogName(const std::string &name) {
  return name.size() >= 5 && name[0] == 'p' && name.compare(name.size() - 4, 4, ".log") == 0;
}

// The pid in p<PID>.<GEN>.log, or 0.
int pidOfLogName(const std::string &name) {
  long pid = 0;
  for (size_t i = 1; i < name.size() && name[i] >= '0' && name[i] <= '9' && pid < (1L << 30); ++i)
    pid = pid * 10 + (name[i] - '0');
  return (int)pid;
}

} // namespace

void readFinishedLogs(const std::string &dir, FinishedLogs &done) {
  DIR *d = opendir(dir.c_str());
  if (!d)
    return;
  std::vector<std::string> fresh;
  while (struct dirent *e = readdir(d)) {
    std::string name = e->d_name;
    if (!isLogName(name) || done.count(name))
      continue;
    int pid = pidOfLogName(name);
    // Gone means reaped: its memory, the log's mapping with it, was torn down before. A zombie,
    // or a pid that something else took since, still answers and is read at the end.
    if (pid > 0 && kill(pid, 0) != 0 && errno == ESRCH)
      fresh.push_back(std::move(name));
  }
  closedir(d);
  for (const std::string &name : fresh) {
    DecodedLog log;
    std::string error;
    if (readLogFile(dir + "/" + name, log, error))
      done.emplace(name, std::move(log));
  }
}

std::vector<DecodedLog> readSession(const std::string &dir, std::vector<std::string> &errors,
                                    FinishedLogs *done) {
  std::vector<DecodedLog> logs;
  DIR *d = opendir(dir.c_str());
  if (!d) {
    errors.push_back(dir + ": " + std::strerror(errno));
    return logs;
  }
  std::vector<std::string> names;
  while (struct dirent *e = readdir(d)) {
    std::string name = e->d_name;
    if (!isLogName(name))
      continue;
    if (done) {
      auto it = done->find(name);
      if (it != done->end()) {
        logs.push_back(std::move(it->second));
        done->erase(it);
        continue;
      }
    }
    names.push_back(std::move(name));
  }
  closedir(d);
  // A fork-heavy tree leaves thousands of logs, read after the program ended: the reading is
  // split among the machine's cores (each part into its own vectors, joined in name order).
  unsigned parts = std::min<unsigned>(std::max(1u, std::thread::hardware_concurrency()), 8);
  if (names.size() < 256)
    parts = 1;
  std::vector<std::vector<DecodedLog>> partLogs(parts);
  std::vector<std::vector<std::string>> partErrors(parts);
  auto readPart = [&](unsigned part) {
    for (size_t i = part; i < names.size(); i += parts) {
      DecodedLog log;
      std::string error;
      if (readLogFile(dir + "/" + names[i], log, error))
        partLogs[part].push_back(std::move(log));
      else
        partErrors[part].push_back(dir + "/" + names[i] + ": " + error);
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned part = 1; part < parts; ++part)
    helpers.emplace_back(readPart, part);
  readPart(0);
  for (std::thread &t : helpers)
    t.join();
  for (unsigned part = 0; part < parts; ++part) {
    for (DecodedLog &log : partLogs[part])
      logs.push_back(std::move(log));
    errors.insert(errors.end(), partErrors[part].begin(), partErrors[part].end());
  }
  std::sort(logs.begin(), logs.end(), [](const DecodedLog &a, const DecodedLog &b) {
    return a.startNs != b.startNs ? a.startNs < b.startNs : a.generation < b.generation;
  });
  return logs;
}

} // namespace trace
} // namespace procsan
