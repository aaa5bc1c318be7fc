// The trace decoder takes bytes written by the traced program: it must accept what the runtime
// writes and reject or skip everything else without crashing.
#include "trace/reader.h"

#include <cstdio>
#include <cstring>
#include <gtest/gtest.h>
#include <random>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace procsan::trace;

namespace {

std::vector<uint8_t> makeLog(uint32_t capacity, uint64_t used) {
  std::vector<uint8_t> buf(logFileSize(capacity), 0);
  FileHeader h{};
  h.magic = kMagic;
  h.version = kVersion;
  h.recordSize = kRecordSize;
  h.headerSize = kHeaderSize;
  h.capacity = capacity;
  h.pid = 42;
  h.ppid = 1;
  h.nextIndex = used;
  std::memcpy(buf.data(), &h, sizeof(h));
  return buf;
}

Record *slot(std::vector<uint8_t> &buf, size_t i) {
  return reinterpret_cast<Record *>(buf.data() + kHeaderSize + i * kRecordSize);
}

TEST(TraceReader, DecodesCommittedRecords) {
  auto buf = makeLog(4, 2);
  Record *r = slot(buf, 0);
  r->kind = EvFork;
  r->args[0] = 43;
  r->nframes = 2;
  r->frames[0] = 0x1000;
  r->frames[1] = 0x2000;
  std::strcpy(r->text, "hello");
  slot(buf, 1)->kind = EvExit;
  DecodedLog log;
  std::string error;
  ASSERT_TRUE(decodeLog(buf.data(), buf.size(), log, error)) << error;
  EXPECT_EQ(log.pid, 42);
  ASSERT_EQ(log.records.size(), 2u);
  EXPECT_EQ(log.records[0].kind, EvFork);
  EXPECT_EQ(log.records[0].args[0], 43);
  EXPECT_EQ(log.records[0].frames.size(), 2u);
  EXPECT_EQ(log.records[0].text, "hello");
}

TEST(TraceReader, RejectsBadHeaders) {
  auto buf = makeLog(1, 0);
  DecodedLog log;
  std::string error;
  EXPECT_FALSE(decodeLog(buf.data(), 8, log, error));
  buf[0] ^= 0xff;
  EXPECT_FALSE(decodeLog(buf.data(), buf.size(), log, error));
  EXPECT_NE(error.find("magic"), std::string::npos);
  auto wrongVersion = makeLog(1, 0);
  reinterpret_cast<FileHeader *>(wrongVersion.data())->version = 99;
  EXPECT_FALSE(decodeLog(wrongVersion.data(), wrongVersion.size(), log, error));
}

TEST(TraceReader, ClampsCountsAndSkipsMalformedRecords) {
  auto buf = makeLog(3, 1u << 30);                                 // nextIndex far beyond the file
  reinterpret_cast<FileHeader *>(buf.data())->capacity = 1u << 30; // and a lying capacity
  slot(buf, 0)->kind = EvKill;
  slot(buf, 1)->kind = EvSignal;
  slot(buf, 1)->nframes = kMaxFrames + 1; // impossible frame count
  slot(buf, 2)->kind = EvArgv;
  slot(buf, 2)->args[1] = (int64_t)kTextSize + 1; // argv chunk longer than its slot
  DecodedLog log;
  std::string error;
  ASSERT_TRUE(decodeLog(buf.data(), buf.size(), log, error));
  ASSERT_EQ(log.records.size(), 1u);
  EXPECT_EQ(log.records[0].kind, EvKill);
  EXPECT_EQ(log.skipped, 2u);
}

TEST(TraceReader, UncommittedSlotsAreSkipped) {
  auto buf = makeLog(2, 2);
  slot(buf, 1)->kind = EvExit; // slot 0 reserved, never committed (writer killed mid-record)
  DecodedLog log;
  std::string error;
  ASSERT_TRUE(decodeLog(buf.data(), buf.size(), log, error));
  ASSERT_EQ(log.records.size(), 1u);
  EXPECT_EQ(log.skipped, 1u);
}

TEST(TraceReader, UnterminatedTextStaysInBounds) {
  auto buf = makeLog(1, 1);
  Record *r = slot(buf, 0);
  r->kind = EvModule;
  std::memset(r->text, 'x', kTextSize);
  DecodedLog log;
  std::string error;
  ASSERT_TRUE(decodeLog(buf.data(), buf.size(), log, error));
  EXPECT_EQ(log.records[0].text.size(), kTextSize);
}

TEST(TraceReader, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(1234);
  for (int round = 0; round < 500; ++round) {
    auto buf = makeLog(8, rng() % 16);
    size_t n = kHeaderSize + (rng() % (8 * kRecordSize));
    for (size_t i = sizeof(FileHeader); i < buf.size(); ++i)
      buf[i] = (uint8_t)rng();
    if (round % 3 == 0) // sometimes damage the header's counters too
      reinterpret_cast<FileHeader *>(buf.data())->nextIndex = rng();
    DecodedLog log;
    std::string error;
    decodeLog(buf.data(), std::min(n, buf.size()), log, error);
    for (const DecodedRecord &r : log.records) {
      EXPECT_LE(r.frames.size(), kMaxFrames);
      EXPECT_LE(r.text.size(), kTextSize);
    }
  }
}

TEST(TraceReader, MissingFileIsAnError) {
  DecodedLog log;
  std::string error;
  EXPECT_FALSE(readLogFile("/nonexistent/procsan.log", log, error));
  EXPECT_FALSE(error.empty());
}

} // namespace

