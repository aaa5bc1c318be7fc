#include "monitor/report.h"

#include <cinttypes>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace procsan {
namespace monitor {

void symbolizeFindings(std::vector<Finding> &findings, Symbolizer &symbolizer) {
  for (Finding &f : findings)
    for (FindingEvent &e : f.events)
      for (Frame &fr : e.stack.frames)
        symbolizer.symbolize(fr);
}

namespace {

std::string hex(uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
  return buf;
}

std::string renderFrame(size_t index, const Frame &f) {
  std::string s = "    #" + std::to_string(index) + " " + hex(f.pc);
  if (!f.function.empty())
    s += " in " + f.function;
  if (!f.file.empty()) {
    s += " " + f.file;
    if (f.line > 0)
      s += ":" + std::to_string(f.line);
  }
  if (f.file.empty() && !f.module.empty())
    s += " (" + f.module + "+" + hex(f.fileOffset) + ")";
  return s + "\n";
}

} // namespace

std::string renderText(const std::vector<Finding> &findings, bool color, bool summary) {
  const char *bold = color ? "\033[1m" : "";
  const char *red = color ? "\033[1;31m" : "";
  const char *reset = color ? "\033[0m" : "";
  std::string out;
  for (const Finding &f : findings) {
    out += std::string(bold) + "procsan: " + red + f.severity + ": " + reset + bold + f.message +
           " [" + f.rule + "]" + reset + "\n";
    for (const FindingEvent &e : f.events) {
      out += "  " + e.what + "\n";
      for (size_t i = 0; i < e.stack.frames.size(); ++i)
        out += renderFrame(i, e.stack.frames[i]);
    }
  }
  if (summary && !findings.empty())
    out += "procsan: " + std::to_string(findings.size()) +
           (findings.size() == 1 ? " finding\n" : " findings\n");
  return out;
}

std::string renderJson(const RunInfo &run, const SessionModel &model,
                       const std::vector<Finding> &findings) {
  using json = nlohmann::ordered_json;
  json doc;
  doc["tool"] = "procsan";
  doc["version"] = run.version;
  doc["command"] = run.command;
  doc["exit_status"] = run.exitStatus;
  json procs = json::array();
  for (const auto &entry : model.processes()) {
    const Process &p = entry.second;
    json jp;
    jp["pid"] = p.pid;
    jp["ppid"] = p.ppid;
    jp["exe"] = p.exe;
    jp["argv"] = p.argv;
    jp["traced"] = p.traced;
    jp["start_us"] = p.startNs / 1000;
    jp["end_us"] = p.endNs / 1000;
    if (p.exit.known) {
      if (p.exit.signaled)
        jp["exit"] = {{"signal", signalName(p.exit.signal)}};
      else
        jp["exit"] = {{"code", p.exit.code}};
    } else {
      jp["exit"] = nullptr;
    }
    if (p.reapedBy > 0)
      jp["reaped_by"] = p.reapedBy;
    else if (p.reapedBy == kReapedByMonitor)
      jp["reaped_by"] = "procsan";
    else
      jp["reaped_by"] = nullptr;
    if (p.eventsDropped)
      jp["events_dropped"] = p.eventsDropped;
    procs.push_back(std::move(jp));
  }
  doc["processes"] = std::move(procs);
  json jf = json::array();
  for (const Finding &f : findings) {
    json j;
    j["rule"] = f.rule;
    j["severity"] = f.severity;
    j["message"] = f.message;
    j["processes"] = f.processes;
    json events = json::array();
    for (const FindingEvent &e : f.events) {
      json je;
      je["pid"] = e.pid;
      je["tid"] = e.tid;
      je["what"] = e.what;
      json stack = json::array();
      for (const Frame &fr : e.stack.frames) {
        json jfr;
        jfr["pc"] = hex(fr.pc);
        jfr["function"] = fr.function;
        jfr["file"] = fr.file;
        jfr["line"] = fr.line;
        jfr["module"] = fr.module;
        jfr["module_offset"] = hex(fr.fileOffset);
        stack.push_back(std::move(jfr));
      }
      je["stack"] = std::move(stack);
      events.push_back(std::move(je));
    }
    j["events"] = std::move(events);
    jf.push_back(std::move(j));
  }
  doc["findings"] = std::move(jf);
  // Invalid UTF-8 from a program's argv must not abort the report.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace monitor
} // namespace procsan
