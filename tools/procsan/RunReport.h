// What `procsan run` and `procsan report` share: the session record (what the wrapper saw that
// the logs cannot say, kept as SESSION/session.json), the model built from a session, the
// detectors, and the report writers (text, JSON, SARIF, timeline).
#ifndef PROCSAN_TOOLS_RUNREPORT_H
#define PROCSAN_TOOLS_RUNREPORT_H

#include "monitor/model.h"
#include "monitor/report.h"
#include "trace/reader.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace procsan {
namespace tools {

constexpr const char *kSessionRecordFile = "session.json";
// Its presence in a session directory turns on per-acquire/release lock events (--trace).
constexpr const char *kTraceLocksFile = "trace-locks";

struct SessionRecord {
  std::string source = "run"; // "run" (the wrapper) or "preload" (PROCSAN_OPTIONS, no wrapper)
  std::vector<std::string> command;
  int rootPid = 0;
  int rootWaitStatus = 0;
  bool hangKilled = false;
  std::vector<std::pair<int, int>> orphansReaped; // pid, wait status
  std::vector<int> killedByMonitor;
  std::vector<int> stillRunning;
  std::vector<std::pair<int, std::string>> ipcPresent; // IpcKind, name
  std::vector<monitor::Finding> hangFindings;          // symbolized when they were found
};

bool writeSessionRecord(const std::string &dir, const SessionRecord &rec, std::string &error);
bool readSessionRecord(const std::string &dir, SessionRecord &rec, std::string &error);

// Step 1: the logs and what the wrapper saw about deaths.
void modelFromLogs(monitor::SessionModel &model, const std::vector<trace::DecodedLog> &logs,
                   const SessionRecord &rec);
// The same, letting go of the logs' events as they are added (when nothing else needs them).
void modelFromLogs(monitor::SessionModel &model, std::vector<trace::DecodedLog> &&logs,
                   const SessionRecord &rec);
// Step 1 without holding the session's events: reads the logs of dir twice (first what tells
// apart the processes that had one pid, then the events, a few hundred logs at a time, each log
// let go of once the model has it); the logs done holds are taken from it. Unreadable logs are
// reported in errors. Returns the number of logs read.
size_t modelFromSession(monitor::SessionModel &model, const std::string &dir,
                        trace::FinishedLogs *done, const SessionRecord &rec,
                        std::vector<std::string> &errors);
// Step 2: survivors, the root's status, ordering; IPC objects named in rec.ipcPresent are
// marked still present.
void finishModel(monitor::SessionModel &model, const SessionRecord &rec);

// The post-mortem detectors (rules empty: all), symbolized.
std::vector<monitor::Finding> detectFindings(const monitor::SessionModel &model,
                                             const std::set<std::string> &rules);

// The exit status a shell shows for a wait status.
int shellStatus(int waitStatus);

// The report in format text|json|sarif.
std::string renderReport(const std::string &format, const SessionRecord &rec,
                         const monitor::SessionModel &model,
                         const std::vector<monitor::Finding> &findings, bool nativeFrames = false);
std::string runReportSarif(const std::vector<monitor::Finding> &findings, const SessionRecord &rec,
                           const monitor::SessionModel &model);

// Writes text to path; false (with error) when it cannot.
bool writeFile(const std::string &path, const std::string &text, std::string &error);

} // namespace tools
} // namespace procsan

#endif
