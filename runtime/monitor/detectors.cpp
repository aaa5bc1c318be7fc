#include "monitor/detectors.h"

#include <csignal>

namespace procsan {
namespace monitor {

const std::vector<Detector> &allDetectors() {
  static const std::vector<Detector> detectors = {
      {"mp-lost-crash", "a process crashed or failed and nobody noticed", detectLostCrash},
  };
  return detectors;
}

namespace {

std::string describeProcess(const Process &p) {
  std::string cmd = p.commandLine();
  return "process " + std::to_string(p.pid) + (cmd.empty() ? "" : " (" + cmd + ")");
}

const SignalDelivery *crashRecordFor(const Process &p) {
  // The last delivery of the signal the process died of carries the crash stack.
  for (auto it = p.signals.rbegin(); it != p.signals.rend(); ++it)
    if (it->signal == p.exit.signal)
      return &*it;
  return nullptr;
}

} // namespace

void detectLostCrash(const SessionModel &model, std::vector<Finding> &out) {
  const ExitInfo &root = model.rootExit();
  bool programSucceeded = root.known && !root.signaled && root.code == 0;
  for (const auto &entry : model.processes()) {
    const Process &p = entry.second;
    if (p.pid == model.rootPid() || !p.exit.abnormal())
      continue;
    // A signal another process of the tree sent on purpose (terminate(), kill()) is no crash.
    if (p.exit.signaled && model.signalSentByTree(p.pid, p.exit.signal))
      continue;
    bool reapedByProgram = p.reapedBy > 0;
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
      f.message = describeProcess(p) + " " + how + " and nobody in the program reaped it";
    else
      f.message = describeProcess(p) + " " + how + " but the program exited with status 0";

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
        death.what += " sent by pid " + std::to_string(s->senderPid) +
                      (s->senderPid == p.pid ? " (itself)" : "");
      }
      death.what += " in " + describeProcess(p);
      death.stack = s->stack;
    } else {
      death.what = describeProcess(p) + " " + how +
                   (p.exit.signaled ? " (no handler ran: the signal cannot be caught, or the "
                                      "process was not traced)"
                                    : "");
    }
    f.events.push_back(std::move(death));

    FindingEvent reap;
    if (reapedByProgram) {
      reap.pid = p.reapedBy;
      reap.what = "pid " + std::to_string(p.reapedBy) +
                  (p.reapedBy == p.ppid ? " (its parent)" : "") + " reaped it (status: " + how +
                  ") and the program still exited with status 0";
      f.processes.push_back(p.reapedBy);
    } else if (p.reapedBy == kReapedByMonitor) {
      reap.pid = p.ppid;
      reap.what = "its parent, pid " + std::to_string(p.ppid) +
                  ", never waited for it; procsan reaped it after the parent was gone";
    }
    if (!reap.what.empty())
      f.events.push_back(std::move(reap));
    out.push_back(std::move(f));
  }
}

} // namespace monitor
} // namespace procsan
