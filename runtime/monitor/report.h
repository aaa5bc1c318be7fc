// Findings of the runtime and their renderings (text for stderr, JSON per DESIGN.md §3).
#ifndef PROCSAN_MONITOR_REPORT_H
#define PROCSAN_MONITOR_REPORT_H

#include "monitor/model.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace procsan {
namespace monitor {

struct FindingEvent {
  int pid = 0;
  int tid = 0;
  std::string what;
  Stack stack;
};

struct Finding {
  std::string rule;
  std::string severity = "error";
  std::string message;
  std::vector<int> processes;
  std::vector<FindingEvent> events;
};

struct RunInfo {
  std::string version;
  std::vector<std::string> command;
  int exitStatus = 0; // as a shell would show it (128+N for a signal)
};

// Fills function/file/line of frames; the tools provide an LLVM-based implementation.
class Symbolizer {
public:
  virtual ~Symbolizer() = default;
  virtual void symbolize(Frame &frame) = 0;
};

void symbolizeFindings(std::vector<Finding> &findings, Symbolizer &symbolizer);

// Orders findings for reading: errors before warnings, hangs and deadlocks before post-mortem
// rules, findings of one rule together (stable otherwise).
void sortFindings(std::vector<Finding> &findings);
// "procsan: 3 findings (2 mp-lost-crash, 1 mp-leaked-ipc)"; empty for no findings.
std::string summaryLine(const std::vector<Finding> &findings);

// Text for stderr; with summary, a closing summaryLine(). A stack of Python code shows its Python
// frames with the interpreter's native frames folded away, unless nativeFrames.
std::string renderText(const std::vector<Finding> &findings, bool color, bool summary = true,
                       bool nativeFrames = false);
// The frames of one stack as the text report shows them.
std::string renderStack(const Stack &stack, bool nativeFrames);
std::string renderJson(const RunInfo &run, const SessionModel &model,
                       const std::vector<Finding> &findings);

// One finding as in the JSON report, and back (for findings saved in a session directory).
nlohmann::ordered_json findingToJson(const Finding &f);
bool findingFromJson(const nlohmann::ordered_json &j, Finding &f);

} // namespace monitor
} // namespace procsan

#endif
