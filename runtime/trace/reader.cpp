#include "trace/reader.h"

#include <algorithm>
#include <cerrno>
#include <csetjmp>
#include <cstdint>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
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
  // The events still in the ring: [consumed, nextIndex), at most a ring's worth, each in slot
  // index % capacity; the ones before were consumed into the spill file (decodeSpill).
  uint64_t slots = (size - kHeaderSize) / kRecordSize;
  if (h.capacity == 0)
    return true;
  uint64_t first = h.consumed <= h.nextIndex ? h.consumed : h.nextIndex;
  uint64_t end = std::min<uint64_t>(h.nextIndex, first + h.capacity);
  // In slot terms: from first's slot up to the end of the ring, then from slot 0 when it went
  // around; slots past the end of a file cut short are not there (a header is untrusted: its
  // capacity can be anything, the loops only visit slots the data holds).
  const uint8_t *base = data + kHeaderSize;
  uint64_t start = slotOf(first, h.capacity), count = end - first;
  uint64_t firstPart = std::min<uint64_t>(count, h.capacity - start);
  for (uint64_t slot = start; slot < start + firstPart && slot < slots; ++slot)
    decodeRecord(base + slot * kRecordSize, out);
  for (uint64_t slot = 0; slot < count - firstPart && slot < slots; ++slot)
    decodeRecord(base + slot * kRecordSize, out);
  return true;
}

void decodeRecord(const uint8_t *data, DecodedLog &out) {
  Record r;
  std::memcpy(&r, data, sizeof(r));
  if (r.kind == EvNone || r.kind >= EvKindCount || r.nframes > kMaxFrames) {
    ++out.skipped;
    return;
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
      return;
    }
    d.text.assign(r.text, (size_t)r.args[1]);
  } else if (r.kind == EvPyCode) {
    if (r.args[2] < 0 || (uint64_t)r.args[2] > kPyNamesSize) {
      ++out.skipped;
      return;
    }
    d.frames.clear();
    d.text.assign(reinterpret_cast<const char *>(data) + offsetof(Record, frames),
                  (size_t)r.args[2]);
  } else if (r.kind == EvPyStack) {
    d.text.assign(r.text, kTextSize); // the frames' line numbers, int32 each
  } else {
    d.text.assign(r.text, strnlen(r.text, kTextSize));
  }
  out.records.push_back(std::move(d));
}

std::string spillPathOf(const std::string &logPath) {
  if (logPath.size() > 4 && logPath.compare(logPath.size() - 4, 4, ".log") == 0)
    return logPath.substr(0, logPath.size() - 4) + ".spill";
  return logPath + ".spill";
}

bool readLogFile(const std::string &path, DecodedLog &out, std::string &error) {
  out.path = path;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
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
  // their capacity, and a ring that went around uses them all); never more than the file holds
  // or a sane maximum.
  const size_t limit = logFileSize(1u << 20);
  size_t fileSize = std::min<size_t>((size_t)st.st_size, limit);
  size_t size = std::min<size_t>(fileSize, kHeaderSize);
  FileHeader h;
  if (pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) && h.magic == kMagic &&
      h.recordSize == kRecordSize && h.headerSize == kHeaderSize) {
    uint64_t used = std::min<uint64_t>(h.nextIndex, h.capacity);
    size = (size_t)std::min<uint64_t>(fileSize, kHeaderSize + used * kRecordSize);
  }
  // Events the monitor consumed while the program ran come first, from the spill file.
  std::string spillError;
  if (!readSpillFile(spillPathOf(path), out, spillError)) {
    close(fd);
    error = spillError;
    return false;
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

bool readSpillFile(const std::string &path, DecodedLog &out, std::string &error) {
  // Non-blocking: a FIFO the traced program left under this name must not hang the reader.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT)
      return true; // nothing was consumed early
    error = path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    error = path + ": not a regular file";
    return false;
  }
  // Whole records only (a monitor killed mid-write leaves a partial one), read in chunks.
  std::vector<uint8_t> chunk(1024 * kRecordSize);
  off_t at = 0;
  for (;;) {
    ssize_t n = pread(fd, chunk.data(), chunk.size(), at);
    if (n <= 0)
      break;
    size_t whole = (size_t)n / kRecordSize;
    for (size_t i = 0; i < whole; ++i)
      decodeRecord(chunk.data() + i * kRecordSize, out);
    if (whole == 0)
      break;
    at += (off_t)(whole * kRecordSize);
  }
  close(fd);
  return true;
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

size_t decodedBytes(const DecodedLog &log) {
  size_t n = sizeof(DecodedLog) + log.path.size() + 64 /* map node */ +
             (log.held.size() + log.waiting.size()) * sizeof(HeldLock);
  for (const DecodedRecord &r : log.records)
    n += sizeof(DecodedRecord) + r.frames.size() * sizeof(uint64_t) + r.text.capacity();
  return n;
}

void readFinishedLogs(const std::string &dir, FinishedLogs &done, size_t &heldBytes,
                      size_t budgetBytes) {
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
    done.note(name);
    if (heldBytes < budgetBytes && readLogFile(dir + "/" + name, log, error)) {
      heldBytes += decodedBytes(log);
      done.decoded.emplace(name, std::move(log));
    }
  }
}

