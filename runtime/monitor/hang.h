// Diagnosis of a tree that stopped making progress: a wait-for graph built from /proc (who is
// blocked in which system call, on which pipe, who holds the other end) and from the session
// model (who crashed). Only waits /proc confirms and that nothing can end are reported.
#ifndef PROCSAN_MONITOR_HANG_H
#define PROCSAN_MONITOR_HANG_H

#include "monitor/model.h"
#include "monitor/procfs.h"
#include "monitor/report.h"

#include <map>
#include <string>
#include <vector>

namespace procsan {
namespace monitor {

enum class WaitKind {
  Running,   // on a CPU or in user space
  Timed,     // a wait that ends by itself (sleep, poll/futex/select with a timeout)
  ReadFd,    // read/recv on args[0]
  WriteFd,   // write/send on args[0]
  WaitChild, // wait4/waitid
  Lock,      // futex or SysV semaphore without a timeout (a lock, condition or semaphore)
  Signal,    // pause, sigsuspend, sigwaitinfo without timeout
  Other
};

struct ThreadWait {
  WaitKind kind = WaitKind::Other;
  int fd = -1;
  std::string what; // "read on pipe:[123] (fd 4)"
};

// Rule ids the hang diagnosis can report (mp-lost-crash is also a post-mortem detector).
const std::vector<const char *> &hangRules();

// Classifies the system call a thread is blocked in (x86-64 numbers).
ThreadWait classifyWait(const ThreadSnapshot &t);

// Findings for a tree idle for idleSeconds; empty when nothing proves it is stuck.
std::vector<Finding> diagnoseHang(const TreeSnapshot &tree, const SessionModel &model,
                                  double idleSeconds);

// Cycles of waits among threads that have not run for a while (stuckFor: tid -> seconds), while
// other processes of the tree may still run: a cycle is a deadlock whatever the rest does.
std::vector<Finding> diagnoseCycles(const TreeSnapshot &tree, const SessionModel &model,
                                    const std::map<int, double> &stuckFor);

// "mp-deadlock:12,13": the same cycle found twice is reported once.
std::string findingKey(const Finding &f);
// For Python: a dead Pool or ProcessPoolExecutor worker's mp-lost-crash names the task it was
// running, where that task was submitted (a thread blocked in Pool.map, with its stack taken),
// and what happens next. Run after the blocked threads' stacks were added.
void explainLostTasks(std::vector<Finding> &findings, const SessionModel &model);

} // namespace monitor
} // namespace procsan

#endif
