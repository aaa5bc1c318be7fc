// The monitor's model and the mp-lost-crash detector, fed with decoded logs built by hand.
#include "monitor/detectors.h"
#include "monitor/model.h"

#include <csignal>
#include <gtest/gtest.h>

using namespace procsan;
using namespace procsan::monitor;

namespace {

trace::DecodedRecord rec(uint16_t kind, std::initializer_list<int64_t> args,
                         std::string text = "") {
  trace::DecodedRecord r;
  r.kind = kind;
  int i = 0;
  for (int64_t a : args)
    r.args[i++] = a;
  r.text = std::move(text);
  return r;
}

trace::DecodedLog logOf(int pid, int ppid, const std::string &exe,
                        std::vector<trace::DecodedRecord> records) {
  trace::DecodedLog log;
  log.pid = pid;
  log.ppid = ppid;
  log.records.push_back(rec(trace::EvProcessStart, {pid, ppid}, exe));
  for (auto &r : records)
    log.records.push_back(std::move(r));
  return log;
}

int signaledStatus(int sig) { return sig; }
int exitedStatus(int code) { return code << 8; }

std::vector<Finding> lostCrashes(const SessionModel &m) {
  std::vector<Finding> out;
  detectLostCrash(m, out);
  return out;
}

TEST(ExitInfo, DecodesWaitStatuses) {
  ExitInfo e = ExitInfo::fromWaitStatus(exitedStatus(3));
  EXPECT_TRUE(e.known);
  EXPECT_FALSE(e.signaled);
  EXPECT_EQ(e.code, 3);
  EXPECT_EQ(e.describe(), "exited with status 3");
  ExitInfo s = ExitInfo::fromWaitStatus(signaledStatus(SIGSEGV));
  EXPECT_TRUE(s.signaled);
  EXPECT_EQ(s.describe(), "killed by SIGSEGV");
  EXPECT_TRUE(s.abnormal());
}

// wait(NULL): the status is dropped (the fifth argument).
TEST(LostCrash, CrashReapedButProgramSucceeded) {
  SessionModel m;
  m.addLog(
      logOf(10, 1, "/bin/app", {rec(trace::EvWaitResult, {11, signaledStatus(SIGSEGV), 0, 1, 1})}));
  m.addLog(logOf(11, 10, "/bin/app", {rec(trace::EvSignal, {SIGSEGV, 1, 0, 0})}));
  m.setRoot(10, exitedStatus(0));
  auto f = lostCrashes(m);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "mp-lost-crash");
  EXPECT_EQ(f[0].processes.front(), 11);
  EXPECT_NE(f[0].message.find("killed by SIGSEGV"), std::string::npos);
}

TEST(LostCrash, ProgramThatFailsHasNoticed) {
  SessionModel m;
  m.addLog(
      logOf(10, 1, "/bin/app", {rec(trace::EvWaitResult, {11, signaledStatus(SIGABRT), 0, 1})}));
  m.addLog(logOf(11, 10, "/bin/app", {}));
  m.setRoot(10, exitedStatus(1));
  EXPECT_TRUE(lostCrashes(m).empty());
}

TEST(LostCrash, DeliberateKillIsNoCrash) {
  SessionModel m;
  m.addLog(logOf(10, 1, "/bin/app",
                 {rec(trace::EvKill, {11, SIGKILL, 0, 0}),
                  rec(trace::EvWaitResult, {11, signaledStatus(SIGKILL), 0, 1})}));
  m.addLog(logOf(11, 10, "/bin/app", {}));
  m.setRoot(10, exitedStatus(0));
  EXPECT_TRUE(lostCrashes(m).empty());
}

TEST(LostCrash, CrashReapedWithItsStatusKeptWasNoticed) {
  SessionModel m;
  m.addLog(
      logOf(10, 1, "/bin/app", {rec(trace::EvWaitResult, {11, signaledStatus(SIGSEGV), 0, 1})}));
  m.addLog(logOf(11, 10, "/bin/app", {rec(trace::EvSignal, {SIGSEGV, 1, 0, 0})}));
  m.setRoot(10, exitedStatus(0));
  EXPECT_TRUE(lostCrashes(m).empty());
}

TEST(LostCrash, ExitChosenAfterADeliberateSignalIsNoFailure) {
  SessionModel m; // a worker that catches the SIGTERM of Pool.terminate() and exits with 15
  m.addLog(logOf(10, 1, "/bin/app",
                 {rec(trace::EvKill, {11, SIGTERM, 0, 0}),
                  rec(trace::EvWaitResult, {11, exitedStatus(15), 0, 1, 1})}));
  m.addLog(logOf(11, 10, "/bin/app", {}));
  m.setRoot(10, exitedStatus(0));
  EXPECT_TRUE(lostCrashes(m).empty());
}