uint64_t FinishedLogs::keyOf(const std::string &name) {
  // p<PID>.<GEN>.log; another name (the program's, not the runtime's) by its hash.
  uint64_t pid = 0, gen = 0;
  size_t i = 1;
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9' && pid < (1u << 30); ++i)
    pid = pid * 10 + (uint64_t)(name[i] - '0');
  bool ok = i > 1 && i < name.size() && name[i] == '.';
  size_t g = ++i;
  for (; ok && i < name.size() && name[i] >= '0' && name[i] <= '9' && gen < (1u << 30); ++i)
    gen = gen * 10 + (uint64_t)(name[i] - '0');
  if (ok && i > g && name.compare(i, std::string::npos, ".log") == 0)
    return pid << 32 | gen;
  return std::hash<std::string>()(name) | 1ull << 63;
}

size_t FinishedLogs::count(const std::string &name) const {
  uint64_t key = keyOf(name);
  return std::binary_search(gone_.begin(), gone_.end(), key) ||
         std::binary_search(recent_.begin(), recent_.end(), key);
}

void FinishedLogs::note(const std::string &name) {
  uint64_t key = keyOf(name);
  auto at = std::lower_bound(recent_.begin(), recent_.end(), key);
  if ((at != recent_.end() && *at == key) || std::binary_search(gone_.begin(), gone_.end(), key))
    return;
  recent_.insert(at, key);
  if (recent_.size() < 4096)
    return;
  std::vector<uint64_t> merged(gone_.size() + recent_.size());
  std::merge(gone_.begin(), gone_.end(), recent_.begin(), recent_.end(), merged.begin());
  gone_.swap(merged);
  recent_.clear();
}

namespace {

// The traced program owns its log: it can truncate the file under the monitor's mapping, and the
// next access there raises SIGBUS. The consumer's accesses run under this guard: the handler
// jumps back out of them, and the log is given up instead of the monitor dying.
thread_local sigjmp_buf *tlsBusGuard;

void onBus(int sig, siginfo_t *, void *) {
  if (sigjmp_buf *guard = tlsBusGuard) {
    tlsBusGuard = nullptr;
    siglongjmp(*guard, 1);
  }
  signal(sig, SIG_DFL); // not ours: die of it as the process would have
  raise(sig);
}

void installBusGuard() {
  static bool installed = false;
  if (installed)
    return;
  installed = true;
  struct sigaction sa = {};
  sa.sa_sigaction = onBus;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, nullptr);
}

// Opens a file of the session that must be a regular file: never blocks on a FIFO or device the
// traced program put there in its place, never follows a symlink.
int openRegular(const std::string &path, int flags, std::string &error) {
  int fd = open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  if (fd < 0) {
    error = std::strerror(errno);
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    error = "not a regular file";
    return -1;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0)
    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  return fd;
}

} // namespace

RingConsumer::~RingConsumer() {
  for (auto &m : maps_)
    munmap(m.second.base, m.second.size);
}

bool RingConsumer::mapLog(const std::string &name) {
  std::string path = dir_ + "/" + name, error;
  int fd = openRegular(path, O_RDWR, error);
  if (fd < 0)
    return false;
  FileHeader h;
  struct stat st;
  // The header is the traced program's to write: its capacity is read once, here, and bounds
  // every index later; the mapping covers exactly what the file held then.
  if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || h.magic != kMagic ||
      h.version != kVersion || h.recordSize != kRecordSize || h.headerSize != kHeaderSize ||
      h.capacity == 0 || h.capacity > (1u << 20) || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      (uint64_t)st.st_size < logFileSize(h.capacity)) {
    close(fd);
    return false;
  }
  size_t size = logFileSize(h.capacity);
  void *base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (base == MAP_FAILED)
    return false;
  maps_[name] = Mapped{static_cast<uint8_t *>(base), size, h.capacity};
  return true;
}

