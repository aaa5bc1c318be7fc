#include "monitor/report.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

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

std::string renderPyFrame(const PyFrame &f) {
  return "    File \"" + f.file + "\", line " + std::to_string(f.line) + ", in " + f.function +
         "\n";
}

} // namespace

std::string renderStack(const Stack &st, bool nativeFrames) {
  std::string out;
  if (st.python.empty()) {
    for (size_t k = 0; k < st.frames.size(); ++k)
      out += renderFrame(k, st.frames[k]);
    if (!st.pythonNote.empty())
      out += "    (" + st.pythonNote + ")\n";
    return out;
  }
  // With the native frames asked for and matched with the Python ones (linkPythonFrames), each
  // Python frame follows the native frame of the eval loop call that runs it, as pystack shows
  // them; Python frames past the recorded native ones follow them.
  const bool linked = std::any_of(st.python.begin(), st.python.end(),
                                  [](const PyFrame &f) { return f.nativeFrame >= 0; });
  if (nativeFrames && linked) {
    for (size_t k = 0; k < st.frames.size(); ++k) {
      out += renderFrame(k, st.frames[k]);
      for (const PyFrame &f : st.python)
        if (f.nativeFrame == (int)k)
          out += renderPyFrame(f);
    }
    for (const PyFrame &f : st.python)
      if (f.nativeFrame < 0 || f.nativeFrame >= (int)st.frames.size())
        out += renderPyFrame(f);
    if (st.pythonCut)
      out += "    ... " + std::to_string(st.pythonCut) + (st.pythonCutAtLeast ? " or more" : "") +
             " outer Python frames not recorded\n";
    return out;
  }
  // A Python stack: the native frames above the interpreter (the C code that was running: a C
  // extension, libc), then the Python frames, innermost first. The interpreter's own frames and
  // what called it are folded away unless asked for; then they follow the Python frames (when
  // the two cannot be matched).
  size_t shown = 0;
  if (!nativeFrames)
    while (shown < st.frames.size() && !st.frames[shown].interpreter)
      ++shown;
  if (shown == st.frames.size() && !nativeFrames)
    shown = 0; // the interpreter was not found among them: the Python frames say it all
  for (size_t k = 0; k < shown; ++k)
    out += renderFrame(k, st.frames[k]);
  for (const PyFrame &f : st.python)
    out += renderPyFrame(f);
  if (st.pythonCut)
    out += "    ... " + std::to_string(st.pythonCut) + (st.pythonCutAtLeast ? " or more" : "") +
           " outer Python frames not recorded\n";
  if (nativeFrames) {
    out += "    native frames:\n";
    for (size_t k = 0; k < st.frames.size(); ++k)
      out += renderFrame(k, st.frames[k]);
  } else if (st.frames.size() > shown) {
    out += "    (" + std::to_string(st.frames.size() - shown) +
           " native frames of the interpreter folded; --native-frames shows them)\n";
  }
  return out;
}

namespace {

// Lower is more urgent: a stuck tree first, then lost work, then hygiene.
int rulePriority(const std::string &rule) {
  static const char *const order[] = {"mp-deadlock",           "mp-dead-owner",
                                      "mp-pipe-self-hold",     "mp-join-before-drain",
                                      "mp-fork-bomb",          "mp-lost-crash",
                                      "mp-lock-held-at-exit",  "mp-lock-order-inversion",
                                      "mp-unreaped-child",     "mp-fork-with-threads",
                                      "mp-fork-pending-stdio", "mp-leaked-ipc"};
  for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); ++i)
    if (rule == order[i])
      return (int)i;
  return (int)(sizeof(order) / sizeof(order[0]));
}

} // namespace

void sortFindings(std::vector<Finding> &findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding &a, const Finding &b) {
    bool ae = a.severity == "error", be = b.severity == "error";
    if (ae != be)
      return ae;
    int pa = rulePriority(a.rule), pb = rulePriority(b.rule);
    if (pa != pb)
      return pa < pb;
    return pa == rulePriority("") && a.rule < b.rule;
  });
}

std::string summaryLine(const std::vector<Finding> &findings) {
  if (findings.empty())
    return "";
  std::vector<std::pair<std::string, int>> counts; // in report order
  for (const Finding &f : findings) {
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const std::pair<std::string, int> &c) { return c.first == f.rule; });
    if (it == counts.end())
      counts.push_back({f.rule, 1});
    else
      ++it->second;
  }
  std::string out = "procsan: " + std::to_string(findings.size()) +
                    (findings.size() == 1 ? " finding" : " findings");
  if (counts.size() > 1) {
    out += " (";
    for (size_t i = 0; i < counts.size(); ++i)
      out += (i ? ", " : "") + std::to_string(counts[i].second) + " " + counts[i].first;
    out += ")";
  }
  return out + "\n";
}

