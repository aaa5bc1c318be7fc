// /proc parsing and the hang diagnosis on hand-made snapshots.
#include "monitor/hang.h"
#include "monitor/procfs.h"

#include <gtest/gtest.h>

using namespace procsan::monitor;

namespace {

TEST(Procfs, ParsesStatWithSpacesAndParensInTheName) {
  char state;
  int ppid;
  uint64_t ticks;
  std::string comm;
  std::string line = "4242 (my (odd) prog) S 4241 4242 4242 0 -1 4194560 100 0 0 0 7 5 0 0 20 0";
  ASSERT_TRUE(parseStatLine(line, state, ppid, ticks, comm));
  EXPECT_EQ(comm, "my (odd) prog");
  EXPECT_EQ(state, 'S');
  EXPECT_EQ(ppid, 4241);
  EXPECT_EQ(ticks, 12u);
  EXPECT_FALSE(parseStatLine("garbage", state, ppid, ticks, comm));
  EXPECT_FALSE(parseStatLine("1 (x) S 2", state, ppid, ticks, comm));
}

TEST(Procfs, ParsesSyscallLines) {
  ThreadSnapshot t;
  ASSERT_TRUE(parseSyscallLine("0 0x3 0x7ffd 0x1000 0x0 0x0 0x0 0x7ffc0000 0x7f00001234", t));
  EXPECT_EQ(t.syscall, 0);
  EXPECT_EQ(t.args[0], 3u);
  EXPECT_EQ(t.pc, 0x7f00001234u);
  ThreadSnapshot r;
  ASSERT_TRUE(parseSyscallLine("running", r));
  EXPECT_EQ(r.syscall, -1);
  ThreadSnapshot bad;
  EXPECT_FALSE(parseSyscallLine("", bad));
}

ThreadSnapshot blocked(int tid, long nr, std::initializer_list<uint64_t> args) {
  ThreadSnapshot t;
  t.tid = tid;
  t.state = 'S';
  t.syscall = nr;
  int i = 0;
  for (uint64_t a : args)
    t.args[i++] = a;
  t.name = "t";
  return t;
}

TEST(Hang, ClassifiesWaits) {
  EXPECT_EQ(classifyWait(blocked(1, 0, {3})).kind, WaitKind::ReadFd);
  EXPECT_EQ(classifyWait(blocked(1, 61, {})).kind, WaitKind::WaitChild);
  EXPECT_EQ(classifyWait(blocked(1, 202, {0, 0, 0, 0})).kind, WaitKind::Lock);
  EXPECT_EQ(classifyWait(blocked(1, 202, {0, 0, 0, 0x7ffd})).kind, WaitKind::Timed);
  EXPECT_EQ(classifyWait(blocked(1, 35, {})).kind, WaitKind::Timed);
  EXPECT_EQ(classifyWait(blocked(1, 7, {0, 1, 100})).kind, WaitKind::Timed);
  ThreadSnapshot running = blocked(1, 0, {});
  running.state = 'R';
  EXPECT_EQ(classifyWait(running).kind, WaitKind::Running);
}

ProcessSnapshot proc(int pid, int ppid, std::vector<ThreadSnapshot> threads,
                     std::vector<FdSnapshot> fds) {
  ProcessSnapshot p;
  p.pid = pid;
  p.ppid = ppid;
  p.state = 'S';
  p.threads = std::move(threads);
  p.fds = std::move(fds);
  p.comm = "prog";
  return p;
}

TEST(Hang, JoinBeforeDrain) {
  TreeSnapshot tree;
  tree.processes[10] = proc(10, 1, {blocked(10, 61, {11})}, {{3, "pipe:[7]", 0}});
  tree.processes[11] = proc(11, 10, {blocked(11, 1, {4})}, {{4, "pipe:[7]", 1}});
  SessionModel model;
  auto f = diagnoseHang(tree, model, 5);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "mp-join-before-drain");
}