uint64_t RingConsumer::consume(const FinishedLogs &done, uint64_t nowNs, bool rescan) {
  if (rescan || maps_.empty()) {
    // Logs of processes that are gone (read whole by the harvest) are let go; new ones mapped.
    for (auto it = maps_.begin(); it != maps_.end();) {
      if (done.count(it->first) || failures_.count(it->first)) {
        munmap(it->second.base, it->second.size);
        it = maps_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = unmappable_.begin(); it != unmappable_.end();)
      it = done.count(it->first) ? unmappable_.erase(it) : std::next(it);
    if (DIR *d = opendir(dir_.c_str())) {
      while (struct dirent *e = readdir(d)) {
        std::string name = e->d_name;
        if (!isLogName(name) || done.count(name) || failures_.count(name) || maps_.count(name))
          continue;
        // A log can be seen before its header is written (created, then sized and filled): a
        // name that cannot be mapped is tried again on later looks, for 5 s.
        auto bad = unmappable_.find(name);
        if (bad != unmappable_.end() && nowNs - bad->second > 5000000000ull)
          continue;
        if (mapLog(name))
          unmappable_.erase(name);
        else if (bad == unmappable_.end())
          unmappable_.emplace(name, nowNs);
      }
      closedir(d);
    }
  }
  uint64_t total = 0;
  for (auto &m : maps_)
    total += consumeLog(m.first, m.second);
  return total;
}

uint64_t RingConsumer::consumeLog(const std::string &name, Mapped &m) {
  if (failures_.count(name))
    return 0;
  installBusGuard();
  auto *hdr = reinterpret_cast<FileHeader *>(m.base);
  uint8_t *slots = m.base + kHeaderSize;
  if (buf_.size() < (size_t)m.capacity * kRecordSize)
    buf_.resize((size_t)m.capacity * kRecordSize);
  // Only plain loads, stores and memcpy run under the guard (no C++ object lives there), so the
  // jump out of a SIGBUS leaves nothing half-made.
  sigjmp_buf guard;
  volatile uint64_t first = 0, upto = 0;
  if (sigsetjmp(guard, 1)) {
    failures_[name] = "the log was truncated under the monitor";
    return 0;
  }
  tlsBusGuard = &guard;
  first = __atomic_load_n(&hdr->consumed, __ATOMIC_ACQUIRE);
  uint64_t next = __atomic_load_n(&hdr->nextIndex, __ATOMIC_ACQUIRE);
  if (first <= next && next - first >= m.capacity / 2) {
    uint64_t end = std::min<uint64_t>(next, first + m.capacity), i = first;
    // Up to the first event not committed yet. A writer holds its index only while it writes
    // the record (an index is taken once its slot is free), so a slot is never given up while
    // the process lives: a writer stopped in the middle of its record would otherwise commit
    // into a slot that belongs to a later event. Once the process is gone, the final read
    // counts it as skipped.
    for (; i < end; ++i) {
      const uint8_t *r = slots + slotOf(i, m.capacity) * kRecordSize;
      if (__atomic_load_n(&reinterpret_cast<const Record *>(r)->kind, __ATOMIC_ACQUIRE) == EvNone)
        break;
      std::memcpy(buf_.data() + (i - first) * kRecordSize, r, kRecordSize);
    }
    upto = i;
  }
  tlsBusGuard = nullptr;
  uint64_t consumed = upto > first ? upto - first : 0;
  if (consumed == 0)
    return 0;
  size_t bytes = (size_t)consumed * kRecordSize;
  if (bytes > maxSpill_ || spilled_ > maxSpill_ - bytes) {
    failures_[name] = "the spill limit was reached";
    giveUp(name, m);
    return 0;
  }
  std::string spill = spillPathOf(dir_ + "/" + name), openError;
  int sfd = openRegular(spill, O_WRONLY | O_APPEND | O_CREAT, openError);
  off_t before = sfd >= 0 ? lseek(sfd, 0, SEEK_END) : -1;
  size_t written = 0;
  while (sfd >= 0 && written < bytes) {
    ssize_t n = write(sfd, buf_.data() + written, bytes - written);
    if (n <= 0)
      break;
    written += (size_t)n;
  }
  int err = errno;
  if (written != bytes && sfd >= 0 && before >= 0 && ftruncate(sfd, before) != 0)
    err = errno; // a part of the batch stays; read again it is a duplicate, no loss
  if (sfd >= 0)
    close(sfd);
  if (written != bytes) {
    // No room (or no spill file): the ring stays as it is, its writers drop what does not fit,
    // and the report says which process lost events.
    failures_[name] = sfd < 0 ? openError : std::strerror(err ? err : ENOSPC);
    giveUp(name, m);
    return 0;
  }
  spilled_ += bytes;
  if (sigsetjmp(guard, 1)) {
    failures_[name] = "the log was truncated under the monitor";
    return consumed;
  }
  tlsBusGuard = &guard;
  for (uint64_t k = first; k < upto; ++k) {
    auto *r = reinterpret_cast<Record *>(slots + slotOf(k, m.capacity) * kRecordSize);
    __atomic_store_n(&r->kind, (uint16_t)EvNone, __ATOMIC_RELAXED);
  }
  __atomic_store_n(&hdr->consumed, (uint64_t)upto, __ATOMIC_RELEASE);
  __atomic_store_n(&hdr->backoffUntilNs, (uint64_t)0, __ATOMIC_RELAXED); // writers may wait again
  tlsBusGuard = nullptr;
  return consumed;
}

void RingConsumer::giveUp(const std::string &name, Mapped &m) {
  (void)name;
  sigjmp_buf guard;
  if (sigsetjmp(guard, 1))
    return;
  tlsBusGuard = &guard;
  __atomic_store_n(&reinterpret_cast<FileHeader *>(m.base)->consumerGone, 1u, __ATOMIC_RELEASE);
  tlsBusGuard = nullptr;
}

std::vector<std::string> logNames(const std::string &dir, std::vector<std::string> &errors) {
  std::vector<std::string> names;
  DIR *d = opendir(dir.c_str());
  if (!d) {
    errors.push_back(dir + ": " + std::strerror(errno));
    return names;
  }
  while (struct dirent *e = readdir(d))
    if (isLogName(e->d_name))
      names.push_back(e->d_name);
  closedir(d);
  return names;
}

void forEachLog(const std::string &dir, const std::vector<std::string> &names,
                std::vector<std::string> &errors,
                const std::function<void(size_t, DecodedLog &&)> &each) {
  // A fork-heavy tree leaves thousands of logs, read after the program ended: the reading is
  // split among the machine's cores.
  unsigned parts = std::min<unsigned>(std::max(1u, std::thread::hardware_concurrency()), 8);
  if (names.size() < 256)
    parts = 1;
  std::vector<std::vector<std::string>> partErrors(parts);
  auto readPart = [&](unsigned part) {
    for (size_t i = part; i < names.size(); i += parts) {
      DecodedLog log;
      std::string error;
      if (readLogFile(dir + "/" + names[i], log, error))
        each(i, std::move(log));
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
  for (const auto &e : partErrors)
    errors.insert(errors.end(), e.begin(), e.end());
}

std::vector<DecodedLog> readSession(const std::string &dir, std::vector<std::string> &errors,
                                    FinishedLogs *done) {
  std::vector<DecodedLog> logs;
  std::vector<std::string> names;
  for (std::string &name : logNames(dir, errors)) {
    if (done) {
      auto it = done->decoded.find(name);
      if (it != done->decoded.end()) {
        logs.push_back(std::move(it->second));
        done->decoded.erase(it);
        continue;
      }
    }
    names.push_back(std::move(name));
  }
  std::vector<DecodedLog> read(names.size());
  std::vector<char> ok(names.size(), 0);
  forEachLog(dir, names, errors, [&](size_t i, DecodedLog &&log) {
    read[i] = std::move(log);
    ok[i] = 1;
  });
  for (size_t i = 0; i < names.size(); ++i)
    if (ok[i])
      logs.push_back(std::move(read[i]));
  std::sort(logs.begin(), logs.end(), [](const DecodedLog &a, const DecodedLog &b) {
    return a.startNs != b.startNs ? a.startNs < b.startNs : a.generation < b.generation;
  });
  return logs;
}

} // namespace trace
} // namespace procsan