namespace {

constexpr size_t kSummaryTableAbove = 5;

// Where a finding happened, for grouping repeats in the text: the rule and every event's stack
// (by symbol and line where known, else by module and offset, which stay the same across the
// processes of one program while addresses may not). Findings without stacks never group.
std::string placeKey(const Finding &f) {
  std::string key = f.rule;
  bool anyFrame = false;
  for (const FindingEvent &e : f.events) {
    key += "|";
    // Python code: its frames tell places apart (the interpreter's native frames do not).
    for (const PyFrame &py : e.stack.python) {
      anyFrame = true;
      key += py.function + "@" + py.file + ":" + std::to_string(py.line) + ";";
    }
    for (const Frame &fr : e.stack.frames) {
      anyFrame = true;
      if (!fr.function.empty() || !fr.file.empty())
        key += fr.function + "@" + fr.file + ":" + std::to_string(fr.line) + ";";
      else
        key += fr.module + "+" + hex(fr.fileOffset) + ";";
    }
  }
  return anyFrame ? key : std::string();
}

} // namespace

std::string renderText(const std::vector<Finding> &findings, bool color, bool summary,
                       bool nativeFrames) {
  const char *bold = color ? "\033[1m" : "";
  const char *red = color ? "\033[1;31m" : "";
  const char *reset = color ? "\033[0m" : "";
  // A finding repeated at the same place (the same worker code in 40 processes) is shown once,
  // with how many times and in which processes it happened; the JSON keeps every occurrence.
  std::vector<std::string> keys(findings.size());
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < findings.size(); ++i) {
    keys[i] = placeKey(findings[i]);
    if (!keys[i].empty())
      groups[keys[i]].push_back(i);
  }
  std::string out;
  // Many findings: a table first, so the report can be scanned before it is read.
  if (findings.size() > kSummaryTableAbove) {
    std::vector<std::pair<std::string, std::pair<size_t, std::set<std::string>>>> rows;
    for (size_t i = 0; i < findings.size(); ++i) {
      auto it = std::find_if(rows.begin(), rows.end(),
                             [&](const auto &r) { return r.first == findings[i].rule; });
      if (it == rows.end()) {
        rows.push_back({findings[i].rule, {0, {}}});
        it = rows.end() - 1;
      }
      ++it->second.first;
      it->second.second.insert(keys[i].empty() ? std::to_string(i) : keys[i]);
    }
    out += std::string(bold) + "procsan: " + std::to_string(findings.size()) +
           " findings; by rule:" + reset + "\n";
    for (const auto &r : rows) {
      char line[160];
      size_t places = r.second.second.size();
      snprintf(line, sizeof(line), "  %-26s %5zu  (%zu place%s)\n", r.first.c_str(), r.second.first,
               places, places == 1 ? "" : "s");
      out += line;
    }
  }
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding &f = findings[i];
    const std::vector<size_t> *group = nullptr;
    if (!keys[i].empty()) {
      group = &groups[keys[i]];
      if (group->front() != i)
        continue; // shown with the first of its group
    }
    out += std::string(bold) + "procsan: " + red + f.severity + ": " + reset + bold + f.message +
           " [" + f.rule + "]" + reset + "\n";
    for (const FindingEvent &e : f.events) {
      out += "  " + e.what + "\n";
      out += renderStack(e.stack, nativeFrames);
    }
    if (group && group->size() > 1) {
      std::set<int> pids;
      for (size_t g : *group)
        pids.insert(findings[g].processes.begin(), findings[g].processes.end());
      std::string list;
      size_t shown = 0;
      for (int pid : pids) {
        if (shown++ == 8) {
          list += ", ...";
          break;
        }
        list += (list.empty() ? "" : ", ") + std::to_string(osPid(pid));
      }
      out += "  (" + std::to_string(group->size()) +
             " times at the same place in all, in processes " + list +
             "; the JSON report lists each)\n";
    }
  }
  if (summary)
    out += summaryLine(findings);
  return out;
}

