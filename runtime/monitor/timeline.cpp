#include "monitor/timeline.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace procsan {
namespace monitor {
namespace {

using json = nlohmann::ordered_json;

struct Ev {
  uint64_t ns;
  int order; // ties: ends before begins, so back-to-back slices nest correctly
  json j;
};

std::string baseName(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string lockKindName(int64_t kind) {
  return kind == trace::LockMutex ? "mutex" : kind == trace::LockSem ? "semaphore" : "lock";
}

class Builder {
public:
  Builder(const std::vector<trace::DecodedLog> &logs, const SessionModel &model)
      : logs_(logs), model_(model) {
    for (const trace::DecodedLog &log : logs)
      if (base_ == 0 || (log.startNs && log.startNs < base_))
        base_ = log.startNs;
  }

  std::string render() {
    for (const trace::DecodedLog &log : logs_)
      addLog(log);
    closeOpenSlices();
    addFlows();
    std::stable_sort(events_.begin(), events_.end(), [](const Ev &a, const Ev &b) {
      return a.ns != b.ns ? a.ns < b.ns : a.order < b.order;
    });
    json out = json::array();
    for (json &m : metadata_)
      out.push_back(std::move(m));
    for (Ev &e : events_) {
      e.j["ts"] = us(e.ns);
      out.push_back(std::move(e.j));
    }
    json doc = {{"traceEvents", std::move(out)},
                {"displayTimeUnit", "ms"},
                {"otherData", {{"tool", "procsan"}}}};
    return doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
  }

private:
  struct Open { // a B without its E yet
    int pid, tid;
    uint64_t ns;
  };
  struct Post {
    trace::HeldLock key; // dev, inode, offset
    int pid, tid;
    uint64_t ns;
    bool used;
  };
  struct Wake {
    trace::HeldLock key;
    int pid, tid;
    uint64_t ns;
  };

  double us(uint64_t ns) const { return ns >= base_ ? (double)(ns - base_) / 1000.0 : 0.0; }

  void emit(uint64_t ns, int order, json j) { events_.push_back(Ev{ns, order, std::move(j)}); }

  void instant(int pid, int tid, uint64_t ns, const std::string &name, const std::string &cat,
               json args = json::object()) {
    json j = {{"ph", "i"}, {"s", "t"}, {"name", name}, {"cat", cat}, {"pid", pid}, {"tid", tid}};
    if (!args.empty())
      j["args"] = std::move(args);
    emit(ns, 1, std::move(j));
  }

  void begin(int pid, int tid, uint64_t ns, const std::string &name, const std::string &cat,
             const std::string &key, json args = json::object()) {
    json j = {{"ph", "B"}, {"name", name}, {"cat", cat}, {"pid", pid}, {"tid", tid}};
    if (!args.empty())
      j["args"] = std::move(args);
    emit(ns, 2, std::move(j));
    open_[key].push_back(Open{pid, tid, ns});
  }

  // Ends the innermost open slice under key; false when none is open.
  bool end(const std::string &key, uint64_t ns) {
    auto it = open_.find(key);
    if (it == open_.end() || it->second.empty())
      return false;
    Open o = it->second.back();
    it->second.pop_back();
    endAt(o, ns);
    return true;
  }

  void endAt(const Open &o, uint64_t ns) {
    emit(std::max(ns, o.ns), 0, json{{"ph", "E"}, {"pid", o.pid}, {"tid", o.tid}});
  }

  void nameThread(int pid, int tid, const std::string &name) {
    if (!named_.insert({pid, tid}).second)
      return;
    metadata_.push_back({{"ph", "M"},
                         {"name", "thread_name"},
                         {"pid", pid},
                         {"tid", tid},
                         {"args", {{"name", name}}}});
  }

  void noteThread(int pid, int tid) {
    if (tid > 0)
      nameThread(pid, tid, tid == pid ? "main" : "thread " + std::to_string(tid));
  }

  static std::string lockKey(int pid, int tid, int64_t dev, int64_t inode, int64_t offset,
                             const char *what) {
    return std::string(what) + ":" + std::to_string(pid) + ":" + std::to_string(tid) + ":" +
           std::to_string(dev) + ":" + std::to_string(inode) + ":" + std::to_string(offset);
  }

  std::string describe(int64_t kind, int64_t dev, int64_t inode, int64_t offset) const {
    return model_.describeLock(LockKey{(uint64_t)dev, (uint64_t)inode, (uint64_t)offset},
                               (int)kind);
  }

  void addProcess(const trace::DecodedLog &log) {
    int pid = log.pid;
    if (!processNamed_.insert(pid).second)
      return;
    const Process *p = model_.find(pid);
    std::string name = "pid " + std::to_string(pid);
    if (p) {
      std::string cmd = p->argv.empty() ? baseName(p->exe) : p->commandLine();
      if (cmd.size() > 80)
        cmd = cmd.substr(0, 77) + "...";
      if (!cmd.empty())
        name += ": " + cmd;
    }
    metadata_.push_back(
        {{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"args", {{"name", name}}}});
    if (p && p->ppid > 0)
      metadata_.push_back({{"ph", "M"},
                           {"name", "process_labels"},
                           {"pid", pid},
                           {"args", {{"labels", "child of " + std::to_string(p->ppid)}}}});
    nameThread(pid, pid, "main");
    // The lifetime slice on the main thread; fork arrows and exit instants attach to it.
    uint64_t start = p && p->startNs ? p->startNs : log.startNs;
    uint64_t stop = p && p->endNs > start ? p->endNs : start;
    json args = json::object();
    if (p && p->exit.known)
      args["exit"] = p->exit.describe();
    emit(start, 3,
         json{{"ph", "X"},
              {"name", "process " + std::to_string(pid)},
              {"cat", "process"},
              {"pid", pid},
              {"tid", pid},
              {"dur", us(stop) - us(start)},
              {"args", args}});
    lifetime_[pid] = {start, stop};
  }

  void addLog(const trace::DecodedLog &log) {
    int pid = log.pid;
    if (pid <= 0)
      return;
    addProcess(log);
    if (log.generation > 0)
      instant(pid, pid, log.startNs, "new image (exec)", "exec");
    for (const trace::DecodedRecord &r : log.records) {
      int tid = r.tid > 0 ? (int)r.tid : pid;
      noteThread(pid, tid);
      const int64_t *a = r.args;
      switch (r.kind) {
      case trace::EvFork:
        if (a[0] > 0) {
          instant(pid, tid, r.timeNs, "fork -> " + std::to_string(a[0]), "fork",
                  {{"child", a[0]}, {"threads", a[2]}});
          forks_.push_back({pid, tid, (int)a[0], r.timeNs});
          for (const std::string &t : splitThreads(r.text))
            threadNames_.push_back({pid, t});
        } else {
          instant(pid, tid, r.timeNs, "fork failed", "fork", {{"errno", a[1]}});
        }
        break;
      case trace::EvExec:
        instant(pid, tid, r.timeNs, "exec " + baseName(r.text), "exec", {{"path", r.text}});
        break;
      case trace::EvExecFailed:
        instant(pid, tid, r.timeNs, "exec failed", "exec", {{"errno", a[0]}});
        break;
      case trace::EvExit: {
        static const char *const apis[] = {"exit", "_exit", "_Exit", "exit handlers"};
        const char *api = a[1] >= 0 && a[1] <= 3 ? apis[a[1]] : "exit";
        instant(pid, tid, r.timeNs,
                a[1] == trace::ExitAtexit ? std::string("exit handlers ran")
                                          : std::string(api) + "(" + std::to_string(a[0]) + ")",
                "exit");
        break;
      }
      case trace::EvWaitResult:
        if (a[0] > 0)
          instant(pid, tid, r.timeNs, "reaped " + std::to_string(a[0]), "wait",
                  {{"status", ExitInfo::fromWaitStatus((int)a[1]).describe()}});
        break;
      case trace::EvKill:
        instant(pid, tid, r.timeNs, "kill " + std::to_string(a[0]) + " " + signalName((int)a[1]),
                "signal");
        break;
      case trace::EvSignal:
        instant(pid, tid, r.timeNs, signalName((int)a[0]), "crash",
                {{"sender", a[2]}, {"address", a[3]}});
        break;
      case trace::EvIpcCreate:
        instant(pid, tid, r.timeNs, std::string("open ") + ipcKindName((int)a[0]) + " " + r.text,
                "ipc");
        break;
      case trace::EvIpcUnlink:
        instant(pid, tid, r.timeNs, std::string("unlink ") + r.text, "ipc");
        break;
      case trace::EvLockBlock: {
        // A thread blocks in one call at a time: a still-open wait of this thread ended when it
        // got here again.
        std::string key = "block:" + std::to_string(pid) + ":" + std::to_string(tid);
        end(key, r.timeNs);
        begin(pid, tid, r.timeNs, "wait for " + lockKindName(a[0]), "blocked", key,
              {{"lock", describe(a[0], a[1], a[2], a[3])}});
        break;
      }
      case trace::EvLockWake: {
        std::string key = "block:" + std::to_string(pid) + ":" + std::to_string(tid);
        end(key, r.timeNs);
        if (a[4] == 0)
          wakes_.push_back(Wake{held(a[1], a[2], a[3]), pid, tid, r.timeNs});
        break;
      }
      case trace::EvLockAcquire:
        begin(pid, tid, r.timeNs, "hold " + lockKindName(a[0]), "lock",
              lockKey(pid, tid, a[1], a[2], a[3], "hold"),
              {{"lock", describe(a[0], a[1], a[2], a[3])}});
        break;
      case trace::EvLockRelease:
        // A semaphore may be posted by another thread than the one that took it.
        if (!end(lockKey(pid, tid, a[1], a[2], a[3], "hold"), r.timeNs))
          endAnyThread(pid, a[1], a[2], a[3], r.timeNs);
        if (a[0] == trace::LockSem)
          post(pid, tid, r.timeNs, held(a[1], a[2], a[3]));
        break;
      case trace::EvSemPost:
        post(pid, tid, r.timeNs, held(a[0], a[1], a[2]));
        break;
      case trace::EvMqBlock: {
        std::string key = "mq:" + std::to_string(pid) + ":" + std::to_string(tid);
        end(key, r.timeNs);
        begin(pid, tid, r.timeNs, std::string(a[0] == 0 ? "mq_send " : "mq_receive ") + r.text,
              "blocked", key);
        break;
      }
      case trace::EvMqWake:
        end("mq:" + std::to_string(pid) + ":" + std::to_string(tid), r.timeNs);
        break;
      default:
        break;
      }
      lastNs_[{pid, tid}] = std::max(lastNs_[{pid, tid}], r.timeNs);
    }
  }

  // A post is a short slice, so the arrow that starts there has a slice to leave from.
  void post(int pid, int tid, uint64_t ns, const trace::HeldLock &key) {
    for (const Post &p : posts_)
      if (p.pid == pid && p.tid == tid && p.ns == ns && same(p.key, key))
        return;
    emit(ns, 3,
         json{{"ph", "X"},
              {"name", "sem_post"},
              {"cat", "lock"},
              {"pid", pid},
              {"tid", tid},
              {"dur", 1.0},
              {"args",
               {{"semaphore", describe(trace::LockSem, (int64_t)key.dev, (int64_t)key.inode,
                                       (int64_t)key.offset)}}}});
    posts_.push_back(Post{key, pid, tid, ns, false});
  }

  static trace::HeldLock held(int64_t dev, int64_t inode, int64_t offset) {
    trace::HeldLock h{};
    h.dev = (uint64_t)dev;
    h.inode = (uint64_t)inode;
    h.offset = (uint64_t)offset;
    return h;
  }
  static bool same(const trace::HeldLock &x, const trace::HeldLock &y) {
    return x.dev == y.dev && x.inode == y.inode && x.offset == y.offset;
  }

  void endAnyThread(int pid, int64_t dev, int64_t inode, int64_t offset, uint64_t ns) {
    std::string suffix =
        ":" + std::to_string(dev) + ":" + std::to_string(inode) + ":" + std::to_string(offset);
    std::string prefix = "hold:" + std::to_string(pid) + ":";
    for (auto &e : open_) {
      if (e.first.rfind(prefix, 0) == 0 && e.first.size() > suffix.size() &&
          e.first.compare(e.first.size() - suffix.size(), suffix.size(), suffix) == 0 &&
          !e.second.empty()) {
        Open o = e.second.back();
        e.second.pop_back();
        endAt(o, ns);
        return;
      }
    }
  }

  static std::vector<std::string> splitThreads(const std::string &text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
      size_t sp = text.find(' ', start);
      std::string item =
          text.substr(start, sp == std::string::npos ? std::string::npos : sp - start);
      if (!item.empty())
        out.push_back(item);
      if (sp == std::string::npos)
        break;
      start = sp + 1;
    }
    return out;
  }

  // Slices still open when a process's log ends: the thread was still waiting (or holding)
  // when the process ended or the trace was taken.
  void closeOpenSlices() {
    for (auto &e : open_) {
      for (const Open &o : e.second) {
        uint64_t stop = o.ns;
        auto life = lifetime_.find(o.pid);
        if (life != lifetime_.end())
          stop = std::max(stop, life->second.second);
        auto last = lastNs_.find({o.pid, o.tid});
        if (last != lastNs_.end())
          stop = std::max(stop, last->second);
        endAt(o, stop);
      }
      e.second.clear();
    }
    // Thread names the fork records carry ("tid:name").
    for (const auto &t : threadNames_) {
      size_t colon = t.second.find(':');
      if (colon == std::string::npos)
        continue;
      int tid = std::atoi(t.second.substr(0, colon).c_str());
      std::string name = t.second.substr(colon + 1);
      if (tid <= 0 || name.empty())
        continue;
      for (json &m : metadata_)
        if (m["name"] == "thread_name" && m["pid"] == t.first && m["tid"] == tid)
          m["args"]["name"] = name + " (" + std::to_string(tid) + ")";
    }
  }

  void flow(int id, const std::string &name, int fromPid, int fromTid, uint64_t fromNs, int toPid,
            int toTid, uint64_t toNs) {
    emit(fromNs, 4,
         json{{"ph", "s"},
              {"id", id},
              {"name", name},
              {"cat", "flow"},
              {"pid", fromPid},
              {"tid", fromTid}});
    // The arrow ends inside the slice the wake-up closes (or the child's lifetime it opens).
    emit(std::max(toNs, fromNs), -1,
         json{{"ph", "f"},
              {"bp", "e"},
              {"id", id},
              {"name", name},
              {"cat", "flow"},
              {"pid", toPid},
              {"tid", toTid}});
  }

  void addFlows() {
    int id = 1;
    for (const auto &f : forks_) {
      auto life = lifetime_.find(f.child);
      if (life == lifetime_.end())
        continue;
      flow(id++, "fork", f.pid, f.tid, f.ns, f.child, f.child, life->second.first);
    }
    // Each wake-up after a block is caused by the latest earlier post of the same semaphore by
    // another thread that no other wake-up claimed.
    std::sort(wakes_.begin(), wakes_.end(),
              [](const Wake &a, const Wake &b) { return a.ns < b.ns; });
    std::sort(posts_.begin(), posts_.end(),
              [](const Post &a, const Post &b) { return a.ns < b.ns; });
    for (const Wake &w : wakes_) {
      Post *best = nullptr;
      for (Post &p : posts_) {
        if (p.ns > w.ns)
          break;
        if (!p.used && same(p.key, w.key) && !(p.pid == w.pid && p.tid == w.tid))
          best = &p;
      }
      if (!best)
        continue;
      best->used = true;
      // Just before the end of the wait the wake-up closes, so the arrow lands inside it.
      flow(id++, "sem_post wakes", best->pid, best->tid, best->ns, w.pid, w.tid,
           w.ns > best->ns ? w.ns - 1 : w.ns);
    }
  }

  struct ForkArrow {
    int pid, tid, child;
    uint64_t ns;
  };

  const std::vector<trace::DecodedLog> &logs_;
  const SessionModel &model_;
  uint64_t base_ = 0;
  std::vector<json> metadata_;
  std::vector<Ev> events_;
  std::map<std::string, std::vector<Open>> open_;
  std::set<std::pair<int, int>> named_;
  std::set<int> processNamed_;
  std::map<int, std::pair<uint64_t, uint64_t>> lifetime_;
  std::map<std::pair<int, int>, uint64_t> lastNs_;
  std::vector<ForkArrow> forks_;
  std::vector<std::pair<int, std::string>> threadNames_;
  std::vector<Post> posts_;
  std::vector<Wake> wakes_;
};

} // namespace

std::string renderTimeline(const std::vector<trace::DecodedLog> &logs, const SessionModel &model) {
  return Builder(logs, model).render();
}

} // namespace monitor
} // namespace procsan
