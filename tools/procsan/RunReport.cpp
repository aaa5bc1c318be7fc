#include "RunReport.h"
#include "Commands.h"
#include "Sarif.h"
#include "monitor/detectors.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace procsan {
namespace tools {

namespace {

json pidStatusPairs(const std::vector<std::pair<int, int>> &pairs) {
  json a = json::array();
  for (const auto &p : pairs)
    a.push_back(json::array({p.first, p.second}));
  return a;
}

std::vector<int> intList(const json &j, const char *key) {
  std::vector<int> out;
  auto it = j.find(key);
  if (it != j.end() && it->is_array())
    for (const json &v : *it)
      if (v.is_number_integer())
        out.push_back(v.get<int>());
  return out;
}

} // namespace

bool writeFile(const std::string &path, const std::string &text, std::string &error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    error = "cannot write " + path + ": " + std::strerror(errno ? errno : EIO);
    return false;
  }
  return true;
}

bool writeSessionRecord(const std::string &dir, const SessionRecord &rec, std::string &error) {
  json j;
  j["procsan_session"] = 1;
  j["version"] = kVersion;
  j["source"] = rec.source;
  j["command"] = rec.command;
  j["root_pid"] = rec.rootPid;
  j["root_wait_status"] = rec.rootWaitStatus;
  j["hang_killed"] = rec.hangKilled;
  j["orphans_reaped"] = pidStatusPairs(rec.orphansReaped);
  j["killed_by_monitor"] = rec.killedByMonitor;
  j["still_running"] = rec.stillRunning;
  json ipc = json::array();
  for (const auto &o : rec.ipcPresent)
    ipc.push_back({{"kind", o.first}, {"name", o.second}});
  j["ipc_present"] = ipc;
  json hang = json::array();
  for (const monitor::Finding &f : rec.hangFindings)
    hang.push_back(monitor::findingToJson(f));
  j["hang_findings"] = hang;
  // Written whole under a temporary name: a reader never sees half a record.
  std::string path = dir + "/" + kSessionRecordFile, tmp = path + ".tmp";
  if (!writeFile(tmp, j.dump(1, ' ', false, json::error_handler_t::replace) + "\n", error))
    return false;
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool readSessionRecord(const std::string &dir, SessionRecord &rec, std::string &error) {
  std::string path = dir + "/" + kSessionRecordFile;
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    error = errno == ENOENT
                ? "not a procsan session directory (no " + std::string(kSessionRecordFile) + ")"
                : path + ": " + std::strerror(errno);
    return false;
  }
  std::string text;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0 && text.size() < (64u << 20))
    text.append(buf, (size_t)n);
  close(fd);
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("procsan_session")) {
    error = path + ": damaged session record (not the JSON procsan writes)";
    return false;
  }
  auto str = [&](const char *key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto num = [&](const char *key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
  };
  rec.source = str("source");
  if (j.contains("command") && j["command"].is_array())
    for (const json &a : j["command"])
      if (a.is_string())
        rec.command.push_back(a.get<std::string>());
  rec.rootPid = num("root_pid");
  rec.rootWaitStatus = num("root_wait_status");
  rec.hangKilled =
      j.contains("hang_killed") && j["hang_killed"].is_boolean() && j["hang_killed"].get<bool>();
  if (j.contains("orphans_reaped") && j["orphans_reaped"].is_array())
    for (const json &p : j["orphans_reaped"])
      if (p.is_array() && p.size() == 2 && p[0].is_number_integer() && p[1].is_number_integer())
        rec.orphansReaped.push_back({p[0].get<int>(), p[1].get<int>()});
  rec.killedByMonitor = intList(j, "killed_by_monitor");
  rec.stillRunning = intList(j, "still_running");
  if (j.contains("ipc_present") && j["ipc_present"].is_array())
    for (const json &o : j["ipc_present"])
      if (o.is_object() && o.contains("kind") && o["kind"].is_number_integer() &&
          o.contains("name") && o["name"].is_string())
        rec.ipcPresent.push_back({o["kind"].get<int>(), o["name"].get<std::string>()});
  if (j.contains("hang_findings") && j["hang_findings"].is_array())
    for (const json &jf : j["hang_findings"]) {
      monitor::Finding f;
      if (monitor::findingFromJson(jf, f))
        rec.hangFindings.push_back(std::move(f));
    }
  return true;
}

