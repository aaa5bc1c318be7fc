#include "monitor/detectors.h"
#include "monitor/forkbomb.h"
#include "monitor/hang.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <csignal>
#include <cstdio>
#include <set>

namespace procsan {
namespace monitor {

const std::vector<Detector> &allDetectors() {
  static const std::vector<Detector> detectors = {
      {"mp-lost-crash", "a process crashed or failed and nobody noticed", detectLostCrash, true,
       true},
      {"mp-unreaped-child", "a parent exited without waiting for its child", detectUnreapedChild,
       true, true},
      {"mp-fork-with-threads", "a fork while other threads ran, without exec in the child",
       detectForkWithThreads},
      {"mp-fork-pending-stdio", "a fork while stdio buffers held output the child flushed again",
       detectForkPendingStdio},
      {"mp-leaked-ipc", "named IPC objects left behind when the tree exited", detectLeakedIpc, true,
       true},
      {"mp-lock-held-at-exit", "a process ended holding a process-shared lock",
       detectLockHeldAtExit, false},
      {"mp-lock-order-inversion", "two process-shared locks taken in both orders",
       detectLockOrderInversion, false},
      {"mp-fork-bomb", "children that fork again at the same site, generation after generation",
       detectForkDoubling},
  };
  return detectors;
}

std::map<std::string, int> withholdUnknowable(const SessionModel &model, const Detector &d,
                                              std::vector<Finding> &findings, size_t from) {
  std::map<std::string, int> withheld;
  if (!d.fromAbsence)
    return withheld;
  auto lost = [&](int pid) {
    const Process *p = model.find(pid);
    if (!p)
      return false;
    const Process *parent = model.find(p->ppid);
    return p->eventsDropped > 0 || p->pidReused ||
           (parent && (parent->eventsDropped > 0 || parent->pidReused));
  };
  bool anyDropped = std::any_of(model.processes().begin(), model.processes().end(),
                                [](const auto &e) { return e.second.eventsDropped > 0; });
  if (!anyDropped && model.reusedPids() == 0)
    return withheld;
  size_t kept = from;
  for (size_t i = from; i < findings.size(); ++i) {
    const Finding &f = findings[i];
    bool unknowable = (f.rule == "mp-leaked-ipc" && anyDropped) ||
                      std::any_of(f.processes.begin(), f.processes.end(), lost);
    if (unknowable)
      ++withheld[f.rule];
    else if (kept != i)
      findings[kept++] = std::move(findings[i]);
    else
      ++kept;
  }
  findings.resize(kept);
  return withheld;
}

std::vector<std::string> allRuntimeRules() {
  std::vector<std::string> rules;
  for (const Detector &d : allDetectors())
    rules.push_back(d.rule);
  for (const char *h : hangRules())
    rules.push_back(h);
  rules.push_back("mp-fork-bomb");
  return rules;
}

bool isRuntimeRule(const std::string &rule) {
  for (const Detector &d : allDetectors())
    if (rule == d.rule)
      return true;
  for (const char *h : hangRules())
    if (rule == h)
      return true;
  return rule == "mp-fork-bomb";
}

namespace {

const SignalDelivery *crashRecordFor(const Process &p) {
  // The last delivery of the signal the process died of carries the crash stack.
  for (auto it = p.signals.rbegin(); it != p.signals.rend(); ++it)
    if (it->signal == p.exit.signal)
      return &*it;
  return nullptr;
}

// The crash rule already covers an abnormal death nobody reaped.
bool lostCrashApplies(const SessionModel &model, const Process &p) {
  return p.exit.abnormal() && p.reapedBy <= 0 &&
         !(p.exit.signaled && model.signalSentByTree(p.pid, p.exit.signal));
}

bool inSession(const SessionModel &model, const Process *p) {
  for (int depth = 0; p && depth < 64; ++depth) {
    if (p->startedSession)
      return true;
    p = model.find(p->ppid);
  }
  return false;
}

// True the first time a fork site is seen: the whole stack, not its innermost frame, which is
// the same for every os.fork() of a Python program (or every call of a C fork wrapper).
bool firstAtSite(std::vector<uint64_t> &seen, const ForkRecord &fr) {
  uint64_t site = 1469598103934665603ull;
  for (const Frame &f : fr.stack.frames)
    site = (site ^ f.pc) * 1099511628211ull;
  for (uint64_t s : seen)
    if (s == site)
      return false;
  seen.push_back(site);
  return true;
}

FindingEvent forkEvent(const SessionModel &model, const Process &child, const std::string &what) {
  FindingEvent e;
  e.pid = child.ppid;
  e.what = what;
  if (const ForkRecord *f = model.forkOf(child.pid)) {
    e.tid = f->tid;
    e.stack = f->stack;
  }
  return e;
}

// " sent by pid 12 (./server) with kill()", " raised by abort() in pid 7 itself", ...
std::string senderText(const SessionModel &model, const Process &p, int senderPid) {
  const SignalSender &k = p.killedBy;
  bool fromLog = k.known && k.pid == senderPid;
  if (senderPid == p.pid) {
    if (fromLog && (k.api == trace::KillAbort || k.api == trace::KillRaise))
      return std::string(" raised by ") + k.call() + " (itself)";
    return std::string(" sent by pid ") + model.pidText(senderPid) + " (itself" +
           (fromLog ? std::string(", with ") + k.call() : std::string()) + ")";
  }
  std::string who = "pid " + model.pidText(senderPid);
  if (const Process *sender = model.find(senderPid))
    who = model.describeProcess(*sender);
  else if (senderPid > 0 && !fromLog)
    who += " (outside the traced tree)";
  return " sent by " + who + (fromLog ? std::string(" with ") + k.call() : std::string());
}

} // namespace

std::string describeDeath(const SessionModel &model, const Process &p) {
  std::string how = p.exit.known ? p.exit.describe() : std::string("ended");
  if (p.killedBy.known)
    return how + senderText(model, p, p.killedBy.pid);
  if (const SignalDelivery *s = crashRecordFor(p))
    if (s->siCode <= 0 && s->senderPid > 0)
      return how + senderText(model, p, s->senderPid);
  return how;
}

std::vector<FindingEvent> deathEvents(const SessionModel &model, const Process &p) {
  std::vector<FindingEvent> out;
  FindingEvent death;
  death.pid = p.pid;
  death.what = model.describeProcess(p) + " " + describeDeath(model, p);
  if (const SignalDelivery *s = crashRecordFor(p)) {
    death.tid = s->tid;
    death.stack = s->stack;
  }
  out.push_back(std::move(death));
  if (p.killedBy.known && p.killedBy.pid > 0 && p.killedBy.pid != p.pid &&
      !p.killedBy.stack.frames.empty()) {
    FindingEvent sent;
    sent.pid = p.killedBy.pid;
    sent.tid = p.killedBy.tid;
    sent.what = "pid " + model.pidText(p.killedBy.pid) + " sent " + signalName(p.exit.signal) +
                " with " + p.killedBy.call() + " here";
    sent.stack = p.killedBy.stack;
    out.push_back(std::move(sent));
  }
  return out;
}

void detectUnreapedChild(const SessionModel &model, std::vector<Finding> &out) {
  for (const auto &entry : model.processes()) {
    const Process &p = entry.second;
    if (p.pid == model.rootPid())
      continue;
    const Process *parent = model.find(p.ppid);
    if (!parent || !parent->traced || !parent->exit.known || p.reapedBy == parent->pid ||
        p.reapedBy > 0)
      continue;
    // Daemons detach on purpose (setsid in them or in the process that forked them).
    if (inSession(model, &p) || lostCrashApplies(model, p) || p.killedByMonitor ||
        parent->killedByMonitor)
      continue;
    bool endedFirst = p.endNs != 0 && p.endNs < parent->endNs &&
                      (p.ranExitHandlers || p.calledUnderscoreExit || !p.signals.empty());
    bool zombie = p.reapedBy == kReapedByMonitor && endedFirst;
    bool orphan = p.stillRunning || (p.reapedBy == kReapedByMonitor && !endedFirst);
    // Ended but reaped by nobody: the kernel discarded it (SIGCHLD ignored, SA_NOCLDWAIT).
    if (!zombie && !orphan)
      continue;
    // A parent killed by a signal had no chance to wait for the children it left running
    // (a supervisor killed on purpose, a resource tracker that outlives its user by design).
    if (orphan && parent->exit.signaled)
      continue;
    // A helper that ends when its parent does (CPython's resource tracker and fork server): it
    // was blocked reading a pipe the parent could still write to when the parent exited.
    if (orphan && p.waitedForParentExit)
      continue;
    Finding f;
    f.rule = "mp-unreaped-child";
    f.severity = "warning";
    f.processes = {p.pid, parent->pid};
    if (zombie)
      f.message = model.describeProcess(p) + " " + p.exit.describe() + " but its parent, " +
                  model.describeProcess(*parent) +
                  ", never waited for it: it stayed a zombie and its "
                  "status was lost";
    else
      f.message = model.describeProcess(p) + " was still running when its parent, " +
                  model.describeProcess(*parent) + ", exited without waiting for it";
    f.events.push_back(forkEvent(model, p, "started by pid " + model.pidText(parent->pid)));
    FindingEvent end;
    end.pid = parent->pid;
    end.what = "pid " + model.pidText(parent->pid) + " " + parent->exit.describe() +
               (p.reapedBy == kReapedByMonitor ? "; procsan reaped the child"
                                               : "; the child was never reaped");
    f.events.push_back(std::move(end));
    out.push_back(std::move(f));
  }
}

// Whether every other thread alive at the fork was already on its way out: each was running (not
// blocked in a wait) at the fork and ended within a short while after it without doing anything
// the runtime records (CPython's join() returns before the OS thread has ended; on a loaded
// machine that thread may get the CPU back only later; a thread past its last Python line holds
// no lock the child could need). The tids come from the fork record's "tid:name(running) ..."
// list (a Python thread's name is quoted, with \" and \\ escaped, and may hold spaces); when that
// list was cut short, nothing is excused.
bool otherThreadsWereEnding(const Process &parent, const ForkRecord &fr) {
  if (parent.threadEnds.empty())
    return false;
  constexpr uint64_t kBefore = 1000000000ull, kAfter = 100000000ull;
  const std::string &list = fr.otherThreads;
  std::vector<std::pair<long, size_t>> tids; // tid, where its entry starts
  bool quoted = false;
  for (size_t i = 0; i < list.size(); ++i) {
    if (quoted) {
      if (list[i] == '\\')
        ++i;
      else if (list[i] == '"')
        quoted = false;
      continue;
    }
    if (list[i] == '"')
      quoted = true;
    if ((i > 0 && list[i - 1] != ' ') || !isdigit((unsigned char)list[i]))
      continue;
    size_t j = i;
    long tid = 0;
    while (j < list.size() && isdigit((unsigned char)list[j]) && tid < (1L << 30))
      tid = tid * 10 + (list[j++] - '0');
    if (j < list.size() && list[j] == ':')
      tids.emplace_back(tid, i);
  }
  if (tids.empty() || (int)tids.size() < fr.threads - 1)
    return false;
  for (size_t k = 0; k < tids.size(); ++k) {
    size_t entryEnd = k + 1 < tids.size() ? tids[k + 1].second : list.size();
    while (entryEnd > tids[k].second && list[entryEnd - 1] == ' ')
      --entryEnd;
    if (entryEnd < tids[k].second + 9 || list.compare(entryEnd - 9, 9, "(running)") != 0)
      return false; // blocked at the fork: a live thread, not one leaving
    bool ended =
        std::any_of(parent.threadEnds.begin(), parent.threadEnds.end(), [&](const ThreadEnd &te) {
          return te.tid == tids[k].first && te.timeNs + kBefore >= fr.timeNs &&
                 te.timeNs <= fr.timeNs + kAfter && te.previousEventNs <= fr.timeNs;
        });
    if (!ended)
      return false;
  }
  return true;
}

// A fork made by CPython's _posixsubprocess (subprocess, and the spawn and forkserver start
// methods): its child runs only async-signal-safe code until it execs, by design. Python 3.10+
// uses vfork there when it can; older ones fork from that module's own shared object.
bool forkedByPosixSubprocess(const ForkRecord &fr) {
  for (size_t i = 0; i < fr.stack.frames.size() && i < 3; ++i) {
    const std::string &m = fr.stack.frames[i].module;
    size_t slash = m.rfind('/');
    if (m.compare(slash == std::string::npos ? 0 : slash + 1, 16, "_posixsubprocess") == 0)
      return true;
  }
  return false;
}

void detectForkWithThreads(const SessionModel &model, std::vector<Finding> &out) {
  for (const auto &entry : model.processes()) {
    const Process &parent = entry.second;
    std::vector<uint64_t> reportedSites;
    for (const ForkRecord &fr : parent.forks) {
      const Process *child = model.find(fr.child);
      if (fr.threads <= 1 || !child || !child->traced || child->execed())
        continue;
      // A child that tried to exec (its exec failed) is the fork+exec shape, not one that went
      // on in the parent's code; a vfork child may only exec or _exit: one that did not exec
      // was killed before it could. The same for _posixsubprocess's forks.
      if (fr.vfork || child->triedExec || forkedByPosixSubprocess(fr) ||
          otherThreadsWereEnding(parent, fr))
        continue;
      if (!firstAtSite(reportedSites, fr))
        continue; // one finding per fork site of a process
      Finding f;
      f.rule = "mp-fork-with-threads";
      f.severity = "warning";
      f.processes = {parent.pid, child->pid};
      f.message = model.describeProcess(parent) + " forked " + model.describeProcess(*child) +
                  " while " + std::to_string(fr.threads - 1) + " other thread" +
                  (fr.threads == 2 ? " was" : "s were") +
                  " running, and the child went on without exec: locks those threads held "
                  "stay locked in the child";
      FindingEvent e;
      e.pid = parent.pid;
      e.tid = fr.tid;
      e.what = "fork in pid " + model.pidText(parent.pid) +
               (fr.otherThreads.empty() ? "" : "; other threads: " + fr.otherThreads);
      e.stack = fr.stack;
      f.events.push_back(std::move(e));
      out.push_back(std::move(f));
    }
  }
}

void detectForkPendingStdio(const SessionModel &model, std::vector<Finding> &out) {
  for (const auto &entry : model.processes()) {
    const Process &parent = entry.second;
    std::vector<uint64_t> reportedSites;
    for (const ForkRecord &fr : parent.forks) {
      const Process *child = model.find(fr.child);
      // Byte counts come from the trace (untrusted): no negative ones, no overflowing sum.
      long outBytes = std::max(0L, fr.stdoutPending), errBytes = std::max(0L, fr.stderrPending);
      long pending = outBytes > LONG_MAX - errBytes ? LONG_MAX : outBytes + errBytes;
      // Only a child that flushes its copy (exit(), return from main) duplicates the output.
      if (pending <= 0 || !child || !child->traced || child->execed() || !child->ranExitHandlers)
        continue;
      if (!firstAtSite(reportedSites, fr))
        continue; // one finding per fork site of a process
      Finding f;
      f.rule = "mp-fork-pending-stdio";
      f.severity = "warning";
      f.processes = {parent.pid, child->pid};
      std::string where = fr.stdoutPending > 0 && fr.stderrPending > 0
                              ? "stdout and stderr"
                              : (fr.stdoutPending > 0 ? "stdout" : "stderr");
      f.message = model.describeProcess(parent) + " forked while " + where + " held " +
                  std::to_string(pending) + " unflushed byte" + (pending == 1 ? "" : "s") + "; " +
                  model.describeProcess(*child) +
                  " flushed its copy when it exited, so that output appears twice";
      FindingEvent e;
      e.pid = parent.pid;
      e.tid = fr.tid;
      e.what = "fork in pid " + model.pidText(parent.pid) + " with unflushed " + where;
      e.stack = fr.stack;
      f.events.push_back(std::move(e));
      FindingEvent c;
      c.pid = child->pid;
      c.what = "pid " + model.pidText(child->pid) +
               " ended through exit() (atexit handlers and stdio flush) instead of _exit()";
      f.events.push_back(std::move(c));
      out.push_back(std::move(f));
    }
  }
}

// Semaphores some process posted without holding them: handed from process to process (a
// multiprocessing Lock released by another process, a signal), so a holder's table entry for
// one is no evidence that it is still held, nor of an order between locks.
std::set<LockKey> handedOff(const SessionModel &model) {
  std::set<LockKey> keys;
  for (const auto &entry : model.processes())
    for (const SemPost &post : entry.second.semPosts)
      keys.insert(post.sem);
  return keys;
}

// Where the memory that holds a lock was mapped (mmap with MAP_SHARED), with the stack: the
// creation of a mutex or unnamed semaphore is not recorded, its memory's is.
void addMappingEvent(const SessionModel &model, const LockKey &k, Finding &f) {
  std::pair<const Process *, const SharedMapping *> m = model.mappingOf(k);
  if (!m.second)
    return;
  for (const FindingEvent &e : f.events)
    if (e.pid == m.first->pid && e.tid == m.second->tid && e.stack.frames.size() &&
        e.stack.frames.size() == m.second->stack.frames.size() &&
        e.stack.frames.front().pc == m.second->stack.frames.front().pc)
      return; // the same mapping, already shown for another lock
  FindingEvent e;
  e.pid = m.first->pid;
  e.tid = m.second->tid;
  e.what = "the shared memory " +
           (m.second->path.empty() ? std::string() : "(" + m.second->path + ") ") +
           "that holds it was mapped by pid " + model.pidText(m.first->pid);
  e.stack = m.second->stack;
  f.events.push_back(std::move(e));
}

// True when a process ended before (or when) `before`: its reaper saw it dead, or it was in its
// exit path by then.
bool goneBy(const Process &q, uint64_t before) {
  if (q.reapedNs != 0 && q.reapedNs <= before)
    return true;
  return q.exit.known && (q.ranExitHandlers || q.calledUnderscoreExit) && q.endNs != 0 &&
         q.endNs <= before;
}

// True when some process other than the holder may still take the lock after the holder ended:
// one that used it, or one that inherited it by fork from its creator after the creation, not yet
// gone when the holder ended. A semaphore whose creation was not seen (a mutex anywhere in memory
// the whole tree may share) or whose name was never unlinked (anyone may open it) always has
// such a process.
bool othersMayTake(const SessionModel &model, const Process &holder, const LockKey &lock) {
  std::pair<int, uint64_t> creator = model.semaphoreCreator(lock);
  if (creator.first == 0)
    return true;
  std::string name = model.semaphoreName(lock, holder.endNs ? holder.endNs : UINT64_MAX);
  if (!name.empty()) {
    bool unlinked =
        std::any_of(model.ipcObjects().begin(), model.ipcObjects().end(), [&](const IpcObject &o) {
          return o.kind == trace::IpcSem && o.name == name && o.unlinked;
        });
    if (!unlinked)
      return true;
  }
  std::set<int> users = model.lockUsers(lock);
  std::set<int> sharers = users;
  std::vector<int> work{creator.first};
  for (size_t i = 0; i < work.size() && i < 100000; ++i) {
    const Process *p = model.find(work[i]);
    // The creator's children inherit the lock; further down it passes only through a process
    // that showed it used the lock (a grandchild forked by an unrelated helper is no taker).
    if (!p || (p->pid != creator.first && !users.count(p->pid)))
      continue;
    for (const ForkRecord &fr : p->forks) {
      if (p->pid == creator.first && fr.timeNs < creator.second)
        continue; // forked before the lock existed
      const Process *child = model.find(fr.child);
      // An exec'd child lost the parent's memory; it can only use the lock by name (a user).
      if (!child || !child->startedByFork || child->execed())
        continue;
      if (sharers.insert(child->pid).second)
        work.push_back(child->pid);
    }
  }
  for (int pid : sharers) {
    const Process *q = model.find(pid);
    if (pid != holder.pid && q && !goneBy(*q, holder.endNs))
      return true;
  }
  return false;
}

void detectLockHeldAtExit(const SessionModel &model, std::vector<Finding> &out) {
  std::set<LockKey> handed = handedOff(model);
  for (const auto &entry : model.processes()) {
    const Process &p = entry.second;
    if (!p.exit.known || p.killedByMonitor || p.held.empty())
      continue;
    // Killed on purpose by the tree (an executor's _terminate_broken, a supervisor's kill): the
    // killer chose to end it wherever it was; a later wait on the lock is a dead-owner hang.
    if (p.exit.signaled && model.signalSentByTree(p.pid, p.exit.signal))
      continue;
    std::vector<const HeldEntry *> held;
    for (const HeldEntry &h : p.held) {
      // An RLock taken again by its holder is one lock held, not several.
      bool again = std::any_of(held.begin(), held.end(), [&](const HeldEntry *o) {
        return o->lock == h.lock && o->tid == h.tid;
      });
      // The last process that could take it (Pool.terminate() takes the task queue's lock and
      // keeps it while the workers die) leaves nobody to wait for it.
      if (!handed.count(h.lock) && !again && othersMayTake(model, p, h.lock))
        held.push_back(&h);
    }
    if (held.empty())
      continue;
    Finding f;
    f.rule = "mp-lock-held-at-exit";
    f.processes = {p.pid};
    std::string what;
    for (const HeldEntry *hp : held) {
      const HeldEntry &h = *hp;
      if (!what.empty())
        what += ", ";
      what += model.describeLock(h.lock, h.kind, p.endNs ? p.endNs : UINT64_MAX) +
              " (taken by thread " + std::to_string(h.tid) + ")";
    }
    f.message = model.describeProcess(p) + " " + p.exit.describe() + " while holding " + what +
                ": whoever waits for it next waits forever (or gets EOWNERDEAD from a robust "
                "mutex)";
    FindingEvent death;
    death.pid = p.pid;
    death.what = "pid " + model.pidText(p.pid) + " " + p.exit.describe();
    if (const SignalDelivery *s = crashRecordFor(p)) {
      death.tid = s->tid;
      death.stack = s->stack;
    }
    f.events.push_back(std::move(death));
    for (const HeldEntry *hp : held) {
      // Where the holding thread first took it (a thread that takes a lock at several places
      // shows the first; the lock's identity is the same).
      auto take = std::find_if(p.lockTakes.begin(), p.lockTakes.end(), [&](const LockTake &t) {
        return t.lock == hp->lock && t.tid == hp->tid;
      });
      if (take != p.lockTakes.end()) {
        FindingEvent e;
        e.pid = p.pid;
        e.tid = take->tid;
        e.what = "thread " + std::to_string(take->tid) + " of pid " + model.pidText(p.pid) +
                 " first took " + model.describeLock(hp->lock, hp->kind, take->timeNs) + " here";
        e.stack = take->stack;
        f.events.push_back(std::move(e));
      }
      addMappingEvent(model, hp->lock, f);
    }
    out.push_back(std::move(f));
  }
}

void detectLockOrderInversion(const SessionModel &model, std::vector<Finding> &out) {
  const std::vector<LockOrderEdge> &edges = model.lockOrder();
  std::set<LockKey> handed = handedOff(model);
  std::set<std::pair<LockKey, LockKey>> reported;
  for (size_t i = 0; i < edges.size(); ++i) {
    for (size_t j = 0; j < edges.size(); ++j) {
      const LockOrderEdge &a = edges[i], &b = edges[j];
      if (!(a.first == b.second && a.second == b.first))
        continue;
      // The same identities, but not the same semaphores when one was made anew in between.
      if (model.semaphoreGeneration(a.first, a.timeNs) !=
              model.semaphoreGeneration(a.first, b.timeNs) ||
          model.semaphoreGeneration(a.second, a.timeNs) !=
              model.semaphoreGeneration(a.second, b.timeNs))
        continue;
      if (handed.count(a.first) || handed.count(a.second))
        continue;
      std::pair<LockKey, LockKey> key = a.first < a.second ? std::make_pair(a.first, a.second)
                                                           : std::make_pair(a.second, a.first);
      if (!reported.insert(key).second)
        continue;
      Finding f;
      f.rule = "mp-lock-order-inversion";
      f.severity = "warning";
      f.processes = {a.pid, b.pid};
      std::string l1 = model.describeLock(a.first, 0, a.timeNs),
                  l2 = model.describeLock(a.second, 0, a.timeNs);
      f.message = "process-shared locks taken in opposite orders: " + l2 + " while holding " + l1 +
                  " (pid " + model.pidText(a.pid) + "), and the reverse (pid " +
                  model.pidText(b.pid) + "): the two can deadlock";
      FindingEvent e1;
      e1.pid = a.pid;
      e1.tid = a.tid;
      e1.what = "pid " + model.pidText(a.pid) + " takes " + l2 + " while holding " + l1;
      e1.stack = a.stack;
      FindingEvent e2;
      e2.pid = b.pid;
      e2.tid = b.tid;
      e2.what = "pid " + model.pidText(b.pid) + " takes " + l1 + " while holding " + l2;
      e2.stack = b.stack;
      f.events.push_back(std::move(e1));
      f.events.push_back(std::move(e2));
      addMappingEvent(model, a.first, f);
      addMappingEvent(model, a.second, f);
      out.push_back(std::move(f));
    }
  }
}

void nameMessageQueueWaits(const SessionModel &model, std::vector<Finding> &findings) {
  for (Finding &f : findings)
    for (FindingEvent &e : f.events) {
      if (e.what.find("blocked in mq_") == std::string::npos)
        continue;
      const MqBlock *b = model.currentMqBlock(e.pid, e.tid);
      if (!b || b->name.empty())
        continue;
      e.what += " on message queue '" + b->name + "'";
      if (e.stack.frames.empty())
        e.stack = b->stack;
    }
}

void detectLeakedIpc(const SessionModel &model, std::vector<Finding> &out) {
  for (const IpcObject &o : model.ipcObjects()) {
    if (!o.stillPresent)
      continue;
    Finding f;
    f.rule = "mp-leaked-ipc";
    f.severity = "warning";
    f.processes = {o.creator};
    const Process *creator = model.find(o.creator);
    std::string by = creator ? model.describeProcess(*creator) : "pid " + model.pidText(o.creator);
    if (o.kind == trace::IpcSysvShm) {
      char key[32];
      snprintf(key, sizeof(key), "0x%llx", (unsigned long long)o.sysvKey);
      f.message = std::string(ipcKindName(o.kind)) + " " + std::to_string(o.sysvId) + " (key " +
                  (o.sysvKey == 0 ? std::string("IPC_PRIVATE") : std::string(key)) + ", " +
                  std::to_string(o.sysvSize) + " bytes) created by " + by +
                  " still exists after the program ended: nobody removed it with "
                  "shmctl(IPC_RMID)";
    } else if (!o.stack.python.empty()) {
      // Python: the object as the program made it ("SharedMemory('psm_1a2b')" at app.py:14).
      std::string type = pythonObjectType(o.stack);
      std::string name = o.name.size() > 1 && o.name[0] == '/' ? o.name.substr(1) : o.name;
      const PyFrame *user = userPythonFrame(o.stack);
      f.message = (type.empty() ? std::string(ipcKindName(o.kind)) + " '" + o.name + "'"
                                : type + "('" + name + "')") +
                  " created at " + user->file + ":" + std::to_string(user->line) + " by " + by +
                  " was never unlinked: it still exists after the program ended";
    } else {
      f.message = std::string(ipcKindName(o.kind)) + " '" + o.name + "' created by " + by +
                  " still exists after the program ended: nobody unlinked it";
    }
    FindingEvent e;
    e.pid = o.creator;
    e.what = "created here";
    e.stack = o.stack;
    f.events.push_back(std::move(e));
    out.push_back(std::move(f));
  }
}

void detectLostCrash(const SessionModel &model, std::vector<Finding> &out) {
  const ExitInfo &root = model.rootExit();
  bool programSucceeded = root.known && !root.signaled && root.code == 0;
  for (const auto &entry : model.processes()) {
    const Process &p = entry.second;
    // procsan ended the hung tree: a death in that moment (SIGPIPE once the reader was killed
    // first) is the kill's doing.
    if (p.pid == model.rootPid() || !p.exit.abnormal() || p.killedByMonitor)
      continue;
    // A signal another process of the tree sent on purpose (terminate(), kill()) is no crash,
    // nor is the exit status a handler of such a signal chose (a worker that turns SIGTERM into
    // exit(15)).
    if (model.signalSentByTree(p.pid, p.exit.signaled ? p.exit.signal : 0))
      continue;
    bool reapedByProgram = p.reapedBy > 0;
    // Noticed: the program reaped it and kept the status (waitpid(pid, &status, ..), Python's
    // join()/exitcode). Whether the status is then examined is the analyzer's question
    // (mp-unchecked-child-status); a test suite that crashes workers on purpose and checks how
    // they ended is silent here.
    if (reapedByProgram && !p.statusDiscarded)
      continue;
    if (!p.exit.signaled) {
      // Exit codes of exec'd tools are answers (grep, test), not failures: only a worker running
      // the parent's own program that fails counts.
      if (!model.runsParentImage(p))
        continue;
      if (reapedByProgram && !programSucceeded)
        continue;
    } else if (reapedByProgram && !programSucceeded) {
      continue; // the failure is visible in the program's own status
    }

    Finding f;
    f.rule = "mp-lost-crash";
    f.processes.push_back(p.pid);
    std::string how = p.exit.describe();
    if (!reapedByProgram)
      f.message = model.describeProcess(p) + " " + how + " and nobody in the program reaped it";
    else
      f.message = model.describeProcess(p) + " " + how + " but the program exited with status 0";

    FindingEvent death;
    death.pid = p.pid;
    if (const SignalDelivery *s = crashRecordFor(p)) {
      death.tid = s->tid;
      death.what = signalName(s->signal);
      if (s->siCode > 0 && (s->signal == SIGSEGV || s->signal == SIGBUS)) {
        char addr[32];
        snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)s->faultAddress);
        death.what += std::string(" on address ") + addr;
      } else if (s->siCode <= 0 && s->senderPid > 0) {
        death.what += senderText(model, p, s->senderPid);
      }
      death.what += " in " + model.describeProcess(p);
      death.stack = s->stack;
    } else if (p.killedBy.known) {
      death.what = model.describeProcess(p) + " " + how + senderText(model, p, p.killedBy.pid);
    } else {
      death.what = model.describeProcess(p) + " " + how +
                   (p.exit.signaled ? " (no handler ran: the signal cannot be caught, or the "
                                      "process was not traced)"
                                    : "");
    }
    f.events.push_back(std::move(death));
    if (p.killedBy.known && p.killedBy.pid > 0 && !p.killedBy.stack.frames.empty()) {
      FindingEvent sent;
      sent.pid = p.killedBy.pid;
      sent.tid = p.killedBy.tid;
      sent.what = p.killedBy.pid == p.pid
                      ? "pid " + model.pidText(p.pid) + " called " + p.killedBy.call() + " here"
                      : "pid " + model.pidText(p.killedBy.pid) + " sent " +
                            signalName(p.exit.signal) + " with " + p.killedBy.call() + " here";
      sent.stack = p.killedBy.stack;
      f.events.push_back(std::move(sent));
    }

    FindingEvent reap;
    if (reapedByProgram) {
      reap.pid = p.reapedBy;
      reap.what = "pid " + model.pidText(p.reapedBy) +
                  (p.reapedBy == p.ppid ? " (its parent)" : "") +
                  " reaped it without keeping its status (" + how +
                  ") and the program still exited with status 0";
      f.processes.push_back(p.reapedBy);
    } else if (p.reapedBy == kReapedByMonitor) {
      reap.pid = p.ppid;
      reap.what = "its parent, pid " + model.pidText(p.ppid) +
                  ", never waited for it; procsan reaped it after the parent was gone";
    }
    if (!reap.what.empty())
      f.events.push_back(std::move(reap));
    out.push_back(std::move(f));
  }
}

} // namespace monitor
} // namespace procsan
