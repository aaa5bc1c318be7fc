// Decoding of procsan trace logs. Logs are written by the traced program, so they are untrusted
// input: every field is bounds-checked and a damaged log yields an error or a partial result,
// never a crash.
#ifndef PROCSAN_TRACE_READER_H
#define PROCSAN_TRACE_READER_H

#include "trace/format.h"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace procsan {
namespace trace {

struct DecodedRecord {
  uint16_t kind = EvNone;
  uint32_t tid = 0;
  uint64_t timeNs = 0;
  int64_t args[6] = {0, 0, 0, 0, 0, 0};
  std::vector<uint64_t> frames;
  std::string text; // for EvArgv: the raw bytes (a1 of them); otherwise up to the first NUL
};

struct DecodedLog {
  std::string path;
  int32_t pid = 0;
  int32_t ppid = 0;
  uint32_t generation = 0;
  uint64_t startNs = 0;
  uint64_t dropped = 0;       // events the writer could not store (log full)
  uint64_t skipped = 0;       // slots the reader rejected (uncommitted or malformed)
  std::vector<HeldLock> held; // process-shared locks held when the log was read
  // Locks a thread waited for when the log was read (a held-table slot filled before the wait,
  // its tid negated by the runtime; here the tid is positive again).
  std::vector<HeldLock> waiting;
  int32_t threadsLive = 0;     // pthread_create'd threads alive when the log was read
  uint32_t threadsCreated = 0; // pthread_create calls of this image
  std::vector<DecodedRecord> records;
};

// Decodes one log image (the events still in its ring). Returns false (and sets error) when the
// header is unusable.
bool decodeLog(const uint8_t *data, size_t size, DecodedLog &out, std::string &error);
// Decodes one record of the on-disk format and appends it to out (or counts it as skipped).
void decodeRecord(const uint8_t *data, DecodedLog &out);
// The spill file of a log: events the monitor consumed from its ring while the program ran.
std::string spillPathOf(const std::string &logPath);
// Appends the records of a spill file to out; a missing file is no error.
bool readSpillFile(const std::string &path, DecodedLog &out, std::string &error);

// Reads and decodes one log file, its spill file first (never follows a symlink).
bool readLogFile(const std::string &path, DecodedLog &out, std::string &error);

// Reads every log of a session directory, ordered by pid and generation. Unreadable logs are
// reported in errors and skipped.
// Logs of a running session decoded early, by file name: only logs of processes that are gone
// (reaped: no one can write them any more), so the reading after the program ends has fewer
// left to do.
// Every log seen gone costs a few bytes (its pid and generation); only those within the budget
// are held decoded.
class FinishedLogs {
public:
  // 1 when the log of this name was seen gone (decoded or only noted).
  size_t count(const std::string &name) const;
  void note(const std::string &name);
  size_t size() const { return gone_.size() + recent_.size(); }
  bool empty() const { return size() == 0; }
  // The logs decoded early, by file name (readSession takes them out).
  std::map<std::string, DecodedLog> decoded;

private:
  static uint64_t keyOf(const std::string &name);
  // Sorted keys, and the latest ones (sorted too) until they are merged in: 8 bytes a log.
  std::vector<uint64_t> gone_, recent_;
};
// Decodes into done each log of dir whose process is gone and that done does not hold yet, as
// long as the decoded logs held stay within budgetBytes (heldBytes: what done holds, kept up to
// date); past it, logs of gone processes are only noted, so that a long run with many processes
// does not grow the monitor with them.
void readFinishedLogs(const std::string &dir, FinishedLogs &done, size_t &heldBytes,
                      size_t budgetBytes = SIZE_MAX);
// About how much memory a decoded log takes.
size_t decodedBytes(const DecodedLog &log);

// Consumes the rings of live logs while the program runs (see FileHeader::consumed): the
// committed events of a log that is half full or more are appended to its spill file and their
// slots given back to the writers, up to the first event not committed yet. One consumer per
// session (the monitor); it survives a traced program that truncates its own log (SIGBUS guard).
class RingConsumer {
public:
  // maxSpillBytes: what all spill files together may hold; past it, rings are no longer
  // consumed and their writers drop what does not fit (counted, and reported).
  explicit RingConsumer(std::string dir, uint64_t maxSpillBytes = UINT64_MAX)
      : dir_(std::move(dir)), maxSpill_(maxSpillBytes) {}
  ~RingConsumer();
  RingConsumer(const RingConsumer &) = delete;
  RingConsumer &operator=(const RingConsumer &) = delete;
  // One pass over the live logs: each is mapped once, so a pass over logs with room left reads
  // two header fields each and makes no system call; rescan looks for new logs (and lets go of
  // the ones in done: their processes are gone). Returns the number of events consumed. nowNs:
  // a monotonic clock reading (a log not mappable yet is tried again for 5 s).
  uint64_t consume(const FinishedLogs &done, uint64_t nowNs, bool rescan = true);
  // Logs that could not be consumed (spill limit reached, spill file not writable): name, reason.
  // Their writers are told to stop waiting (FileHeader::consumerGone).
  const std::map<std::string, std::string> &failures() const { return failures_; }

private:
  struct Mapped {
    uint8_t *base;
    size_t size;
    uint32_t capacity; // as the header said when mapped (the program could change it later)
  };
  bool mapLog(const std::string &name);
  uint64_t consumeLog(const std::string &name, Mapped &m);
  void giveUp(const std::string &name, Mapped &m); // tells its writers to stop waiting
  std::vector<uint8_t> buf_; // the records of one pass, on their way to the spill file
  std::string dir_;
  uint64_t maxSpill_, spilled_ = 0;
  std::map<std::string, Mapped> maps_;
  std::map<std::string, uint64_t> unmappable_; // name -> when it first failed to map
  std::map<std::string, std::string> failures_;
};

// The names of the log files of dir.
std::vector<std::string> logNames(const std::string &dir, std::vector<std::string> &errors);
// Reads the named logs of dir (in parallel: each is called from several threads at once, with the
// index of the name and the log); unreadable ones are reported in errors.
void forEachLog(const std::string &dir, const std::vector<std::string> &names,
                std::vector<std::string> &errors,
                const std::function<void(size_t, DecodedLog &&)> &each);
// Every log of dir; with done, the logs it holds are taken from it (and removed) instead of read.
std::vector<DecodedLog> readSession(const std::string &dir, std::vector<std::string> &errors,
                                    FinishedLogs *done = nullptr);

} // namespace trace
} // namespace procsan

#endif