nlohmann::ordered_json findingToJson(const Finding &f) {
  using json = nlohmann::ordered_json;
  json j;
  j["rule"] = f.rule;
  j["severity"] = f.severity;
  j["message"] = f.message;
  json pids = json::array();
  for (int pid : f.processes)
    pids.push_back(osPid(pid));
  j["processes"] = std::move(pids);
  json events = json::array();
  for (const FindingEvent &e : f.events) {
    json je;
    je["pid"] = osPid(e.pid);
    je["tid"] = e.tid;
    je["what"] = e.what;
    json stack = json::array();
    for (const Frame &fr : e.stack.frames) {
      json jfr;
      jfr["pc"] = hex(fr.pc);
      jfr["function"] = fr.function;
      jfr["file"] = fr.file;
      jfr["line"] = fr.line;
      if (fr.column)
        jfr["column"] = fr.column;
      jfr["module"] = fr.module;
      jfr["module_offset"] = hex(fr.fileOffset);
      if (fr.interpreter)
        jfr["interpreter"] = true;
      stack.push_back(std::move(jfr));
    }
    je["stack"] = std::move(stack);
    if (!e.stack.python.empty()) {
      json py = json::array();
      for (const PyFrame &pf : e.stack.python) {
        json jpf = {{"file", pf.file}, {"line", pf.line}, {"function", pf.function}};
        if (pf.nativeFrame >= 0) // the index in "stack" of the eval loop call running it
          jpf["native_frame"] = pf.nativeFrame;
        py.push_back(std::move(jpf));
      }
      je["python_stack"] = std::move(py);
      if (e.stack.pythonCut)
        je["python_frames_cut"] = e.stack.pythonCut;
    }
    if (!e.stack.pythonNote.empty())
      je["python_note"] = e.stack.pythonNote;
    events.push_back(std::move(je));
  }
  j["events"] = std::move(events);
  return j;
}