namespace {

void noteWhatTheWrapperSaw(monitor::SessionModel &model, const SessionRecord &rec) {
  for (const auto &o : rec.orphansReaped)
    model.noteReapedByMonitor(o.first, o.second);
  for (int pid : rec.killedByMonitor)
    model.noteKilledByMonitor(pid, SIGKILL);
}

} // namespace

void modelFromLogs(monitor::SessionModel &model, const std::vector<trace::DecodedLog> &logs,
                   const SessionRecord &rec) {
  model.addLogs(logs);
  noteWhatTheWrapperSaw(model, rec);
}

void modelFromLogs(monitor::SessionModel &model, std::vector<trace::DecodedLog> &&logs,
                   const SessionRecord &rec) {
  model.addLogs(std::move(logs));
  noteWhatTheWrapperSaw(model, rec);
}

size_t modelFromSession(monitor::SessionModel &model, const std::string &dir,
                        trace::FinishedLogs *done, const SessionRecord &rec,
                        std::vector<std::string> &errors) {
  std::vector<std::string> names;
  std::vector<trace::DecodedLog> early; // decoded while the program ran
  for (std::string &name : trace::logNames(dir, errors)) {
    if (done) {
      auto it = done->decoded.find(name);
      if (it != done->decoded.end()) {
        early.push_back(std::move(it->second));
        done->decoded.erase(it);
        continue;
      }
    }
    names.push_back(std::move(name));
  }
  std::vector<monitor::LogPlan> plans(names.size());
  std::vector<char> readable(names.size(), 0);
  trace::forEachLog(dir, names, errors, [&](size_t i, trace::DecodedLog &&log) {
    plans[i] = monitor::SessionModel::planOf(log);
    readable[i] = 1;
  });
  for (const trace::DecodedLog &log : early)
    plans.push_back(monitor::SessionModel::planOf(log));
  // In start order: a name's index, or early's (past names.size()).
  std::vector<std::pair<const monitor::LogPlan *, size_t>> order;
  for (size_t i = 0; i < plans.size(); ++i)
    if (i >= names.size() || readable[i])
      order.emplace_back(&plans[i], i);
  model.planLogs(plans);
  std::stable_sort(order.begin(), order.end(), [](const auto &a, const auto &b) {
    return a.first->startNs != b.first->startNs ? a.first->startNs < b.first->startNs
                                                : a.first->generation < b.first->generation;
  });
  const size_t chunk = 512;
  std::vector<std::string> again; // errors of the second reading not seen in the first
  for (size_t from = 0; from < order.size(); from += chunk) {
    size_t to = std::min(order.size(), from + chunk);
    std::vector<std::string> chunkNames;
    std::vector<size_t> slot(to - from, SIZE_MAX);
    for (size_t k = from; k < to; ++k)
      if (order[k].second < names.size()) {
        slot[k - from] = chunkNames.size();
        chunkNames.push_back(names[order[k].second]);
      }
    std::vector<trace::DecodedLog> logs(chunkNames.size());
    std::vector<char> ok(chunkNames.size(), 0);
    trace::forEachLog(dir, chunkNames, again, [&](size_t i, trace::DecodedLog &&log) {
      logs[i] = std::move(log);
      ok[i] = 1;
    });
    for (size_t k = from; k < to; ++k) {
      if (slot[k - from] == SIZE_MAX) {
        trace::DecodedLog &log = early[order[k].second - names.size()];
        model.addLog(log);
        log = trace::DecodedLog();
      } else if (ok[slot[k - from]]) {
        model.addLog(logs[slot[k - from]]);
      }
    }
  }
  for (const std::string &e : again)
    if (std::find(errors.begin(), errors.end(), e) == errors.end())
      errors.push_back(e);
  noteWhatTheWrapperSaw(model, rec);
  return order.size();
}

void finishModel(monitor::SessionModel &model, const SessionRecord &rec) {
  for (int pid : rec.stillRunning)
    model.noteStillRunning(pid);
  if (rec.rootPid > 0)
    model.setRoot(rec.rootPid, rec.rootWaitStatus);
  model.finish();
  for (monitor::IpcObject &obj : model.ipcObjects())
    for (const auto &present : rec.ipcPresent)
      if (present.first == obj.kind && present.second == obj.name)
        obj.stillPresent = true;
}

