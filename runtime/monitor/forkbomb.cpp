#include "monitor/forkbomb.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <set>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

namespace procsan {
namespace monitor {

namespace {

// The ppid field of /proc/PID/stat (after the command name, which may contain anything).
bool readParent(int pid, int &ppid) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/stat", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  char buf[512];
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return false;
  buf[n] = 0;
  char *close = strrchr(buf, ')');
  if (!close || close[1] != ' ' || !close[2] || close[3] != ' ')
    return false;
  ppid = atoi(close + 4);
  return true;
}

std::string shortCommand(const SessionModel &model, int pid) {
  const Process *p = model.find(pid);
  if (!p)
    return "";
  std::string cmd = p->commandLine();
  if (cmd.size() > 60)
    cmd = cmd.substr(0, 57) + "...";
  return cmd;
}

std::string siteKey(const ForkRecord &f) {
  if (f.stack.frames.empty())
    return "";
  const Frame &top = f.stack.frames.front();
  if (top.module.empty())
    return std::to_string(top.pc);
  return top.module + "+" + std::to_string(top.fileOffset);
}

} // namespace

long defaultMaxProcs() {
  long limit = 4096;
  struct rlimit rl;
  if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
      (long)(rl.rlim_cur / 2) < limit)
    limit = (long)(rl.rlim_cur / 2);
  return limit < 2 ? 2 : limit;
}

std::map<int, int> listTree(int root, int adopter) {
  std::map<int, int> parentOf;
  DIR *d = opendir("/proc");
  if (!d)
    return {};
  while (struct dirent *e = readdir(d)) {
    char *end = nullptr;
    long pid = strtol(e->d_name, &end, 10);
    int ppid = 0;
    if (end && *end == 0 && pid > 0 && readParent((int)pid, ppid))
      parentOf[(int)pid] = ppid;
  }
  closedir(d);
  std::map<int, int> tree;
  std::map<int, bool> known; // pid -> in the tree, memoized along each walk
  for (const auto &entry : parentOf) {
    std::vector<int> path;
    bool in = false;
    int cur = entry.first;
    for (int depth = 0; depth < 4096 && cur > 1; ++depth) {
      auto memo = known.find(cur);
      if (memo != known.end()) {
        in = memo->second;
        break;
      }
      path.push_back(cur);
      auto it = parentOf.find(cur);
      if (it == parentOf.end())
        break;
      if (cur == root || (it->second == adopter && cur != adopter)) {
        in = true;
        break;
      }
      cur = it->second;
    }
    for (int p : path)
      known[p] = in;
    if (in)
      tree[entry.first] = entry.second;
  }
  return tree;
}

bool ForkBombWatch::sample(size_t live, double now, std::string &reason) {
  bool grew = !history_.empty() && live > history_.back().second;
  history_.push_back({now, live});
  while (!history_.empty() && history_.front().first < now - limits_.window)
    history_.pop_front();
  size_t lowest = live;
  double since = now;
  for (const auto &h : history_)
    if (h.second < lowest) {
      lowest = h.second;
      since = h.first;
    }
  // Faster sampling only once the tree is an eighth of the way to a limit: a fork+wait loop or
  // a small pool does not pay for it.
  growing_ =
      grew &&
      ((limits_.maxProcs > 0 && (long)live * 8 > limits_.maxProcs) ||
       (limits_.maxRate > 0 && (double)(live - lowest) * 8 > limits_.maxRate * limits_.window));
  if (fired_)
    return false;
  if (limits_.maxProcs > 0 && (long)live > limits_.maxProcs) {
    reason = "the tree reached " + std::to_string(live) + " live processes, over the limit of " +
             std::to_string(limits_.maxProcs) + " (--max-procs)";
    fired_ = true;
    return true;
  }
  // The first samples may not span the window yet: growth per window, not per elapsed time, so
  // a burst right at the start is judged like any other.
  double allowed = limits_.maxRate * limits_.window;
  if (limits_.maxRate > 0 && (double)(live - lowest) > allowed) {
    char secs[32];
    snprintf(secs, sizeof(secs), "%.2f", now - since);
    char rate[32];
    snprintf(rate, sizeof(rate), "%g", limits_.maxRate);
    reason = "the tree grew by " + std::to_string(live - lowest) + " live processes (to " +
             std::to_string(live) + ") in " + secs + " s, faster than " + rate +
             " per second (--max-fork-rate)";
    fired_ = true;
    return true;
  }
  return false;
}