namespace {

uint64_t parseHexString(const nlohmann::ordered_json &v) {
  if (!v.is_string())
    return 0;
  return std::strtoull(v.get<std::string>().c_str(), nullptr, 16);
}

std::string stringOr(const nlohmann::ordered_json &j, const char *key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int intOr(const nlohmann::ordered_json &j, const char *key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
}

} // namespace

bool findingFromJson(const nlohmann::ordered_json &j, Finding &f) {
  if (!j.is_object() || !j.contains("rule") || !j["rule"].is_string())
    return false;
  f.rule = stringOr(j, "rule");
  f.severity = stringOr(j, "severity");
  if (f.severity.empty())
    f.severity = "error";
  f.message = stringOr(j, "message");
  if (j.contains("processes") && j["processes"].is_array())
    for (const auto &p : j["processes"])
      if (p.is_number_integer())
        f.processes.push_back(p.get<int>());
  if (j.contains("events") && j["events"].is_array()) {
    for (const auto &je : j["events"]) {
      if (!je.is_object())
        continue;
      FindingEvent e;
      e.pid = intOr(je, "pid");
      e.tid = intOr(je, "tid");
      e.what = stringOr(je, "what");
      if (je.contains("stack") && je["stack"].is_array()) {
        for (const auto &jfr : je["stack"]) {
          if (!jfr.is_object())
            continue;
          Frame fr;
          fr.pc = parseHexString(jfr.contains("pc") ? jfr["pc"] : nlohmann::ordered_json());
          fr.function = stringOr(jfr, "function");
          fr.file = stringOr(jfr, "file");
          fr.line = intOr(jfr, "line");
          fr.column = intOr(jfr, "column");
          fr.module = stringOr(jfr, "module");
          fr.interpreter = jfr.contains("interpreter") && jfr["interpreter"].is_boolean() &&
                           jfr["interpreter"].get<bool>();
          fr.fileOffset = parseHexString(jfr.contains("module_offset") ? jfr["module_offset"]
                                                                       : nlohmann::ordered_json());
          e.stack.frames.push_back(std::move(fr));
        }
      }
      if (je.contains("python_stack") && je["python_stack"].is_array()) {
        for (const auto &jpf : je["python_stack"]) {
          if (!jpf.is_object())
            continue;
          PyFrame pf;
          pf.file = stringOr(jpf, "file");
          pf.function = stringOr(jpf, "function");
          pf.line = intOr(jpf, "line");
          if (jpf.contains("native_frame") && jpf["native_frame"].is_number_integer()) {
            const int64_t k = jpf["native_frame"].get<int64_t>();
            pf.nativeFrame = k >= 0 && k < (int64_t)e.stack.frames.size() ? (int)k : -1;
          }
          e.stack.python.push_back(std::move(pf));
        }
      }
      if (je.contains("python_frames_cut") && je["python_frames_cut"].is_number_unsigned())
        e.stack.pythonCut = je["python_frames_cut"].get<size_t>();
      e.stack.pythonNote = stringOr(je, "python_note");
      f.events.push_back(std::move(e));
    }
  }
  return true;
}

std::string renderJson(const RunInfo &run, const SessionModel &model,
                       const std::vector<Finding> &findings) {
  using json = nlohmann::ordered_json;
  json doc;
  doc["tool"] = "procsan";
  doc["version"] = run.version;
  doc["command"] = run.command;
  doc["exit_status"] = run.exitStatus;
  // The processes are written into the document one by one as they are made (a run of 100,000
  // processes would hold a large document twice otherwise): the rest is dumped around an empty
  // list first. Invalid UTF-8 from a program's argv must not abort the report.
  doc["processes"] = json::array();
  json jf = json::array();
  for (const Finding &f : findings)
    jf.push_back(findingToJson(f));
  doc["findings"] = std::move(jf);
  std::string out = doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  const std::string empty = "\"processes\": []";
  // The first key with that name is the document's own (the findings come after it).
  size_t at = out.find(empty) + empty.size() - 2;
  std::string tail = out.substr(at + 2);
  out.resize(at);
  bool first = true;
  // By pid, then in the order the processes that had one pid had it. Such a process says which
  // it was ("incarnation": 0 for the first), and so do references to one ("ppid_incarnation",
  // "reaped_by_incarnation", the sender's "incarnation").
  std::vector<const Process *> order;
  for (const auto &entry : model.processes())
    order.push_back(&entry.second);
  std::stable_sort(order.begin(), order.end(), [](const Process *a, const Process *b) {
    return osPid(a->pid) != osPid(b->pid) ? osPid(a->pid) < osPid(b->pid)
                                          : a->incarnation < b->incarnation;
  });
  auto incarnationOf = [&](int id) {
    const Process *q = model.find(id);
    return q && q->incarnations > 1 ? q->incarnation : -1;
  };
  for (const Process *pp : order) {
    const Process &p = *pp;
    json jp;
    jp["pid"] = osPid(p.pid);
    if (p.incarnations > 1)
      jp["incarnation"] = p.incarnation;
    jp["ppid"] = osPid(p.ppid);
    if (int k = incarnationOf(p.ppid); k >= 0)
      jp["ppid_incarnation"] = k;
    jp["exe"] = p.exe;
    jp["argv"] = p.argv;
    jp["traced"] = p.traced;
    jp["start_us"] = p.startNs / 1000;
    jp["end_us"] = p.endNs / 1000;
    if (p.exit.known) {
      if (p.exit.signaled) {
        jp["exit"] = {{"signal", signalName(p.exit.signal)}};
        if (p.killedBy.known) {
          json sender = {{"call", p.killedBy.call()}};
          sender["pid"] =
              p.killedBy.pid == kMonitorPid ? json("procsan") : json(osPid(p.killedBy.pid));
          if (int k = incarnationOf(p.killedBy.pid); k >= 0)
            sender["incarnation"] = k;
          if (const Process *k = model.find(p.killedBy.pid))
            sender["argv"] = k->argv;
          jp["exit"]["sender"] = std::move(sender);
        }
      } else
        jp["exit"] = {{"code", p.exit.code}};
    } else {
      jp["exit"] = nullptr;
    }
    if (p.reapedBy > 0) {
      jp["reaped_by"] = osPid(p.reapedBy);
      if (int k = incarnationOf(p.reapedBy); k >= 0)
        jp["reaped_by_incarnation"] = k;
    } else if (p.reapedBy == kReapedByMonitor)
      jp["reaped_by"] = "procsan";
    else
      jp["reaped_by"] = nullptr;
    if (p.eventsDropped)
      jp["events_dropped"] = p.eventsDropped;
    if (p.traced) {
      // Threads the process started with pthread_create, and those still running when it ended
      // (or when the report was made, for a process that outlived the run).
      jp["threads_created"] = p.threadsCreated;
      jp["threads_live"] = p.threadsLive;
    }
    std::string one = jp.dump(2, ' ', false, json::error_handler_t::replace);
    out += first ? "[\n    " : ",\n    ";
    first = false;
    for (char c : one) {
      out += c;
      if (c == '\n')
        out += "    ";
    }
  }
  out += first ? "[]" : "\n  ]";
  out += tail;
  return out;
}

} // namespace monitor
} // namespace procsan