TEST(LostCrash, SelfKillIsACrash) {
  SessionModel m;
  m.addLog(
      logOf(10, 1, "/bin/app", {rec(trace::EvWaitResult, {11, signaledStatus(SIGKILL), 0, 1, 1})}));
  m.addLog(logOf(11, 10, "/bin/app", {rec(trace::EvKill, {11, SIGKILL, 0, 0})}));
  m.setRoot(10, exitedStatus(0));
  EXPECT_EQ(lostCrashes(m).size(), 1u);
}

TEST(LostCrash, UnreapedCrashIsReportedEvenWhenTheProgramFails) {
  SessionModel m;
  m.addLog(logOf(10, 1, "/bin/app", {}));
  m.addLog(logOf(11, 10, "/bin/app", {}));
  m.noteReapedByMonitor(11, signaledStatus(SIGBUS));
  m.setRoot(10, exitedStatus(2));
  auto f = lostCrashes(m);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("nobody in the program reaped it"), std::string::npos);
}

TEST(LostCrash, NonZeroExitOfAnExecdToolIsAnAnswer) {
  SessionModel m;
  m.addLog(logOf(10, 1, "/bin/app", {rec(trace::EvWaitResult, {11, exitedStatus(1), 0, 1})}));
  m.addLog(logOf(11, 10, "/bin/grep", {}));
  m.setRoot(10, exitedStatus(0));
  EXPECT_TRUE(lostCrashes(m).empty());
}

TEST(LostCrash, FailedWorkerOfTheSameProgram) {
  SessionModel m;
  m.addLog(logOf(10, 1, "/bin/app", {rec(trace::EvWaitResult, {11, exitedStatus(3), 0, 1, 1})}));
  m.addLog(logOf(11, 10, "/bin/app", {}));
  m.setRoot(10, exitedStatus(0));
  auto f = lostCrashes(m);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("exited with status 3"), std::string::npos);
}

TEST(LostCrash, WnowaitPeekIsNotAReap) {
  SessionModel m;
  m.addLog(
      logOf(10, 1, "/bin/app", {rec(trace::EvWaitResult, {11, signaledStatus(SIGSEGV), 0, 0})}));
  m.addLog(logOf(11, 10, "/bin/app", {}));
  m.setRoot(10, exitedStatus(0));
  EXPECT_TRUE(lostCrashes(m).empty()) << "status unknown: nobody reaped it yet";
}

TEST(LostCrash, RootCrashIsVisibleInTheExitStatus) {
  SessionModel m;
  m.addLog(logOf(10, 1, "/bin/app", {}));
  m.setRoot(10, signaledStatus(SIGSEGV));
  EXPECT_TRUE(lostCrashes(m).empty());
}

} // namespace

// A thread waiting for a shared lock right now (its held-table slot, no event) is its current lock
// block, after any recorded block of an earlier wait.
TEST(LockBlocks, WaitingSlotIsTheCurrentBlock) {
  trace::DecodedLog log =
      logOf(10, 1, "/bin/prog", {rec(trace::EvLockBlock, {trace::LockSem, 1, 2, 3, 0x1000})});
  log.records.back().tid = 10;
  trace::HeldLock w{};
  w.dev = 1;
  w.inode = 2;
  w.offset = 64;
  w.tid = 10;
  w.kind = trace::LockMutex;
  log.waiting.push_back(w);
  SessionModel m;
  m.addLog(log);
  const Process *p = m.find(10);
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->lockBlocks.size(), 2u);
  EXPECT_EQ(p->lockBlocks.back().tid, 10);
  EXPECT_EQ(p->lockBlocks.back().kind, trace::LockMutex);
  EXPECT_EQ(p->lockBlocks.back().lock.offset, 64u);
  EXPECT_TRUE(p->lockBlocks.back().stack.frames.empty());
}

// Lock-order edges in opposite orders are an inversion only between the same semaphores: an
// identity (an inode of /dev/shm) made anew between the two edges is another semaphore.
TEST(LockOrder, RecreatedIdentityIsAnotherLock) {
  auto edge = [](int64_t a, int64_t b, uint64_t t) {
    trace::DecodedRecord r = rec(trace::EvLockOrder, {1, a, 0, 1, b, 0});
    r.timeNs = t;
    r.tid = 10;
    return r;
  };
  auto made = [](int64_t inode, uint64_t t) {
    trace::DecodedRecord r = rec(trace::EvSemInit, {1, 1, inode, 0, 1});
    r.timeNs = t;
    return r;
  };
  auto inversions = [](const trace::DecodedLog &log) {
    SessionModel m;
    m.addLog(log);
    std::vector<Finding> out;
    detectLockOrderInversion(m, out);
    return out.size();
  };
  // A (inode 5) and B (inode 6) made once: A->B then B->A is an inversion.
  EXPECT_EQ(
      inversions(logOf(10, 1, "/bin/p", {made(5, 1), made(6, 2), edge(5, 6, 10), edge(6, 5, 20)})),
      1u);
  // Inode 5 made anew between the two edges: the second edge is about another semaphore.
  EXPECT_EQ(
      inversions(logOf(10, 1, "/bin/p",
                       {made(5, 1), made(6, 2), edge(5, 6, 10), made(5, 15), edge(6, 5, 20)})),
      0u);
}