// The held table's slot states (trace/format.h): only positive tids hold; -T is thread T waiting;
// -1 (a slot being filled) and parked slots (kParkedBase + T) are nobody's.
TEST(TraceReader, HeldTableStates) {
  auto buf = makeLog(1, 0);
  LogState state{};
  auto fill = [&](int i, int32_t tid, uint16_t kind) {
    state.held[i].dev = 7;
    state.held[i].inode = 8;
    state.held[i].offset = (uint64_t)i * 64;
    state.held[i].tid = tid;
    state.held[i].kind = kind;
  };
  fill(0, 100, LockMutex);               // held by 100
  fill(1, -101, LockMutex);              // 101 waits
  fill(2, -1, LockMutex);                // being filled
  fill(3, kParkedBase + 102, LockMutex); // parked by 102
  fill(4, -103, LockSem);                // 103 waits for a semaphore
  fill(5, -kMaxTid - 1, LockMutex);      // not a thread id: ignored
  std::memcpy(buf.data() + kStateOffset, &state, sizeof(state));
  DecodedLog log;
  std::string error;
  ASSERT_TRUE(decodeLog(buf.data(), buf.size(), log, error)) << error;
  ASSERT_EQ(log.held.size(), 1u);
  EXPECT_EQ(log.held[0].tid, 100);
  ASSERT_EQ(log.waiting.size(), 2u);
  EXPECT_EQ(log.waiting[0].tid, 101);
  EXPECT_EQ(log.waiting[0].offset, 64u);
  EXPECT_EQ(log.waiting[1].tid, 103);
  EXPECT_EQ(log.waiting[1].kind, LockSem);
}

// Logs decoded while a session runs: only those of processes that are gone; the final read takes
// them from there and reads the others.
TEST(TraceReader, FinishedLogsAreThoseOfGoneProcesses) {
  char dirTemplate[] = "/tmp/procsan-reader-test-XXXXXX";
  ASSERT_NE(mkdtemp(dirTemplate), nullptr);
  std::string dir = dirTemplate;
  pid_t gone = fork();
  if (gone == 0)
    _exit(0);
  ASSERT_GT(gone, 0);
  ASSERT_EQ(waitpid(gone, nullptr, 0), gone);
  auto write = [&](int pid) {
    auto buf = makeLog(1, 0);
    reinterpret_cast<FileHeader *>(buf.data())->pid = pid;
    std::string path = dir + "/p" + std::to_string(pid) + ".0.log";
    FILE *f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(buf.data(), 1, buf.size(), f);
    std::fclose(f);
  };
  write(gone);
  write(getpid());
  FinishedLogs done;
  size_t held = 0;
  readFinishedLogs(dir, done, held);
  ASSERT_EQ(done.size(), 1u);
  ASSERT_EQ(done.decoded.size(), 1u);
  EXPECT_EQ(done.decoded.begin()->second.pid, gone);
  EXPECT_EQ(done.count("p" + std::to_string(gone) + ".0.log"), 1u);
  EXPECT_EQ(done.count("p" + std::to_string(gone) + ".1.log"), 0u);
  EXPECT_GT(held, 0u);
  std::vector<std::string> errors;
  std::vector<DecodedLog> logs = readSession(dir, errors, &done);
  EXPECT_TRUE(errors.empty());
  EXPECT_TRUE(done.decoded.empty());
  ASSERT_EQ(logs.size(), 2u);
  // With no budget left, a gone process's log is only noted, and read from its file at the end.
  FinishedLogs noted;
  size_t full = 100;
  readFinishedLogs(dir, noted, full, 100);
  ASSERT_EQ(noted.size(), 1u);
  EXPECT_TRUE(noted.decoded.empty());
  EXPECT_EQ(full, 100u);
  logs = readSession(dir, errors, &noted);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_TRUE(logs[0].pid == gone || logs[1].pid == gone);
  std::remove((dir + "/p" + std::to_string(gone) + ".0.log").c_str());
  std::remove((dir + "/p" + std::to_string(getpid()) + ".0.log").c_str());
  rmdir(dir.c_str());
}

