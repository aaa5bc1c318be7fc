// mp-fork-bomb: the live tree is watched for its size and its growth rate; past a limit the tree
// is frozen (SIGSTOP until no new process appears), described (the growth chain from the root
// to the deepest process and the fork sites that made it), and killed.
#ifndef PROCSAN_MONITOR_FORKBOMB_H
#define PROCSAN_MONITOR_FORKBOMB_H

#include "monitor/model.h"
#include "monitor/report.h"

#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace procsan {
namespace monitor {

struct ForkBombLimits {
  long maxProcs = 0;   // live processes; 0: no limit
  double maxRate = 0;  // net growth in live processes per second; 0: no limit
  double window = 1.0; // seconds over which the growth is measured
};

// min(4096, half of RLIMIT_NPROC).
long defaultMaxProcs();
constexpr double kDefaultMaxForkRate = 1000;

// Live processes of the tree: pid -> ppid, from /proc/PID/stat only (cheap enough to read a few
// times a second). Same membership as readTree: descendants of root, and the orphans adopter
// adopted with their descendants.
std::map<int, int> listTree(int root, int adopter);

class ForkBombWatch {
public:
  explicit ForkBombWatch(ForkBombLimits limits) : limits_(limits) {}
  // Feeds one sample; returns true (and why) the first time a limit is passed.
  bool sample(size_t live, double now, std::string &reason);
  // True when the last sample grew and the tree is on its way to a limit: the caller samples
  // more often then.
  bool growing() const { return growing_; }

private:
  ForkBombLimits limits_;
  std::deque<std::pair<double, size_t>> history_;
  bool growing_ = false;
  bool fired_ = false;
};

// Stops every live process of the tree with SIGSTOP, repeating until a listing finds no new one;
// returns the stopped processes (pid -> ppid).
std::map<int, int> freezeTree(int root, int adopter);

// The finding for a frozen tree: the growth chain and the busiest fork sites.
Finding forkBombFinding(const SessionModel &model, const std::map<int, int> &live, int root,
                        const std::string &reason);

// Post mortem: children forked at one site that forked again at the same site, generation after
// generation, so the tree doubled (or more) with every one; reported even when it stayed under
// the limits (a bigger input or a deeper recursion would not). Nothing when procsan stopped the
// tree (the live finding says it).
void detectForkDoubling(const SessionModel &model, std::vector<Finding> &out);
constexpr size_t kDoublingGenerations = 7;
constexpr size_t kDoublingProcesses = 100;

} // namespace monitor
} // namespace procsan

#endif