std::map<int, int> freezeTree(int root, int adopter) {
  std::map<int, int> stopped;
  int quietRounds = 0;
  for (int round = 0; round < 1000 && quietRounds < 2; ++round) {
    bool fresh = false;
    for (const auto &e : listTree(root, adopter)) {
      if (stopped.count(e.first))
        continue;
      kill(e.first, SIGSTOP);
      stopped[e.first] = e.second;
      fresh = true;
    }
    quietRounds = fresh ? 0 : quietRounds + 1;
    // A stop is delivered asynchronously: give forks already under way time to show up.
    struct timespec pause = {0, 2 * 1000 * 1000};
    nanosleep(&pause, nullptr);
  }
  return stopped;
}

Finding forkBombFinding(const SessionModel &model, const std::map<int, int> &live, int root,
                        const std::string &reason) {
  // Depth of each live process below the root (or below the topmost live ancestor).
  auto chainOf = [&](int pid) {
    std::vector<int> chain;
    for (int cur = pid; chain.size() < 4096;) {
      chain.push_back(cur);
      if (cur == root)
        break;
      auto it = live.find(cur);
      if (it == live.end() || !live.count(it->second))
        break;
      cur = it->second;
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
  };
  std::vector<int> chain;
  for (const auto &e : live) {
    std::vector<int> c = chainOf(e.first);
    if (c.size() >= chain.size())
      chain = std::move(c);
  }

  std::string chainText;
  std::string previous;
  for (size_t i = 0; i < chain.size(); ++i) {
    if (chain.size() > 8 && i == 3) {
      chainText += " -> ... (" + std::to_string(chain.size() - 7) + " more)";
      i = chain.size() - 4;
      previous.clear();
    }
    std::string cmd = shortCommand(model, chain[i]);
    if (!chainText.empty())
      chainText += " -> ";
    chainText += std::to_string(osPid(chain[i]));
    if (!cmd.empty() && cmd != previous)
      chainText += " (" + cmd + ")";
    previous = cmd;
  }

  Finding f;
  f.rule = "mp-fork-bomb";
  f.message = "fork bomb: " + reason + "; procsan stopped the tree. Growth chain (depth " +
              std::to_string(chain.size()) + "): " + chainText;
  for (size_t i = 0; i < chain.size() && f.processes.size() < 16; ++i)
    f.processes.push_back(chain[i]);

  // The fork sites that made the tree, busiest first; the example fork of each is the one made
  // deepest in the growth chain.
  struct Site {
    size_t forks = 0;
    std::set<int> forkers;
    const ForkRecord *example = nullptr;
    int examplePid = 0;
    size_t exampleDepth = 0;
  };
  std::map<std::string, Site> sites;
  std::map<int, size_t> depthInChain;
  for (size_t i = 0; i < chain.size(); ++i)
    depthInChain[chain[i]] = i + 1;
  for (const auto &e : live) {
    const Process *p = model.find(e.first);
    if (!p)
      continue;
    for (const ForkRecord &fr : p->forks) {
      Site &s = sites[siteKey(fr)];
      ++s.forks;
      s.forkers.insert(p->pid);
      size_t depth = depthInChain.count(p->pid) ? depthInChain[p->pid] : 0;
      if (!s.example || depth > s.exampleDepth) {
        s.example = &fr;
        s.examplePid = p->pid;
        s.exampleDepth = depth;
      }
    }
  }
  std::vector<const Site *> order;
  for (const auto &s : sites)
    order.push_back(&s.second);
  std::stable_sort(order.begin(), order.end(),
                   [](const Site *a, const Site *b) { return a->forks > b->forks; });
  for (size_t i = 0; i < order.size() && i < 3; ++i) {
    const Site &s = *order[i];
    FindingEvent ev;
    ev.pid = s.examplePid;
    ev.tid = s.example->tid;
    ev.what =
        std::to_string(s.forks) + " fork" + (s.forks == 1 ? "" : "s") + " here by " +
        std::to_string(s.forkers.size()) + " process" + (s.forkers.size() == 1 ? "" : "es") +
        " of the tree; this one by pid " + std::to_string(osPid(s.examplePid)) +
        (s.exampleDepth ? " (depth " + std::to_string(s.exampleDepth) + " of the chain)" : "");
    ev.stack = s.example->stack;
    f.events.push_back(std::move(ev));
  }
  if (f.events.empty()) {
    FindingEvent ev;
    ev.pid = chain.empty() ? root : chain.back();
    ev.what = "no fork of the tree was traced (static binaries or a raw clone system call)";
    f.events.push_back(std::move(ev));
  }
  return f;
}

void detectForkDoubling(const SessionModel &model, std::vector<Finding> &out) {
  for (const auto &e : model.processes())
    if (e.second.killedByMonitor)
      return;
  // generation[pid]: how many forks at the same site, each by a child of the previous one that
  // did not exec, led to pid.
  std::map<int, size_t> generation;
  std::map<std::string, size_t> made;
  std::map<std::string, std::pair<size_t, int>> deepest; // site -> (generation, pid)
  std::function<size_t(int, int)> genOf = [&](int pid, int depth) -> size_t {
    auto it = generation.find(pid);
    if (it != generation.end())
      return it->second;
    const Process *p = model.find(pid);
    const ForkRecord *fr = p ? model.forkOf(pid) : nullptr;
    size_t g = 0;
    if (fr && !siteKey(*fr).empty()) {
      g = 1;
      const Process *parent = model.find(p->ppid);
      const ForkRecord *up = parent ? model.forkOf(parent->pid) : nullptr;
      if (parent && !parent->execed() && up && siteKey(*up) == siteKey(*fr) && depth < 4096)
        g = genOf(parent->pid, depth + 1) + 1;
    }
    generation[pid] = g;
    return g;
  };
  for (const auto &e : model.processes()) {
    const ForkRecord *fr = model.forkOf(e.first);
    if (!fr || siteKey(*fr).empty())
      continue;
    std::string key = siteKey(*fr);
    ++made[key];
    size_t g = genOf(e.first, 0);
    std::pair<size_t, int> &d = deepest[key];
    if (g > d.first)
      d = {g, e.first};
  }
  for (const auto &site : deepest) {
    size_t gens = site.second.first, total = made[site.first];
    if (gens < kDoublingGenerations || total < kDoublingProcesses)
      continue;
    std::vector<int> chain;
    for (int cur = site.second.second; cur > 0 && chain.size() <= gens;) {
      chain.push_back(cur);
      const Process *p = model.find(cur);
      cur = p ? p->ppid : 0;
    }
    std::reverse(chain.begin(), chain.end());
    Finding f;
    f.rule = "mp-fork-bomb";
    f.severity = "warning";
    f.message = "children forked at one site forked again at the same site for " +
                std::to_string(gens) + " generations: " + std::to_string(total) +
                " processes from that site, growing exponentially (it stayed under --max-procs " +
                "here; a larger count or a deeper recursion would not). Growth chain: ";
    for (size_t i = 0; i < chain.size(); ++i) {
      if (chain.size() > 8 && i == 3) {
        f.message += " -> ... (" + std::to_string(chain.size() - 7) + " more)";
        i = chain.size() - 4;
      }
      f.message += (i ? " -> " : "") + std::to_string(osPid(chain[i]));
    }
    for (size_t i = 0; i < chain.size() && f.processes.size() < 16; ++i)
      f.processes.push_back(chain[i]);
    const ForkRecord *fr = model.forkOf(site.second.second);
    FindingEvent ev;
    ev.pid = fr ? model.find(site.second.second)->ppid : 0;
    ev.tid = fr ? fr->tid : 0;
    ev.what = "the fork site, here in generation " + std::to_string(gens) + " (pid " +
              std::to_string(osPid(ev.pid)) + ")";
    if (fr)
      ev.stack = fr->stack;
    f.events.push_back(std::move(ev));
    out.push_back(std::move(f));
  }
}

} // namespace monitor
} // namespace procsan
