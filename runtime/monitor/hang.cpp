#include "monitor/hang.h"

#include "monitor/detectors.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

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

struct Analysis {
  const TreeSnapshot &tree;
  std::map<int, std::vector<ThreadWait>> waits;          // per pid, per thread (same order)
  std::map<std::string, std::set<int>> readers, writers; // pipe target -> pids

  explicit Analysis(const TreeSnapshot &t) : tree(t) {
    for (const auto &entry : tree.processes) {
      const ProcessSnapshot &p = entry.second;
      for (const ThreadSnapshot &th : p.threads)
        waits[p.pid].push_back(classifyWait(th));
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
  const Process *mp = model.find(p.pid);
  std::string cmd = mp ? mp->commandLine() : p.comm;
  return "process " + std::to_string(p.pid) + " (" + cmd + ")";
}

FindingEvent waitEvent(const ProcessSnapshot &p, const ThreadSnapshot &t, const ThreadWait &w) {
  FindingEvent e;
  e.pid = p.pid;
  e.tid = t.tid;
  e.what = "pid " + std::to_string(p.pid) + " thread " + std::to_string(t.tid) + " (" + t.name +
           ") blocked in " + w.what;
  return e;
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
    w.kind = (int64_t)a[2] < 0 ? WaitKind::Other : WaitKind::Timed;
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

std::vector<Finding> diagnoseHang(const TreeSnapshot &tree, const SessionModel &model,
                                  double idleSeconds) {
  std::vector<Finding> out;
  Analysis an(tree);
  char secs[32];
  snprintf(secs, sizeof(secs), "%.1f", idleSeconds);
  std::set<int> explained;

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
            if (cws[j].kind != WaitKind::WriteFd)
              continue;
            const FdSnapshot *f = fdOf(c, cws[j].fd);
            if (!f || f->target.rfind("pipe:", 0) != 0)
              continue;
            std::set<int> rd = an.readers[f->target];
            rd.erase(c.pid);
            if (rd.empty() || rd != std::set<int>{p.pid})
              continue;
            Finding fd;
            fd.rule = "mp-join-before-drain";
            fd.message = processName(model, p) + " waits for its child " + processName(model, c) +
                         " to exit, while the child is blocked writing to a full pipe that only "
                         "the parent reads: neither can go on (stuck for " +
                         secs + " s)";
            fd.processes = {p.pid, c.pid};
            fd.events.push_back(waitEvent(p, t, w));
            ThreadWait cw = cws[j];
            cw.what += " on " + describeFd(c, cw.fd);
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
      const LockBlock *last = nullptr;
      for (const LockBlock &b : mp->lockBlocks)
        if (b.tid == p.threads[i].tid)
          last = &b;
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
                  model.describeLock(last->lock, last->kind) + ", held by process " +
                  std::to_string(owner->pid) + " (" + owner->commandLine() + "), which " +
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
      death.what = "pid " + std::to_string(owner->pid) + " held it when it " +
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

  // A worker crashed earlier and the rest of the tree now sleeps: the classic Pool hang.
  if (out.empty()) {
    bool allBlocked = true;
    for (const auto &entry : tree.processes)
      for (const ThreadWait &w : an.waits[entry.first])
        allBlocked &= w.kind != WaitKind::Running;
    for (const auto &entry : model.processes()) {
      const Process &dead = entry.second;
      if (!allBlocked || !dead.exit.known || !dead.exit.signaled ||
          model.signalSentByTree(dead.pid, dead.exit.signal) || tree.processes.count(dead.pid))
        continue;
      Finding f;
      f.rule = "mp-lost-crash";
      f.message = "the program has made no progress for " + std::string(secs) +
                  " s since process " + std::to_string(dead.pid) + " (" + dead.commandLine() +
                  ") was " + dead.exit.describe() +
                  ": it is waiting for work the dead process would have done";
      f.processes = {dead.pid};
      FindingEvent death;
      death.pid = dead.pid;
      death.what = "process " + std::to_string(dead.pid) + " " + dead.exit.describe();
      for (auto it = dead.signals.rbegin(); it != dead.signals.rend(); ++it)
        if (it->signal == dead.exit.signal) {
          death.tid = it->tid;
          death.stack = it->stack;
          break;
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
