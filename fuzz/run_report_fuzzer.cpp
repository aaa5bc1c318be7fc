// Fuzz target: the runtime's report writers as a round trip. Random processes and findings
// (strings of any bytes) are rendered by renderJson and parsed back with nlohmann-json: every
// field must come back the same (strings that are not UTF-8 come back as valid UTF-8 with
// replacement characters, since JSON cannot carry them); renderText must name every finding.
#include "FuzzSupport.h"

#include "monitor/model.h"
#include "monitor/report.h"

#include <algorithm>
#include <cinttypes>
#include <nlohmann/json.hpp>

using namespace procsan;
using json = nlohmann::json;

namespace {

void sameString(const json &j, const std::string &want, const char *what) {
  FUZZ_CHECK(j.is_string(), "%s is not a string", what);
  const std::string &got = j.get_ref<const std::string &>();
  if (fuzz::validUtf8(want))
    FUZZ_CHECK(got == want, "%s changed", what);
  else
    FUZZ_CHECK(fuzz::validUtf8(got) && !got.empty(), "%s: bad replacement", what);
}

std::string hex(uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
  return buf;
}

} // namespace

static int checkOne(const uint8_t *data, size_t size) {
  fuzz::Bytes in(data, size);
  monitor::SessionModel model;
  monitor::RunInfo run;
  run.version = in.str(8);
  for (int n = in.u8() % 4; n > 0; --n)
    run.command.push_back(in.str());
  run.exitStatus = (int)in.u32();
  for (int n = in.u8() % 8; n > 0; --n) {
    int pid = (int)in.u32();
    monitor::Process &p = model.processes()[pid];
    p.pid = pid;
    p.ppid = (int)in.u32();
    p.exe = in.str();
    for (int a = in.u8() % 4; a > 0; --a)
      p.argv.push_back(in.str());
    p.traced = in.flag();
    p.startNs = in.u64();
    p.endNs = in.u64();
    p.exit = monitor::ExitInfo::fromWaitStatus((int)in.u32());
    p.reapedBy = (int)in.u32();
    p.eventsDropped = in.u64();
  }
  std::vector<monitor::Finding> findings;
  for (int n = in.u8() % 4; n > 0; --n) {
    monitor::Finding f;
    f.rule = in.str(24);
    f.severity = in.flag() ? "error" : "warning";
    f.message = in.str(200);
    for (int k = in.u8() % 4; k > 0; --k)
      f.processes.push_back((int)in.u32());
    for (int k = in.u8() % 3; k > 0; --k) {
      monitor::FindingEvent e;
      e.pid = (int)in.u32();
      e.tid = (int)in.u32();
      e.what = in.str(100);
      for (int m = in.u8() % 4; m > 0; --m) {
        monitor::Frame fr;
        fr.pc = in.u64();
        fr.module = in.str();
        fr.fileOffset = in.u64();
        fr.function = in.str();
        fr.file = in.str();
        fr.line = (int)in.u32();
        e.stack.frames.push_back(fr);
      }
      f.events.push_back(std::move(e));
    }
    findings.push_back(std::move(f));
  }

  std::string text = monitor::renderText(findings, in.flag(), true);
  for (const monitor::Finding &f : findings)
    FUZZ_CHECK(text.find("[" + f.rule + "]") != std::string::npos, "rule missing from the text");

  json doc = json::parse(monitor::renderJson(run, model, findings), nullptr, false);
  FUZZ_CHECK(!doc.is_discarded(), "the JSON report does not parse");
  FUZZ_CHECK(doc.at("tool") == "procsan", "tool");
  sameString(doc.at("version"), run.version, "version");
  FUZZ_CHECK(doc.at("command").size() == run.command.size(), "command");
  for (size_t i = 0; i < run.command.size(); ++i)
    sameString(doc.at("command")[i], run.command[i], "command word");
  FUZZ_CHECK(doc.at("exit_status") == run.exitStatus, "exit_status");

  const json &procs = doc.at("processes");
  FUZZ_CHECK(procs.size() == model.processes().size(), "process count");
  // Listed by OS pid, then in the order of the processes that had one pid.
  std::vector<const monitor::Process *> order;
  for (const auto &entry : model.processes())
    order.push_back(&entry.second);
  std::stable_sort(order.begin(), order.end(),
                   [](const monitor::Process *a, const monitor::Process *b) {
                     return monitor::osPid(a->pid) != monitor::osPid(b->pid)
                                ? monitor::osPid(a->pid) < monitor::osPid(b->pid)
                                : a->incarnation < b->incarnation;
                   });
  size_t i = 0;
  for (const monitor::Process *pp : order) {
    const monitor::Process &p = *pp;
    const json &jp = procs[i++];
    FUZZ_CHECK(jp.at("pid") == monitor::osPid(p.pid) && jp.at("ppid") == monitor::osPid(p.ppid) &&
                   jp.at("traced") == p.traced,
               "ids");
    sameString(jp.at("exe"), p.exe, "exe");
    FUZZ_CHECK(jp.at("argv").size() == p.argv.size(), "argv");
    for (size_t a = 0; a < p.argv.size(); ++a)
      sameString(jp.at("argv")[a], p.argv[a], "argv word");
    FUZZ_CHECK(jp.at("start_us") == p.startNs / 1000 && jp.at("end_us") == p.endNs / 1000, "times");
    if (!p.exit.known)
      FUZZ_CHECK(jp.at("exit").is_null(), "unknown exit");
    else if (p.exit.signaled)
      FUZZ_CHECK(jp.at("exit").at("signal") == monitor::signalName(p.exit.signal), "signal");
    else
      FUZZ_CHECK(jp.at("exit").at("code") == p.exit.code, "exit code");
    if (p.reapedBy > 0)
      FUZZ_CHECK(jp.at("reaped_by") == monitor::osPid(p.reapedBy), "reaped_by");
    else if (p.reapedBy == monitor::kReapedByMonitor)
      FUZZ_CHECK(jp.at("reaped_by") == "procsan", "reaped by procsan");
    else
      FUZZ_CHECK(jp.at("reaped_by").is_null(), "reaped by nobody");
    if (p.eventsDropped)
      FUZZ_CHECK(jp.at("events_dropped") == p.eventsDropped, "events_dropped");
    else
      FUZZ_CHECK(!jp.contains("events_dropped"), "events_dropped without drops");
  }

  const json &jf = doc.at("findings");
  FUZZ_CHECK(jf.size() == findings.size(), "finding count");
  for (size_t k = 0; k < findings.size(); ++k) {
    const monitor::Finding &f = findings[k];
    const json &j = jf[k];
    sameString(j.at("rule"), f.rule, "rule");
    FUZZ_CHECK(j.at("severity") == f.severity, "severity");
    sameString(j.at("message"), f.message, "message");
    std::vector<int> pids;
    for (int pid : f.processes)
      pids.push_back(monitor::osPid(pid));
    FUZZ_CHECK(j.at("processes") == json(pids), "processes");
    FUZZ_CHECK(j.at("events").size() == f.events.size(), "event count");
    for (size_t e = 0; e < f.events.size(); ++e) {
      const monitor::FindingEvent &ev = f.events[e];
      const json &je = j.at("events")[e];
      FUZZ_CHECK(je.at("pid") == monitor::osPid(ev.pid) && je.at("tid") == ev.tid, "event ids");
      sameString(je.at("what"), ev.what, "what");
      FUZZ_CHECK(je.at("stack").size() == ev.stack.frames.size(), "frame count");
      for (size_t m = 0; m < ev.stack.frames.size(); ++m) {
        const monitor::Frame &fr = ev.stack.frames[m];
        const json &jfr = je.at("stack")[m];
        FUZZ_CHECK(jfr.at("pc") == hex(fr.pc) && jfr.at("module_offset") == hex(fr.fileOffset),
                   "pc");
        FUZZ_CHECK(jfr.at("line") == fr.line, "line");
        sameString(jfr.at("function"), fr.function, "function");
        sameString(jfr.at("file"), fr.file, "file");
        sameString(jfr.at("module"), fr.module, "module");
      }
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  try {
    return checkOne(data, size);
  } catch (const std::exception &e) { // a missing key or a wrong type in what was read back
    FUZZ_CHECK(false, "the report read back is not what was written: %s", e.what());
  }
  return 0;
}
