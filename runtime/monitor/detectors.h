// Runtime detectors: each reads the session model and returns findings for one rule id.
#ifndef PROCSAN_MONITOR_DETECTORS_H
#define PROCSAN_MONITOR_DETECTORS_H

#include "monitor/report.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace procsan {
namespace monitor {

struct Detector {
  const char *rule;
  const char *summary;
  std::function<void(const SessionModel &, std::vector<Finding> &)> run;
  // Off by default: below 90% true findings on real test suites (bench/realcode/runtime/); run
  // when named in --rules (or with --rules=all).
  bool onByDefault = true;
  // Its findings rest on a record that is not there (no wait for a child, nobody looked at a
  // death, no unlink): they are withheld for processes whose events were dropped
  // (withholdUnknowable).
  bool fromAbsence = false;
};

// Drops the findings of fromAbsence rules that involve a process which lost events or whose pid
// another process used too (or whose parent did), and for mp-leaked-ipc any finding once some
// process lost events: the record they miss may be among the lost, or be the other process's.
// Returns the number withheld per rule.
std::map<std::string, int> withholdUnknowable(const SessionModel &model, const Detector &d,
                                              std::vector<Finding> &findings, size_t from);

// Every rule id the runtime can report, for --rules=all.
std::vector<std::string> allRuntimeRules();

// Every post-mortem detector, in report order.
const std::vector<Detector> &allDetectors();
// A rule id the runtime can report: a detector's, a hang diagnosis', or mp-fork-bomb.
bool isRuntimeRule(const std::string &rule);

// mp-lost-crash: a process died abnormally and nobody in the program noticed.
void detectLostCrash(const SessionModel &model, std::vector<Finding> &out);
// mp-unreaped-child: a parent exited without waiting for a child (zombie or orphan).
void detectUnreapedChild(const SessionModel &model, std::vector<Finding> &out);
// mp-fork-with-threads: a fork while other threads ran, and the child ran on without exec.
void detectForkWithThreads(const SessionModel &model, std::vector<Finding> &out);
// mp-fork-pending-stdio: a fork while stdio buffers held output the child flushed again.
void detectForkPendingStdio(const SessionModel &model, std::vector<Finding> &out);
// mp-lock-held-at-exit: a process ended while holding a process-shared lock.
void detectLockHeldAtExit(const SessionModel &model, std::vector<Finding> &out);
// mp-lock-order-inversion: two process-shared locks taken in both orders.
void detectLockOrderInversion(const SessionModel &model, std::vector<Finding> &out);
// Hang findings name the message queue a thread is blocked on (from the runtime's last
// unanswered "about to block" record of that thread), with the stack of the blocking call.
void nameMessageQueueWaits(const SessionModel &model, std::vector<Finding> &findings);
// "killed by SIGKILL sent by pid 12 (./pool) with kill()": how a process ended and, for a
// signal, who sent it, as far as the logs tell.
std::string describeDeath(const SessionModel &model, const Process &p);
// The death of p as a report event: the crash stack, or the sender's stack for a kill.
std::vector<FindingEvent> deathEvents(const SessionModel &model, const Process &p);
// mp-leaked-ipc: named IPC objects the tree created and left behind.
void detectLeakedIpc(const SessionModel &model, std::vector<Finding> &out);

} // namespace monitor
} // namespace procsan

#endif