namespace {

trace::DecodedRecord at(trace::DecodedRecord r, uint64_t t) {
  r.timeNs = t;
  return r;
}

// The log of a child forked by ppid, started at t (its first image is its parent's).
trace::DecodedLog forkedLog(int pid, int ppid, uint32_t generation, uint64_t t,
                            std::vector<trace::DecodedRecord> records = {}) {
  trace::DecodedLog log;
  log.pid = pid;
  log.ppid = ppid;
  log.generation = generation;
  log.startNs = t;
  log.records.push_back(at(rec(trace::EvProcessStart, {pid, ppid, 1}), t));
  for (auto &r : records)
    log.records.push_back(std::move(r));
  return log;
}

} // namespace

// Two children of one parent had pid 11 in turn: each is a process of its own, with its own exit
// and reaper, and the crash the parent did not look at is the first one's.
TEST(PidReuse, ProcessesWithOnePidAreToldApart) {
  trace::DecodedLog parent =
      logOf(10, 1, "/bin/app",
            {at(rec(trace::EvFork, {11}), 100),
             at(rec(trace::EvWaitResult, {11, signaledStatus(SIGSEGV), 0, 1, 1}), 200),
             at(rec(trace::EvFork, {11}), 300),
             at(rec(trace::EvWaitResult, {11, exitedStatus(0), 0, 1}), 400)});
  parent.startNs = 10;
  parent.records.front().timeNs = 10;
  std::vector<trace::DecodedLog> logs = {
      parent, forkedLog(11, 10, 0, 101, {at(rec(trace::EvSignal, {SIGSEGV, 1, 0, 0}), 150)}),
      forkedLog(11, 10, 1, 299)};
  SessionModel m;
  m.addLogs(logs);
  m.setRoot(10, exitedStatus(0));
  m.finish();
  ASSERT_EQ(m.processes().size(), 3u);
  EXPECT_EQ(m.sharedPids(), 1u);
  EXPECT_EQ(m.reusedPids(), 0u);
  const Process *second = m.find(11); // the last one has the pid as its id
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->incarnation, 1);
  EXPECT_FALSE(second->exit.signaled);
  EXPECT_EQ(second->reapedBy, 10);
  EXPECT_EQ(second->ppid, 10);
  const Process *first = m.find(11 + kPidSpan);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->incarnation, 0);
  EXPECT_EQ(osPid(first->pid), 11);
  EXPECT_TRUE(first->exit.signaled);
  EXPECT_EQ(first->reapedBy, 10);
  EXPECT_EQ(first->ppid, 10);
  ASSERT_NE(m.forkOf(first->pid), nullptr);
  EXPECT_EQ(m.forkOf(first->pid)->timeNs, 100u);
  EXPECT_EQ(m.forkOf(11)->timeNs, 300u);
  EXPECT_EQ(m.idAt(11, 250), first->pid); // between the two: the first was the last started
  EXPECT_EQ(m.idAt(11, 350), 11);
  std::vector<Finding> found = lostCrashes(m);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].processes.front(), first->pid);
  EXPECT_NE(found[0].message.find("the 1st process with that pid"), std::string::npos);
}

// A log that starts with an exec is the next image of the last process with its pid when that
// process called exec, and another process when it was reaped in between (posix_spawn).
TEST(PidReuse, ExecImageOrNewProcess) {
  trace::DecodedLog parent =
      logOf(10, 1, "/bin/app",
            {at(rec(trace::EvFork, {11}), 100),
             at(rec(trace::EvWaitResult, {11, exitedStatus(0), 0, 1}), 200)});
  trace::DecodedLog child = forkedLog(11, 10, 0, 101, {at(rec(trace::EvExec, {0}), 110)});
  trace::DecodedLog image = logOf(11, 10, "/bin/tool", {});
  image.generation = 1;
  image.startNs = 120;
  trace::DecodedLog spawned = logOf(11, 10, "/bin/other", {});
  spawned.generation = 2;
  spawned.startNs = 300;
  SessionModel m;
  m.addLogs({parent, child, image, spawned});
  m.finish();
  ASSERT_EQ(m.processes().size(), 3u);
  const Process *first = m.find(11 + kPidSpan);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->exe, "/bin/tool");
  EXPECT_EQ(first->reapedBy, 10);
  const Process *later = m.find(11);
  ASSERT_NE(later, nullptr);
  EXPECT_EQ(later->exe, "/bin/other");
  EXPECT_FALSE(later->exit.known);
}
