#include "monitor/hang.h"

#include "monitor/detectors.h"

#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <map>
#include <poll.h>
#include <set>
#include <time.h>
#include <unistd.h>

namespace procsan {
namespace monitor {

namespace {

// x86-64 system call numbers.
enum : long {
  SysRead = 0,
  SysWrite = 1,
  SysPoll = 7,
  SysReadv = 19,
  SysWritev = 20,
  SysSelect = 23,
  SysPause = 34,
  SysNanosleep = 35,
  SysAccept = 43,
  SysSendto = 44,
  SysRecvfrom = 45,
  SysSendmsg = 46,
  SysRecvmsg = 47,
  SysWait4 = 61,
  SysSemop = 65,
  SysSigtimedwait = 128,
  SysSigsuspend = 130,
  SysFutex = 202,
  SysSemtimedop = 220,
  SysClockNanosleep = 230,
  SysEpollWait = 232,
  SysMqTimedsend = 242,
  SysMqTimedreceive = 243,
  SysWaitid = 247,
  SysPselect6 = 270,
  SysPpoll = 271,
  SysEpollPwait = 281,
  SysAccept4 = 288
};

std::string describeFd(const ProcessSnapshot &p, int fd) {
  for (const FdSnapshot &f : p.fds)
    if (f.fd == fd)
      return f.target + " (fd " + std::to_string(fd) + ")";
  return "fd " + std::to_string(fd);
}

const FdSnapshot *fdOf(const ProcessSnapshot &p, int fd) {
  for (const FdSnapshot &f : p.fds)
    if (f.fd == fd)
      return &f;
  return nullptr;
}

bool canRead(int mode) { return mode == 0 /*O_RDONLY*/ || mode == 2 /*O_RDWR*/; }
bool canWrite(int mode) { return mode == 1 /*O_WRONLY*/ || mode == 2; }

uint64_t monotonicNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct Analysis {
  const TreeSnapshot &tree;
  std::map<int, std::vector<ThreadWait>> waits;          // per pid, per thread (same order)
  std::map<std::string, std::set<int>> readers, writers; // pipe target -> pids

  Analysis(const TreeSnapshot &t, const SessionModel &model) : tree(t) {
    uint64_t now = monotonicNs();
    for (const auto &entry : tree.processes) {
      const ProcessSnapshot &p = entry.second;
      // pause()/sigsuspend() with an alarm armed waits with a timeout (alarm(10); pause();).
      const Process *mp = model.find(p.pid);
      bool alarmArmed =
          mp && mp->alarmAtNs != 0 && (mp->alarmIntervalNs > 0 || mp->alarmAtNs > now);
      for (const ThreadSnapshot &th : p.threads) {
        ThreadWait w = classifyWait(th);
        if (alarmArmed && w.kind == WaitKind::Signal) {
          w.kind = WaitKind::Timed;
          w.what += " (an alarm is armed)";
        }
        waits[p.pid].push_back(w);
      }
      for (const FdSnapshot &f : p.fds) {
        if (f.target.rfind("pipe:", 0) != 0)
          continue;
        if (canRead(f.accessMode))
          readers[f.target].insert(p.pid);
        if (canWrite(f.accessMode))
          writers[f.target].insert(p.pid);
      }
    }
  }

  // Every thread of the process waits for something with no timeout.
  bool blockedForever(int pid) const {
    auto it = waits.find(pid);
    if (it == waits.end() || it->second.empty())
      return false;
    for (const ThreadWait &w : it->second)
      if (w.kind == WaitKind::Running || w.kind == WaitKind::Timed || w.kind == WaitKind::Other)
        return false;
    return true;
  }
};

std::string processName(const SessionModel &model, const ProcessSnapshot &p) {
  if (const Process *mp = model.find(p.pid))
    return model.describeProcess(*mp);
  return "process " + std::to_string(p.pid) + " (" + p.comm + ")";
}

FindingEvent waitEvent(const ProcessSnapshot &p, const ThreadSnapshot &t, const ThreadWait &w) {
  FindingEvent e;
  e.pid = p.pid;
  e.tid = t.tid;
  e.what = "pid " + std::to_string(p.pid) + " thread " + std::to_string(t.tid) + " (" + t.name +
           ") blocked in " + w.what;
  return e;
}

// Pipes the tree got from outside (procsan's own stdin, stdout, stderr): their other ends are
// held by processes procsan cannot see.
std::set<std::string> externalPipes() {
  std::set<std::string> out;
  for (int fd = 0; fd <= 2; ++fd) {
    char buf[256];
    std::string link = "/proc/self/fd/" + std::to_string(fd);
    ssize_t n = readlink(link.c_str(), buf, sizeof(buf) - 1);
    if (n > 0) {
      buf[n] = 0;
      out.insert(buf);
    }
  }
  return out;
}

// The lock a thread blocked in futex waits for: its last recorded "about to block", when the
// futex word is that lock (a stale record of a wait that ended is not).
const LockBlock *currentLockBlock(const SessionModel &model, int pid, const ThreadSnapshot &t) {
  const Process *mp = model.find(pid);
  if (!mp)
    return nullptr;
  const LockBlock *last = nullptr;
  for (const LockBlock &b : mp->lockBlocks)
    if (b.tid == t.tid)
      last = &b;
  if (!last)
    return nullptr;
#if defined(__x86_64__)
  if (t.syscall != SysFutex ||
      (last->address != 0 && (t.args[0] < last->address || t.args[0] >= last->address + 16)))
    return nullptr;
#endif
  return last;
}

std::string pidList(const std::set<int> &pids) {
  std::string s;
  size_t i = 0;
  for (int p : pids) {
    if (i++)
      s += i == pids.size() ? " and " : ", ";
    s += std::to_string(p);
  }
  return s;
}

// A dead process named like a live one (processName wants a snapshot).
ProcessSnapshot deadSnapshot(const Process &d) {
  ProcessSnapshot s;
  s.pid = d.pid;
  s.ppid = d.ppid;
  return s;
}

uint64_t pipeInode(const std::string &target) {
  if (target.rfind("pipe:[", 0) != 0)
    return 0;
  return strtoull(target.c_str() + 6, nullptr, 10);
}

// A process that is gone or a zombie: it holds no fd and will never write again.
bool isDead(const TreeSnapshot &tree, int pid) {
  auto it = tree.processes.find(pid);
  return it == tree.processes.end() || it->second.state == 'Z';
}

// What a read of a pipe is, in the program's terms: "Queue.get()" when the reader holds the
// Queue's reader Lock (as get() does while it reads), else the pipe by name.
std::string readSubject(const SessionModel &model, int pid, int tid, const std::string &target) {
  PipeRole role = model.pipeRole(pipeInode(target));
  if (role.what.empty())
    return "a read of " + target;
  if (const Process *mp = model.find(pid))
    for (const HeldEntry &h : mp->held)
      if (h.lock == role.readLock && h.tid == tid)
        return role.what + ".get()";
  return "a read of the pipe of a multiprocessing " + role.what + " (" + target + ")";
}

// The fds a thread blocked in poll/ppoll waits on, read from its memory (diagnosis time only).
std::vector<int> polledFds(int pid, const ThreadSnapshot &t) {
  std::vector<int> fds;
#if defined(__x86_64__)
  if (t.syscall != SysPoll && t.syscall != SysPpoll)
    return fds;
  uint64_t n = t.args[1];
  if (n == 0 || n > 64)
    return fds;
  std::vector<struct pollfd> buf(n);
  std::string path = "/proc/" + std::to_string(pid) + "/mem";
  int mem = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (mem < 0)
    return fds;
  ssize_t got = pread(mem, buf.data(), n * sizeof(struct pollfd), (off_t)t.args[0]);
  close(mem);
  if (got != (ssize_t)(n * sizeof(struct pollfd)))
    return fds;
  for (const struct pollfd &p : buf)
    if (p.fd >= 0 && (p.events & POLLIN))
      fds.push_back(p.fd);
#else
  (void)pid;
  (void)t;
#endif
  return fds;
}

// One edge set of the wait-for graph: the thread waits for something only these can give.
struct WaitNode {
  int pid = 0, tid = 0;
  const ThreadSnapshot *thread = nullptr;
  ThreadWait wait;
  std::set<int> giverPids; // any thread of these processes could end the wait
  std::set<int> giverTids; // or these threads (the holders of a lock)
  std::string why;         // ", whose write end only pid 12 holds"
  const LockBlock *lock = nullptr;
};

std::vector<WaitNode> waitGraph(const Analysis &an, const SessionModel &model) {
  std::vector<WaitNode> nodes;
  std::set<std::string> external = externalPipes();
  for (const auto &entry : an.tree.processes) {
    const ProcessSnapshot &p = entry.second;
    auto wit = an.waits.find(p.pid);
    if (wit == an.waits.end())
      continue;
    const std::vector<ThreadWait> &ws = wit->second;
    for (size_t i = 0; i < p.threads.size() && i < ws.size(); ++i) {
      WaitNode n;
      n.pid = p.pid;
      n.tid = p.threads[i].tid;
      n.thread = &p.threads[i];
      n.wait = ws[i];
      if (n.wait.fd >= 0)
        n.wait.what += " on " + describeFd(p, n.wait.fd);
      switch (n.wait.kind) {
      case WaitKind::ReadFd:
      case WaitKind::WriteFd: {
        const FdSnapshot *f = fdOf(p, n.wait.fd);
        if (!f || f->target.rfind("pipe:", 0) != 0 || external.count(f->target))
          continue;
        bool reading = n.wait.kind == WaitKind::ReadFd;
        auto &ends = reading ? an.writers : an.readers;
        auto it = ends.find(f->target);
        if (it == ends.end() || it->second.empty())
          continue; // end-of-file or EPIPE: not a wait
        n.giverPids = it->second;
        n.why = std::string(", whose ") + (reading ? "write" : "read") + " end " +
                (n.giverPids.size() == 1 ? "only pid " : "pids ") + pidList(n.giverPids) +
                (n.giverPids.size() == 1 ? " holds" : " hold");
        break;
      }
      case WaitKind::WaitChild: {
        long which = (long)(int32_t)p.threads[i].args[0];
        for (const auto &c : an.tree.processes)
          if (c.second.ppid == p.pid && (which <= 0 || which == c.first))
            n.giverPids.insert(c.first);
        if (n.giverPids.empty())
          continue;
        n.why = ", for child " + pidList(n.giverPids) + " to end";
        break;
      }
      case WaitKind::Lock: {
        n.lock = currentLockBlock(model, p.pid, p.threads[i]);
        if (!n.lock)
          continue;
        std::string name = model.describeLock(n.lock->lock, n.lock->kind);
        std::string holders;
        for (const auto &c : an.tree.processes)
          if (const Process *hp = model.find(c.first))
            for (const HeldEntry &h : hp->held)
              if (h.lock == n.lock->lock && h.tid > 0 && n.giverTids.insert(h.tid).second)
                holders += std::string(holders.empty() ? "" : ", ") + "pid " +
                           std::to_string(c.first) + " thread " + std::to_string(h.tid);
        if (!n.giverTids.empty()) {
          n.wait.what = "a wait for " + name;
          n.why = ", held by " + holders;
          break;
        }
        // A counting semaphore: only the processes that posted it before are known to give.
        if (n.lock->kind != trace::LockSem || model.semaphoreInitialValue(n.lock->lock) == 1)
          continue;
        for (const auto &c : an.tree.processes)
          if (const Process *pp = model.find(c.first))
            for (const SemPost &sp : pp->semPosts)
              if (sp.sem == n.lock->lock)
                n.giverPids.insert(c.first);
        if (n.giverPids.empty())
          continue;
        n.wait.what = "a wait for " + name;
        n.why = std::string(", which ") + (n.giverPids.size() == 1 ? "only pid " : "pids ") +
                pidList(n.giverPids) + " posted before";
        break;
      }
      default:
        continue;
      }
      nodes.push_back(std::move(n));
    }
  }
  return nodes;
}

// Threads that can never run again: each waits only for threads of the set (or for processes
// all of whose threads are in the set). The greatest such set, by elimination.
std::set<int> stuckForever(const std::vector<WaitNode> &nodes, const TreeSnapshot &tree,
                           const std::set<int> &candidates) {
  std::map<int, const WaitNode *> byTid;
  std::set<int> d;
  for (const WaitNode &n : nodes)
    if (candidates.count(n.tid)) {
      byTid[n.tid] = &n;
      d.insert(n.tid);
    }
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = d.begin(); it != d.end();) {
      const WaitNode &n = *byTid[*it];
      bool canWake = false;
      for (int t : n.giverTids)
        canWake |= !d.count(t);
      for (int p : n.giverPids) {
        auto pit = tree.processes.find(p);
        if (pit == tree.processes.end())
          continue;
        for (const ThreadSnapshot &th : pit->second.threads)
          canWake |= !d.count(th.tid);
      }
      if (canWake) {
        it = d.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
  }
  return d;
}

// Cycles through the stuck set, each reported once, skipping processes already explained.
std::vector<Finding> cycleFindings(const std::vector<WaitNode> &nodes, const TreeSnapshot &tree,
                                   const SessionModel &model, const std::set<int> &stuck,
                                   const std::set<int> &explained, double seconds) {
  std::vector<Finding> out;
  std::map<int, const WaitNode *> byTid;
  for (const WaitNode &n : nodes)
    if (stuck.count(n.tid))
      byTid[n.tid] = &n;
  auto next = [&](const WaitNode &n) -> int {
    for (int t : n.giverTids)
      if (stuck.count(t))
        return t;
    // Other processes first: a wait for itself is a cycle only when no one else holds an end.
    for (int pass = 0; pass < 2; ++pass)
      for (int p : n.giverPids) {
        if ((p == n.pid) != (pass == 1))
          continue;
        auto pit = tree.processes.find(p);
        if (pit == tree.processes.end())
          continue;
        for (const ThreadSnapshot &th : pit->second.threads)
          if (stuck.count(th.tid))
            return th.tid;
      }
    return 0;
  };
  std::set<int> visited;
  char secs[32];
  snprintf(secs, sizeof(secs), "%.1f", seconds);
  for (const auto &start : byTid) {
    if (visited.count(start.first))
      continue;
    std::vector<int> path;
    std::map<int, size_t> at;
    int cur = start.first;
    while (cur && !at.count(cur) && !visited.count(cur) && byTid.count(cur)) {
      at[cur] = path.size();
      path.push_back(cur);
      cur = next(*byTid[cur]);
    }
    for (int t : path)
      visited.insert(t);
    if (!cur || !at.count(cur))
      continue; // ran into a cycle found before
    std::vector<int> cycle(path.begin() + (long)at[cur], path.end());
    std::set<int> pids;
    bool known = false;
    for (int t : cycle) {
      pids.insert(byTid[t]->pid);
      known |= explained.count(byTid[t]->pid) > 0;
    }
    if (known)
      continue;
    Finding f;
    f.rule = "mp-deadlock";
    // One process whose blocked threads all read pipes only it can write to: that is the
    // self-hold rule, found here when the rest of the tree still moved a moment ago (a child
    // that just exited), and worded as when the whole tree is stuck.
    const FdSnapshot *selfHeld = nullptr;
    if (pids.size() == 1) {
      const ProcessSnapshot &only = tree.processes.at(*pids.begin());
      bool allPipeReads = true;
      for (int t : cycle) {
        const WaitNode &n = *byTid[t];
        const FdSnapshot *fd = n.wait.kind == WaitKind::ReadFd ? fdOf(only, n.wait.fd) : nullptr;
        allPipeReads &= fd && fd->target.rfind("pipe:", 0) == 0;
        if (allPipeReads && !selfHeld)
          selfHeld = fd;
      }
      if (!allPipeReads)
        selfHeld = nullptr;
    }
    if (selfHeld) {
      f.rule = "mp-pipe-self-hold";
      f.message = processName(model, tree.processes.at(*pids.begin())) + " is blocked reading " +
                  selfHeld->target +
                  ", whose write end only it (or other blocked readers) still holds: "
                  "end-of-file never comes (stuck for " +
                  secs + " s)";
    } else if (pids.size() == 1)
      f.message = processName(model, tree.processes.at(*pids.begin())) +
                  " waits for itself: none of its blocked threads can go on (stuck for " + secs +
                  " s)";
    else
      f.message = "processes " + pidList(pids) +
                  " wait for each other in a cycle: none of them can go on (stuck for " + secs +
                  " s)";
    for (int t : cycle) {
      const WaitNode &n = *byTid[t];
      const ProcessSnapshot &p = tree.processes.at(n.pid);
      f.processes.push_back(n.pid);
      ThreadWait w = n.wait;
      w.what += n.why;
      FindingEvent e = waitEvent(p, *n.thread, w);
      if (n.lock)
        e.stack = n.lock->stack;
      f.events.push_back(std::move(e));
    }
    std::sort(f.processes.begin(), f.processes.end());
    f.processes.erase(std::unique(f.processes.begin(), f.processes.end()), f.processes.end());
    out.push_back(std::move(f));
  }
  return out;
}

} // namespace

const std::vector<const char *> &hangRules() {
  static const std::vector<const char *> rules = {"mp-join-before-drain", "mp-pipe-self-hold",
                                                  "mp-dead-owner", "mp-deadlock", "mp-lost-crash"};
  return rules;
}

ThreadWait classifyWait(const ThreadSnapshot &t) {
  ThreadWait w;
  if (t.state == 'R' || t.syscall == -1) {
    w.kind = WaitKind::Running;
    w.what = "running";
    return w;
  }
  if (t.syscall < 0) {
    w.kind = WaitKind::Other;
    w.what = "an unknown state";
    return w;
  }
#if defined(__x86_64__)
  const uint64_t *a = t.args;
  switch (t.syscall) {
  case SysRead:
  case SysReadv:
  case SysRecvfrom:
  case SysRecvmsg:
    w.kind = WaitKind::ReadFd;
    w.fd = (int)a[0];
    w.what = "read";
    break;
  case SysWrite:
  case SysWritev:
  case SysSendto:
  case SysSendmsg:
    w.kind = WaitKind::WriteFd;
    w.fd = (int)a[0];
    w.what = "write";
    break;
  case SysWait4:
  case SysWaitid:
    w.kind = WaitKind::WaitChild;
    w.what = t.syscall == SysWait4 ? "wait4" : "waitid";
    break;
  case SysFutex: {
    int op = (int)(a[1] & 0x7f);
    bool isWait = op == 0 /*WAIT*/ || op == 9 /*WAIT_BITSET*/ || op == 6 /*LOCK_PI*/ ||
                  op == 11 /*WAIT_REQUEUE_PI*/;
    w.kind = isWait && a[3] == 0 ? WaitKind::Lock : WaitKind::Timed;
    w.what = "futex (a lock, condition variable or semaphore)";
    break;
  }
  case SysSemop:
    w.kind = WaitKind::Lock;
    w.what = "semop";
    break;
  case SysSemtimedop:
    w.kind = a[3] == 0 ? WaitKind::Lock : WaitKind::Timed;
    w.what = "semtimedop";
    break;
  case SysMqTimedreceive:
  case SysMqTimedsend:
    w.kind = a[4] == 0 ? WaitKind::Lock : WaitKind::Timed;
    w.what = t.syscall == SysMqTimedreceive ? "mq_receive" : "mq_send";
    break;
  case SysPoll:
    w.kind = (int32_t)a[2] < 0 ? WaitKind::Other : WaitKind::Timed; // an int timeout
    w.what = "poll";
    break;
  case SysPpoll:
  case SysPselect6:
    w.kind = (t.syscall == SysPpoll ? a[2] : a[4]) == 0 ? WaitKind::Other : WaitKind::Timed;
    w.what = t.syscall == SysPpoll ? "ppoll" : "pselect";
    break;
  case SysSelect:
    w.kind = a[4] == 0 ? WaitKind::Other : WaitKind::Timed;
    w.what = "select";
    break;
  case SysEpollWait:
  case SysEpollPwait:
    w.kind = (int64_t)(int32_t)a[3] < 0 ? WaitKind::Other : WaitKind::Timed;
    w.what = "epoll_wait";
    break;
  case SysNanosleep:
  case SysClockNanosleep:
    w.kind = WaitKind::Timed;
    w.what = "sleep";
    break;
  case SysPause:
  case SysSigsuspend:
    w.kind = WaitKind::Signal;
    w.what = "pause";
    break;
  case SysSigtimedwait:
    w.kind = a[2] == 0 ? WaitKind::Signal : WaitKind::Timed;
    w.what = "sigtimedwait";
    break;
  case SysAccept:
  case SysAccept4:
    w.kind = WaitKind::Other; // a server waiting for clients is not stuck
    w.what = "accept";
    break;
  default:
    w.kind = WaitKind::Other;
    w.what = "system call " + std::to_string(t.syscall);
    break;
  }
#else
  w.kind = WaitKind::Other;
  w.what = "system call " + std::to_string(t.syscall);
#endif
  return w;
}

namespace {

// Another writer of the pipe that is itself blocked forever reading it gives nothing.
bool blockedReadingToo(const Analysis &an, int pid, const std::string &target) {
  auto pit = an.tree.processes.find(pid);
  auto wit = an.waits.find(pid);
  if (pit == an.tree.processes.end() || wit == an.waits.end() || !an.blockedForever(pid))
    return false;
  for (const ThreadWait &w : wit->second)
    if (w.kind == WaitKind::ReadFd) {
      const FdSnapshot *f = fdOf(pit->second, w.fd);
      if (f && f->target == target)
        return true;
    }
  return false;
}

// A reader blocked on a pipe whose only possible producers died: every live write end is the
// reader's own (or another blocked reader's), and processes that could have held the write end
// (forked from the pipe's creator after it made the pipe) crashed or were killed. The death is
// linked to the hang: mp-lost-crash when nobody meant it, else mp-dead-owner (the only giver of
// the wait is dead).
void producerDied(const Analysis &an, const SessionModel &model, const char *secs,
                  std::set<int> &explained, std::vector<Finding> &out,
                  const std::set<int> *stuckTids = nullptr) {
  std::set<std::string> external = externalPipes();
  for (const auto &entry : an.tree.processes) {
    const ProcessSnapshot &p = entry.second;
    auto wit = an.waits.find(p.pid);
    if (wit == an.waits.end() || explained.count(p.pid) || !an.blockedForever(p.pid))
      continue;
    for (size_t i = 0; i < p.threads.size() && i < wit->second.size(); ++i) {
      const ThreadWait &w = wit->second[i];
      if (w.kind != WaitKind::ReadFd)
        continue;
      bool allStuck = true; // in a partial search, every thread of the reader has not run
      for (const ThreadSnapshot &t : p.threads)
        allStuck &= !stuckTids || stuckTids->count(t.tid) > 0;
      const FdSnapshot *f = fdOf(p, w.fd);
      if (!allStuck || !f || !pipeInode(f->target) || external.count(f->target))
        continue;
      auto wr = an.writers.find(f->target);
      if (wr == an.writers.end())
        continue;
      bool othersGiveNothing = true;
      for (int other : wr->second)
        othersGiveNothing &= other == p.pid || blockedReadingToo(an, other, f->target);
      if (!othersGiveNothing)
        continue;
      std::vector<const Process *> dead;
      for (int c : model.pipeInheritors(pipeInode(f->target))) {
        const Process *d = model.find(c);
        if (d && isDead(an.tree, c) && d->exit.abnormal() && !d->killedByMonitor)
          dead.push_back(d);
      }
      if (dead.empty())
        continue;
      bool unnoticed = false;
      std::string who;
      for (size_t k = 0; k < dead.size(); ++k) {
        const Process &d = *dead[k];
        unnoticed |= d.exit.signaled ? !model.signalSentByTree(d.pid, d.exit.signal)
                                     : model.runsParentImage(d);
        who += std::string(k == 0                 ? ""
                           : k + 1 == dead.size() ? " and "
                                                  : ", ") +
               "pid " + processName(model, deadSnapshot(d)).substr(8) + " " +
               (k == 0 ? "was " : "") + describeDeath(model, d);
      }
      Finding fd;
      fd.rule = unnoticed ? "mp-lost-crash" : "mp-dead-owner";
      fd.message = readSubject(model, p.pid, p.threads[i].tid, f->target) + " in " +
                   processName(model, p) + " waits for data; its only " +
                   (dead.size() == 1 ? "producer, " : "producers, ") + who +
                   " (forked after the pipe was made, " +
                   (dead.size() == 1 ? "it was the only other process"
                                     : "they were the only other processes") +
                   " that could hold its write end)" +
                   (wr->second.count(p.pid) ? "; the reader's own write end keeps end-of-file "
                                              "from coming"
                                            : "") +
                   " (stuck for " + secs + " s)";
      for (const Process *d : dead)
        fd.processes.push_back(d->pid);
      fd.processes.push_back(p.pid);
      ThreadWait rw = w;
      rw.what += " on " + describeFd(p, w.fd);
      fd.events.push_back(waitEvent(p, p.threads[i], rw));
      for (const Process *d : dead)
        for (FindingEvent &e : deathEvents(model, *d))
          fd.events.push_back(std::move(e));
      out.push_back(std::move(fd));
      explained.insert(p.pid);
      break;
    }
  }
}

// The forkserver form of joining before draining: the parent does not waitpid (the child is the
// fork server's), it polls the child's sentinel, a pipe only the fork server writes to (when its
// child exits), while that child is blocked writing a full pipe only the parent reads.
void sentinelJoinBeforeDrain(const Analysis &an, const SessionModel &model, const char *secs,
                             std::set<int> &explained, std::vector<Finding> &out) {
  for (const auto &entry : an.tree.processes) {
    const ProcessSnapshot &p = entry.second;
    auto wit = an.waits.find(p.pid);
    if (wit == an.waits.end() || explained.count(p.pid))
      continue;
    for (size_t i = 0; i < p.threads.size() && i < wit->second.size(); ++i) {
      const ThreadSnapshot &t = p.threads[i];
      const ThreadWait &w = wit->second[i];
      // Only a wait with no timeout (poll's -1, ppoll's NULL): classified Other, not Timed.
      if (w.kind != WaitKind::Other)
        continue;
      std::vector<int> fds = polledFds(p.pid, t);
      if (fds.empty())
        continue;
      int server = 0; // the single writer of every polled pipe
      for (int fd : fds) {
        const FdSnapshot *f = fdOf(p, fd);
        auto wr = f ? an.writers.find(f->target) : an.writers.end();
        std::set<int> others;
        if (wr != an.writers.end())
          others = wr->second;
        others.erase(p.pid);
        if (!f || !canRead(f->accessMode) || others.size() != 1 ||
            (server && *others.begin() != server)) {
          server = -1;
          break;
        }
        server = *others.begin();
      }
      if (server <= 0)
        continue;
      for (const auto &centry : an.tree.processes) {
        const ProcessSnapshot &c = centry.second;
        if (c.ppid != server || c.pid == p.pid)
          continue;
        auto cw = an.waits.find(c.pid);
        if (cw == an.waits.end())
          continue;
        for (size_t j = 0; j < c.threads.size() && j < cw->second.size(); ++j) {
          if (cw->second[j].kind != WaitKind::WriteFd)
            continue;
          const FdSnapshot *f = fdOf(c, cw->second[j].fd);
          if (!f || !pipeInode(f->target))
            continue;
          auto rd = an.readers.find(f->target);
          if (rd == an.readers.end())
            continue;
          std::set<int> readers = rd->second;
          readers.erase(c.pid);
          if (readers != std::set<int>{p.pid})
            continue;
          Finding fd;
          fd.rule = "mp-join-before-drain";
          fd.message = processName(model, p) + " waits for " + processName(model, c) +
                       " to exit, polling the pipe its parent, " +
                       processName(model, an.tree.processes.at(server)) +
                       ", writes to when it ends (its sentinel), while the child is blocked "
                       "writing to a full pipe that only the waiting process reads: neither can "
                       "go on (stuck for " +
                       secs + " s)";
          fd.processes = {p.pid, c.pid};
          ThreadWait pw = w;
          pw.what += " on " + describeFd(p, fds.front()) + ", whose write end only pid " +
                     std::to_string(server) + " holds";
          fd.events.push_back(waitEvent(p, t, pw));
          ThreadWait chw = cw->second[j];
          chw.what += " on " + describeFd(c, chw.fd);
          fd.events.push_back(waitEvent(c, c.threads[j], chw));
          out.push_back(std::move(fd));
          explained.insert(p.pid);
          explained.insert(c.pid);
          break;
        }
        if (explained.count(p.pid))
          break;
      }
      if (explained.count(p.pid))
        break;
    }
  }
}

} // namespace

std::vector<Finding> diagnoseHang(const TreeSnapshot &tree, const SessionModel &model,
                                  double idleSeconds) {
  std::vector<Finding> out;
  Analysis an(tree, model);
  char secs[32];
  snprintf(secs, sizeof(secs), "%.1f", idleSeconds);
  std::set<int> explained;
  producerDied(an, model, secs, explained, out);
  sentinelJoinBeforeDrain(an, model, secs, explained, out);

  for (const auto &entry : tree.processes) {
    const ProcessSnapshot &p = entry.second;
    const std::vector<ThreadWait> &ws = an.waits[p.pid];
    for (size_t i = 0; i < p.threads.size() && i < ws.size(); ++i) {
      ThreadWait w = ws[i];
      const ThreadSnapshot &t = p.threads[i];
      if (w.fd >= 0)
        w.what += " on " + describeFd(p, w.fd);

      // A parent waiting for a child that is blocked writing into a pipe only the parent reads.
      if (w.kind == WaitKind::WaitChild) {
        for (const auto &centry : tree.processes) {
          const ProcessSnapshot &c = centry.second;
          if (c.ppid != p.pid)
            continue;
          const std::vector<ThreadWait> &cws = an.waits[c.pid];
          for (size_t j = 0; j < c.threads.size() && j < cws.size(); ++j) {
            // A full message queue blocks its sender the same way (mq_send's first argument
            // is the queue's descriptor).
            bool mq = cws[j].what == "mq_send" && cws[j].kind == WaitKind::Lock;
            if (cws[j].kind != WaitKind::WriteFd && !mq)
              continue;
            int cfd = mq ? (int)c.threads[j].args[0] : cws[j].fd;
            const FdSnapshot *f = fdOf(c, cfd);
            if (!f || (!mq && f->target.rfind("pipe:", 0) != 0))
              continue;
            std::set<int> rd;
            if (mq) {
              for (const auto &qe : tree.processes)
                if (qe.first != c.pid)
                  for (const FdSnapshot &qf : qe.second.fds)
                    if (qf.target == f->target)
                      rd.insert(qe.first);
            } else {
              rd = an.readers[f->target];
              rd.erase(c.pid);
            }
            if (rd.empty() || rd != std::set<int>{p.pid})
              continue;
            Finding fd;
            fd.rule = "mp-join-before-drain";
            fd.message = processName(model, p) + " waits for its child " + processName(model, c) +
                         " to exit, while the child is blocked writing to a full " +
                         (mq ? "message queue" : "pipe") + " that only the parent " +
                         (mq ? "receives from" : "reads") + ": neither can go on (stuck for " +
                         secs + " s)";
            fd.processes = {p.pid, c.pid};
            fd.events.push_back(waitEvent(p, t, w));
            ThreadWait cw = cws[j];
            cw.what += " on " + describeFd(c, cfd);
            fd.events.push_back(waitEvent(c, c.threads[j], cw));
            out.push_back(std::move(fd));
            explained.insert(p.pid);
            explained.insert(c.pid);
          }
        }
      }

      // A reader that holds the only write ends itself (or whose other writers read it too).
      if (w.kind == WaitKind::ReadFd) {
        const FdSnapshot *f = fdOf(p, w.fd);
        if (f && f->target.rfind("pipe:", 0) == 0 && !explained.count(p.pid)) {
          std::set<int> wr = an.writers[f->target];
          bool selfHeld = wr.count(p.pid) > 0;
          for (int other : wr) {
            if (other == p.pid)
              continue;
            // Another writer that is itself stuck reading the same pipe gives nothing either.
            bool alsoReading = false;
            const ProcessSnapshot &op = tree.processes.at(other);
            const std::vector<ThreadWait> &ows = an.waits[other];
            for (size_t j = 0; j < ows.size(); ++j)
              if (ows[j].kind == WaitKind::ReadFd) {
                const FdSnapshot *of = fdOf(op, ows[j].fd);
                alsoReading |= of && of->target == f->target;
              }
            if (!alsoReading || !an.blockedForever(other))
              selfHeld = false;
          }
          if (selfHeld && an.blockedForever(p.pid)) {
            Finding fd;
            fd.rule = "mp-pipe-self-hold";
            fd.message = processName(model, p) + " is blocked reading " + f->target +
                         ", whose write end only it (or other blocked readers) still holds: "
                         "end-of-file never comes (stuck for " +
                         secs + " s)";
            fd.processes = {p.pid};
            fd.events.push_back(waitEvent(p, t, w));
            out.push_back(std::move(fd));
            explained.insert(p.pid);
          }
        }
      }
    }
  }

  // A thread waits for a process-shared lock (or binary semaphore) whose holder is dead.
  for (const auto &entry : tree.processes) {
    const ProcessSnapshot &p = entry.second;
    const Process *mp = model.find(p.pid);
    if (!mp)
      continue;
    const std::vector<ThreadWait> &ws = an.waits[p.pid];
    for (size_t i = 0; i < p.threads.size() && i < ws.size(); ++i) {
      if (ws[i].kind != WaitKind::Lock)
        continue;
      const LockBlock *last = currentLockBlock(model, p.pid, p.threads[i]);
      if (!last)
        continue;
      std::vector<const Process *> holders;
      bool liveHolder = false;
      for (const auto &pe : model.processes())
        for (const HeldEntry &h : pe.second.held)
          if (h.lock == last->lock) {
            holders.push_back(&pe.second);
            liveHolder |= tree.processes.count(pe.first) > 0;
          }
      if (holders.empty() || liveHolder)
        continue;
      const Process *owner = holders.front();
      Finding f;
      f.rule = "mp-dead-owner";
      f.message = processName(model, p) + " is blocked waiting for " +
                  model.describeLock(last->lock, last->kind) + ", held by " +
                  model.describeProcess(*owner) + ", which " +
                  (owner->exit.known ? owner->exit.describe() : std::string("is gone")) +
                  " without releasing it (stuck for " + secs + " s)";
      f.processes = {p.pid, owner->pid};
      FindingEvent wait;
      wait.pid = p.pid;
      wait.tid = p.threads[i].tid;
      wait.what =
          "pid " + std::to_string(p.pid) + " thread " + std::to_string(wait.tid) + " blocked here";
      wait.stack = last->stack;
      f.events.push_back(std::move(wait));
      FindingEvent death;
      death.pid = owner->pid;
      death.what = "pid " + model.pidText(owner->pid) + " held it when it " +
                   (owner->exit.known ? owner->exit.describe() : std::string("ended"));
      for (auto it = owner->signals.rbegin(); it != owner->signals.rend(); ++it)
        if (it->signal == owner->exit.signal) {
          death.tid = it->tid;
          death.stack = it->stack;
          break;
        }
      f.events.push_back(std::move(death));
      out.push_back(std::move(f));
      explained.insert(p.pid);
    }
  }

  // Cycles of waits, whatever else the tree does (others may sleep with a timeout).
  {
    std::vector<WaitNode> nodes = waitGraph(an, model);
    std::set<int> all;
    for (const WaitNode &n : nodes)
      all.insert(n.tid);
    std::set<int> stuck = stuckForever(nodes, tree, all);
    for (Finding &f : cycleFindings(nodes, tree, model, stuck, explained, idleSeconds)) {
      explained.insert(f.processes.begin(), f.processes.end());
      out.push_back(std::move(f));
    }
  }

  // A worker crashed earlier and the rest of the tree now waits: the classic Pool hang. Only
  // when no thread runs and none waits with a timeout: a sleep, a timed wait or a poll with a
  // timeout ends by itself (a test waiting out a timeout after a crash it handled on purpose).
  if (out.empty()) {
    bool allBlocked = true;
    for (const auto &entry : tree.processes)
      for (const ThreadWait &w : an.waits[entry.first])
        allBlocked &= w.kind != WaitKind::Running && w.kind != WaitKind::Timed;
    for (const auto &entry : model.processes()) {
      const Process &dead = entry.second;
      if (!allBlocked || !dead.exit.known || !dead.exit.signaled ||
          model.signalSentByTree(dead.pid, dead.exit.signal) || !isDead(tree, dead.pid))
        continue;
      Finding f;
      f.rule = "mp-lost-crash";
      f.message = "the program has made no progress for " + std::string(secs) + " s since " +
                  model.describeProcess(dead) + " was " + dead.exit.describe() +
                  ": it is waiting for work the dead process would have done";
      f.processes = {dead.pid};
      FindingEvent death;
      death.pid = dead.pid;
      death.what = "process " + model.pidText(dead.pid) + " " + dead.exit.describe();
      for (auto it = dead.signals.rbegin(); it != dead.signals.rend(); ++it)
        if (it->signal == dead.exit.signal) {
          death.tid = it->tid;
          death.stack = it->stack;
          break;
        }
      // Killed by a signal it sent itself (os.kill(os.getpid(), ...), abort()): where it did.
      if (death.stack.frames.empty() && death.stack.python.empty() && dead.killedBy.known &&
          dead.killedBy.pid == dead.pid) {
        death.what += ", sent by itself with " + std::string(dead.killedBy.call()) + " here";
        death.tid = dead.killedBy.tid;
        death.stack = dead.killedBy.stack;
      }
      f.events.push_back(std::move(death));
      for (const auto &pentry : tree.processes) {
        const ProcessSnapshot &p = pentry.second;
        const std::vector<ThreadWait> &ws = an.waits[p.pid];
        for (size_t i = 0; i < p.threads.size() && i < ws.size(); ++i) {
          ThreadWait w = ws[i];
          if (w.fd >= 0)
            w.what += " on " + describeFd(p, w.fd);
          f.events.push_back(waitEvent(p, p.threads[i], w));
          f.processes.push_back(p.pid);
        }
      }
      out.push_back(std::move(f));
      break;
    }
  }

  // Nothing in the tree can wake up by itself: every thread waits with no timeout.
  if (out.empty() && !tree.processes.empty()) {
    bool all = true;
    for (const auto &entry : tree.processes)
      all &= an.blockedForever(entry.first);
    if (all) {
      Finding f;
      f.rule = "mp-deadlock";
      f.message = "every process of the tree has been blocked for " + std::string(secs) +
                  " s in a wait with no timeout: nothing left can wake them";
      for (const auto &entry : tree.processes) {
        const ProcessSnapshot &p = entry.second;
        f.processes.push_back(p.pid);
        const std::vector<ThreadWait> &ws = an.waits[p.pid];
        for (size_t i = 0; i < p.threads.size() && i < ws.size(); ++i) {
          ThreadWait w = ws[i];
          if (w.fd >= 0)
            w.what += " on " + describeFd(p, w.fd);
          f.events.push_back(waitEvent(p, p.threads[i], w));
        }
      }
      out.push_back(std::move(f));
    }
  }
  nameMessageQueueWaits(model, out);
  return out;
}

} // namespace monitor
} // namespace procsan