// Makes the directory named by the mkdtemp template dir and writes buf there as p42.0.log;
// returns its path ("" on failure).
std::string writeLogInNewDir(char *dir, const std::vector<uint8_t> &buf) {
  if (!mkdtemp(dir))
    return "";
  std::string log = std::string(dir) + "/p42.0.log";
  FILE *f = std::fopen(log.c_str(), "wb");
  if (!f)
    return "";
  bool ok = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
  return std::fclose(f) == 0 && ok ? log : "";
}

// A ring that went around: events [consumed, nextIndex) are in slots index % capacity, oldest
// first; the consumed ones come from the spill file, read before the ring by readLogFile.
TEST(TraceReader, ReadsARingThatWentAroundAfterItsSpill) {
  auto buf = makeLog(4, 7); // events 0..6 in a ring of 4
  auto *h = reinterpret_cast<FileHeader *>(buf.data());
  h->consumed = 3; // events 0..2 were spilled
  for (int e = 3; e < 7; ++e) {
    Record *r = slot(buf, (size_t)(e % 4));
    r->kind = EvKill;
    r->args[0] = e;
  }
  DecodedLog ring;
  std::string error;
  ASSERT_TRUE(decodeLog(buf.data(), buf.size(), ring, error)) << error;
  ASSERT_EQ(ring.records.size(), 4u);
  for (int e = 3; e < 7; ++e)
    EXPECT_EQ(ring.records[(size_t)e - 3].args[0], e);

  char dir[] = "/tmp/procsan-ring-XXXXXX";
  std::string log = writeLogInNewDir(dir, buf);
  ASSERT_FALSE(log.empty());
  FILE *f = std::fopen(spillPathOf(log).c_str(), "wb");
  ASSERT_NE(f, nullptr);
  for (int e = 0; e < 3; ++e) {
    Record r{};
    r.kind = EvKill;
    r.args[0] = e;
    std::fwrite(&r, 1, sizeof(r), f);
  }
  std::fwrite("torn", 1, 4, f); // a record cut short by a killed monitor is not read
  std::fclose(f);
  DecodedLog all;
  ASSERT_TRUE(readLogFile(log, all, error)) << error;
  ASSERT_EQ(all.records.size(), 7u);
  for (int e = 0; e < 7; ++e)
    EXPECT_EQ(all.records[(size_t)e].args[0], e);
  std::remove(spillPathOf(log).c_str());
  std::remove(log.c_str());
  rmdir(dir);
}

// The consumer moves committed events to the spill file and gives their slots back, stopping at
// the first event not yet committed.
TEST(TraceReader, ConsumerSpillsCommittedEventsInOrder) {
  auto buf = makeLog(8, 6);
  for (int e = 0; e < 6; ++e) {
    slot(buf, (size_t)e)->kind = e == 5 ? EvNone : EvKill; // event 5: its writer is still at it
    slot(buf, (size_t)e)->args[0] = e;
  }
  char dir[] = "/tmp/procsan-consume-XXXXXX";
  std::string log = writeLogInNewDir(dir, buf);
  ASSERT_FALSE(log.empty());
  RingConsumer consumer(dir);
  FinishedLogs none;
  EXPECT_EQ(consumer.consume(none, 1000), 5u);
  EXPECT_EQ(consumer.consume(none, 2000), 0u); // below half full now
  DecodedLog all;
  std::string error;
  ASSERT_TRUE(readLogFile(log, all, error)) << error;
  ASSERT_EQ(all.records.size(), 5u); // event 5 still uncommitted: skipped, not invented
  for (int e = 0; e < 5; ++e)
    EXPECT_EQ(all.records[(size_t)e].args[0], e);
  EXPECT_EQ(all.skipped, 1u);
  FileHeader h;
  FILE *f = std::fopen(log.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fread(&h, sizeof(h), 1, f), 1u);
  std::fclose(f);
  EXPECT_EQ(h.consumed, 5u);
  std::remove(spillPathOf(log).c_str());
  std::remove(log.c_str());
  rmdir(dir);
}

// The logs seen gone are kept as keys (pid and generation) in sorted runs merged now and then:
// every one noted is found, before and after a merge, and no other.
TEST(TraceReader, FinishedLogsKeepEveryNameNoted) {
  FinishedLogs done;
  for (int pid = 1; pid <= 10000; ++pid)
    done.note("p" + std::to_string(pid * 3) + "." + std::to_string(pid % 2) + ".log");
  done.note("p3.1.log"); // noted twice (pid 1 above), counted once
  done.note("pxyz.log"); // not the runtime's name: by its hash
  EXPECT_EQ(done.size(), 10001u);
  for (int pid = 1; pid <= 10000; ++pid) {
    EXPECT_EQ(done.count("p" + std::to_string(pid * 3) + "." + std::to_string(pid % 2) + ".log"),
              1u);
    EXPECT_EQ(done.count("p" + std::to_string(pid * 3 + 1) + ".0.log"), 0u);
  }
  EXPECT_EQ(done.count("pxyz.log"), 1u);
  EXPECT_EQ(done.count("p6.1.log"), 0u);
}