TEST(Hang, ChildReadingTooIsStillTheParentsPipe) {
  TreeSnapshot tree; // the child kept its copy of the read end (a Python Queue does)
  tree.processes[10] = proc(10, 1, {blocked(10, 61, {11})}, {{3, "pipe:[7]", 0}});
  tree.processes[11] =
      proc(11, 10, {blocked(11, 1, {4})}, {{3, "pipe:[7]", 0}, {4, "pipe:[7]", 1}});
  SessionModel model;
  auto f = diagnoseHang(tree, model, 5);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "mp-join-before-drain");
}

TEST(Hang, SelfHeldPipe) {
  TreeSnapshot tree;
  tree.processes[10] = proc(10, 1, {blocked(10, 0, {3})}, {{3, "pipe:[9]", 0}, {4, "pipe:[9]", 1}});
  SessionModel model;
  auto f = diagnoseHang(tree, model, 5);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "mp-pipe-self-hold");
}

TEST(Hang, AWriterThatCanStillWriteIsNoHang) {
  TreeSnapshot tree;
  tree.processes[10] = proc(10, 1, {blocked(10, 0, {3})}, {{3, "pipe:[9]", 0}});
  tree.processes[11] = proc(11, 10, {blocked(11, 35, {})}, {{4, "pipe:[9]", 1}}); // sleeping
  SessionModel model;
  EXPECT_TRUE(diagnoseHang(tree, model, 5).empty());
}

TEST(Hang, EveryoneBlockedForeverIsADeadlock) {
  TreeSnapshot tree;
  tree.processes[10] = proc(10, 1, {blocked(10, 0, {3})}, {{3, "pipe:[1]", 0}, {6, "pipe:[2]", 1}});
  tree.processes[11] =
      proc(11, 10, {blocked(11, 0, {5})}, {{5, "pipe:[2]", 0}, {4, "pipe:[1]", 1}});
  SessionModel model;
  auto f = diagnoseHang(tree, model, 5);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "mp-deadlock");
  EXPECT_EQ(f[0].events.size(), 2u);
}

TEST(Hang, CycleAmongSomeWhileAnotherRuns) {
  TreeSnapshot tree; // 11 and 12 read each other's pipes; their parent 10 computes
  ThreadSnapshot busy = blocked(10, 0, {});
  busy.state = 'R';
  busy.syscall = -1;
  tree.processes[10] = proc(10, 1, {busy}, {});
  tree.processes[11] =
      proc(11, 10, {blocked(11, 0, {3})}, {{3, "pipe:[1]", 0}, {6, "pipe:[2]", 1}});
  tree.processes[12] =
      proc(12, 10, {blocked(12, 0, {5})}, {{5, "pipe:[2]", 0}, {4, "pipe:[1]", 1}});
  SessionModel model;
  auto f = diagnoseCycles(tree, model, {{11, 3.0}, {12, 3.0}});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "mp-deadlock");
  EXPECT_EQ(f[0].processes, (std::vector<int>{11, 12}));
  // The same two, but the busy parent still holds a write end of 11's pipe: no cycle.
  tree.processes[10].fds.push_back({7, "pipe:[1]", 1});
  EXPECT_TRUE(diagnoseCycles(tree, model, {{11, 3.0}, {12, 3.0}}).empty());
}

TEST(Hang, OnlyLongStuckThreadsFormCycles) {
  TreeSnapshot tree;
  tree.processes[11] = proc(11, 1, {blocked(11, 0, {3})}, {{3, "pipe:[1]", 0}, {6, "pipe:[2]", 1}});
  tree.processes[12] = proc(12, 1, {blocked(12, 0, {5})}, {{5, "pipe:[2]", 0}, {4, "pipe:[1]", 1}});
  SessionModel model;
  EXPECT_TRUE(diagnoseCycles(tree, model, {{11, 3.0}}).empty()); // 12 ran lately
}

} // namespace