std::vector<monitor::Finding> detectFindings(const monitor::SessionModel &model,
                                             const std::set<std::string> &rules) {
  std::vector<monitor::Finding> findings;
  for (const monitor::Detector &d : monitor::allDetectors())
    if (rules.empty() ? d.onByDefault : rules.count(d.rule) > 0) {
      size_t from = findings.size();
      d.run(model, findings);
      // A rule that judges by a missing record says nothing where records were lost (the
      // trace-loss warning names the processes).
      monitor::withholdUnknowable(model, d, findings, from);
    }
  if (!findings.empty()) {
    std::unique_ptr<monitor::Symbolizer> symbolizer = makeSymbolizer();
    monitor::symbolizeFindings(findings, *symbolizer);
  }
  return findings;
}

int shellStatus(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 1;
}

std::string renderReport(const std::string &format, const SessionRecord &rec,
                         const monitor::SessionModel &model,
                         const std::vector<monitor::Finding> &findings, bool nativeFrames) {
  if (format == "json") {
    monitor::RunInfo info;
    info.version = kVersion;
    info.command = rec.command;
    info.exitStatus = shellStatus(rec.rootWaitStatus);
    return monitor::renderJson(info, model, findings);
  }
  if (format == "sarif")
    return runReportSarif(findings, rec, model);
  return monitor::renderText(findings, false, true, nativeFrames);
}

namespace {

// Where an event happened in source: in Python code, the user's frame (see userPythonFrame);
// otherwise the first native frame with a file and line.
const monitor::Frame *firstSourceFrame(const monitor::FindingEvent &e, monitor::Frame &storage) {
  if (const monitor::PyFrame *py = monitor::userPythonFrame(e.stack)) {
    storage = monitor::Frame();
    storage.file = py->file;
    storage.line = py->line;
    storage.function = py->function;
    return &storage;
  }
  for (const monitor::Frame &fr : e.stack.frames)
    if (!fr.file.empty() && fr.line > 0)
      return &fr;
  return nullptr;
}

std::string hexString(uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
  return buf;
}

json frameLocation(const monitor::Frame &fr) {
  std::string text = hexString(fr.pc);
  if (!fr.function.empty())
    text += " in " + fr.function;
  if (!fr.module.empty())
    text += " (" + fr.module + "+" + hexString(fr.fileOffset) + ")";
  json loc = {{"message", {{"text", text}}}};
  if (!fr.file.empty())
    loc["physicalLocation"] = sarifPhysicalLocation(fr.file, fr.line, fr.column);
  if (!fr.function.empty())
    loc["logicalLocations"] =
        json::array({{{"fullyQualifiedName", fr.function}, {"kind", "function"}}});
  return loc;
}

} // namespace