namespace procsan {
namespace monitor {

std::vector<Finding> diagnoseCycles(const TreeSnapshot &tree, const SessionModel &model,
                                    const std::map<int, double> &stuckFor) {
  Analysis an(tree, model);
  std::vector<WaitNode> nodes = waitGraph(an, model);
  std::set<int> candidates;
  double seconds = 0;
  for (const auto &e : stuckFor) {
    candidates.insert(e.first);
    seconds = seconds == 0 ? e.second : std::min(seconds, e.second);
  }
  std::set<int> stuck = stuckForever(nodes, tree, candidates);
  // A reader whose producers died is stuck on itself too: the death explains it better.
  std::vector<Finding> out;
  std::set<int> explained;
  char secs[32];
  snprintf(secs, sizeof(secs), "%.1f", seconds);
  producerDied(an, model, secs, explained, out, &candidates);
  for (Finding &f : cycleFindings(nodes, tree, model, stuck, explained, seconds))
    out.push_back(std::move(f));
  return out;
}

namespace {

bool hasFrame(const Stack &st, const char *file, const char *function) {
  for (const PyFrame &f : st.python)
    if (f.file.find(file) != std::string::npos &&
        (!function || f.function.find(function) != std::string::npos))
      return true;
  return false;
}

std::string where(const PyFrame &f) {
  size_t slash = f.file.rfind('/');
  return (slash == std::string::npos ? f.file : f.file.substr(slash + 1)) + ":" +
         std::to_string(f.line);
}

// The frame of the library API the user's frame called ("Pool.map"): the one right inside it.
std::string apiCalled(const Stack &st) {
  const PyFrame *user = userPythonFrame(st);
  if (!user || user == &st.python.front())
    return "";
  std::string fn = (user - 1)->function;
  return fn.find('.') == std::string::npos ? "Pool." + fn : fn;
}

} // namespace

void explainLostTasks(std::vector<Finding> &findings, const SessionModel &model) {
  for (Finding &f : findings) {
    if (f.rule != "mp-lost-crash" || f.events.empty())
      continue;
    const Stack &death = f.events.front().stack;
    // What the dead process was: from its fork (the death stack may be too deep to show it).
    std::string starter;
    if (const ForkRecord *fork = model.forkOf(f.events.front().pid))
      starter = pythonStarter(fork->stack);
    bool poolWorker =
        starter == "a Pool worker" || hasFrame(death, "multiprocessing/pool.py", "worker");
    bool executorWorker = starter == "a ProcessPoolExecutor worker" ||
                          hasFrame(death, "concurrent/futures/process.py", "_process_worker");
    if (!poolWorker && !executorWorker)
      continue;
    const PyFrame *task = userPythonFrame(death);
    if (!task || isPythonLibraryFile(task->file))
      continue;
    std::string text = "; it was in " + task->function + " (" + where(*task) + ")";
    // Who waits for that task: a thread blocked in a call of the Pool (map, apply, a result's
    // get). Named only when there is one such thread: with two pools the crash does not say
    // whose task it was.
    const FindingEvent *waiter = nullptr;
    size_t waiters = 0;
    for (size_t i = 1; i < f.events.size(); ++i) {
      const Stack &st = f.events[i].stack;
      if (!hasFrame(st, poolWorker ? "multiprocessing/pool.py" : "concurrent/futures/", nullptr))
        continue;
      // The user's code called into the pool there (a worker's own frames, inherited from the
      // Pool() that forked it, call the context's Pool() instead).
      const PyFrame *caller = userPythonFrame(st);
      if (!caller || isPythonLibraryFile(caller->file) || caller == &st.python.front() ||
          (caller - 1)->file.find(poolWorker ? "multiprocessing/pool.py" : "concurrent/futures/") ==
              std::string::npos)
        continue;
      waiter = &f.events[i];
      ++waiters;
    }
    if (waiters == 1) {
      const PyFrame *caller = userPythonFrame(waiter->stack);
      text += "; pid " + model.pidText(waiter->pid) + " waits for it in " +
              apiCalled(waiter->stack) + " at " + where(*caller);
      if (poolWorker)
        text += ", which never returns: a Pool does not notice that a worker died with its task";
    } else if (poolWorker) {
      text += "; a Pool does not notice that a worker died with its task: whoever waits for "
              "its result waits forever";
    }
    if (executorWorker)
      text += "; concurrent.futures raises BrokenProcessPool for it and every pending task";
    f.message += text;
  }
}

std::string findingKey(const Finding &f) {
  std::string k = f.rule + ":";
  for (int p : f.processes)
    k += std::to_string(p) + ",";
  return k;
}

} // namespace monitor
} // namespace procsan