std::string runReportSarif(const std::vector<monitor::Finding> &findings, const SessionRecord &rec,
                           const monitor::SessionModel &model) {
  std::string docsDir = rulesDocsDir();
  json rules = json::array();
  std::map<std::string, size_t> ruleIndex;
  auto addRule = [&](const std::string &id, const std::string &summary, const std::string &level) {
    if (ruleIndex.count(id))
      return;
    ruleIndex[id] = rules.size();
    rules.push_back(sarifRule(id, summary, docsDir, level));
  };
  // Every rule the runtime can report, so a clean run still documents what was checked.
  for (const monitor::Finding &f : findings)
    addRule(f.rule, "", f.severity == "error" ? "error" : "warning");
  for (const monitor::Detector &d : monitor::allDetectors())
    addRule(d.rule, "", "error");

  json results = json::array();
  std::map<std::string, int> seenPrints;
  for (const monitor::Finding &f : findings) {
    json res;
    res["ruleId"] = f.rule;
    res["ruleIndex"] = ruleIndex[f.rule];
    res["level"] = f.severity == "error" ? "error" : "warning";
    res["message"] = {{"text", f.message}};
    // Primary location: the first frame with source of the first event that has one.
    size_t primaryEvent = f.events.size();
    const monitor::Frame *primary = nullptr;
    monitor::Frame primaryStorage, storage;
    for (size_t i = 0; i < f.events.size() && !primary; ++i)
      if ((primary = firstSourceFrame(f.events[i], primaryStorage)))
        primaryEvent = i;
    json location;
    if (primary) {
      location["physicalLocation"] =
          sarifPhysicalLocation(primary->file, primary->line, primary->column);
      if (!primary->function.empty())
        location["logicalLocations"] =
            json::array({{{"fullyQualifiedName", primary->function}, {"kind", "function"}}});
    } else {
      // No symbolized frame: the program that misbehaved is the best place there is.
      std::string exe;
      for (int pid : f.processes)
        if (const monitor::Process *p = model.find(pid))
          if (!p->exe.empty()) {
            exe = p->exe;
            break;
          }
      if (exe.empty() && !rec.command.empty())
        exe = rec.command[0];
      location["physicalLocation"] = sarifPhysicalLocation(exe.empty() ? "/" : exe, 1, 0);
    }
    res["locations"] = json::array({location});
    json related = json::array();
    json stacks = json::array();
    for (size_t i = 0; i < f.events.size(); ++i) {
      const monitor::FindingEvent &e = f.events[i];
      const monitor::Frame *fr = firstSourceFrame(e, storage);
      if (fr && i != primaryEvent) {
        json loc = {{"id", (int)related.size()},
                    {"physicalLocation", sarifPhysicalLocation(fr->file, fr->line, fr->column)},
                    {"message", {{"text", e.what}}}};
        related.push_back(loc);
      }
      if (e.stack.frames.empty() && e.stack.python.empty())
        continue;
      // Innermost first, as the text shows them: the native frames above the interpreter (a C
      // extension, libc), the Python frames, then the interpreter's own.
      json frames = json::array();
      auto addNative = [&](const monitor::Frame &sf) {
        json jf = {{"location", frameLocation(sf)}};
        if (!sf.module.empty())
          jf["module"] = sf.module;
        if (e.tid > 0)
          jf["threadId"] = e.tid;
        frames.push_back(jf);
      };
      size_t above = 0;
      if (!e.stack.python.empty())
        while (above < e.stack.frames.size() && !e.stack.frames[above].interpreter)
          ++above;
      if (above == e.stack.frames.size() && !e.stack.python.empty())
        above = 0; // no interpreter frame found: the Python frames come first
      for (size_t k = 0; k < above; ++k)
        addNative(e.stack.frames[k]);
      for (const monitor::PyFrame &pf : e.stack.python) {
        json loc = {{"message", {{"text", pf.function}}},
                    {"physicalLocation", sarifPhysicalLocation(pf.file, pf.line, 0)},
                    {"logicalLocations",
                     json::array({{{"fullyQualifiedName", pf.function}, {"kind", "function"}}})}};
        json jf = {{"location", loc}};
        if (e.tid > 0)
          jf["threadId"] = e.tid;
        frames.push_back(jf);
      }
      for (size_t k = above; k < e.stack.frames.size(); ++k)
        addNative(e.stack.frames[k]);
      stacks.push_back({{"message", {{"text", e.what}}}, {"frames", frames}});
    }
    if (!related.empty())
      res["relatedLocations"] = related;
    if (!stacks.empty())
      res["stacks"] = stacks;
    // Stable across runs (pids and addresses change): the rule and where in the code it was.
    std::string key = f.rule;
    if (primary)
      key += "\n" + primary->file + "\n" + primary->function;
    for (const monitor::FindingEvent &e : f.events) {
      for (size_t k = 0; k < e.stack.python.size() && k < 3; ++k)
        key += "\n" + e.stack.python[k].function;
      for (size_t k = 0; k < e.stack.frames.size() && k < 3; ++k)
        key += "\n" + e.stack.frames[k].function;
    }
    int occurrence = ++seenPrints[key];
    res["partialFingerprints"] = {
        {"procsanStackHash/v1", fingerprintHash(key) + ":" + std::to_string(occurrence)}};
    std::vector<int> pids;
    for (int pid : f.processes)
      pids.push_back(monitor::osPid(pid));
    res["properties"] = {{"processes", pids}};
    results.push_back(res);
  }
  json invocation = {{"executionSuccessful", true}};
  std::string commandLine;
  for (const std::string &a : rec.command)
    commandLine += (commandLine.empty() ? "" : " ") + a;
  if (!commandLine.empty())
    invocation["commandLine"] = commandLine;
  invocation["exitCode"] = shellStatus(rec.rootWaitStatus);
  return sarifLog(docsDir, std::move(rules), std::move(results), std::move(invocation));
}

} // namespace tools
} // namespace procsan
