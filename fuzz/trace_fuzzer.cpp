// Fuzz target: a session directory written by a hostile or broken program, through everything
// that consumes it (trace reader, session model, detectors, hang diagnosis, text and JSON
// reports). Input: 8 control bytes (the root's wait status, flags), then log files separated by
// kSeparator; each becomes SESSION/p<N>.log. Seeds are real logs from `procsan run
// --keep-session` (see fuzz/README.md).
#include "FuzzSupport.h"

#include "monitor/detectors.h"
#include "monitor/hang.h"
#include "monitor/model.h"
#include "monitor/report.h"
#include "trace/reader.h"

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <set>
#include <unistd.h>

using namespace procsan;

namespace {

const char kSeparator[] = "\n--procsan-log--\n";

enum Flags : uint32_t {
  ReapOthers = 1,   // the monitor reaped every process the logs name but no one waited for
  StillRunning = 2, // traced processes without an exit were alive at the end
  KillAll = 4,      // procsan killed the tree (--on-hang=kill)
  Hang = 8,         // diagnose a hang over a tree made from the model
};

void writeFile(const std::string &path, const uint8_t *data, size_t size) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  FUZZ_CHECK(fd >= 0, "cannot create %s", path.c_str());
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    FUZZ_CHECK(n > 0, "cannot write %s", path.c_str());
    data += n;
    size -= (size_t)n;
  }
  close(fd);
}

void checkLog(const trace::DecodedLog &log, const uint8_t *data, size_t size) {
  for (const trace::DecodedRecord &r : log.records) {
    FUZZ_CHECK(r.kind != trace::EvNone && r.kind < trace::EvKindCount, "kind %u", r.kind);
    FUZZ_CHECK(r.frames.size() <= trace::kMaxFrames, "%zu frames", r.frames.size());
    FUZZ_CHECK(r.text.size() <= trace::kTextSize, "text of %zu bytes", r.text.size());
  }
  FUZZ_CHECK(log.held.size() <= trace::kMaxHeld, "%zu held", log.held.size());
  // The file reader and the in-memory decoder agree.
  trace::DecodedLog direct;
  std::string error;
  FUZZ_CHECK(trace::decodeLog(data, size, direct, error), "file decoded, bytes not: %s",
             error.c_str());
  FUZZ_CHECK(direct.records.size() == log.records.size() && direct.skipped == log.skipped,
             "%zu/%llu records from the file, %zu/%llu from the bytes", log.records.size(),
             (unsigned long long)log.skipped, direct.records.size(),
             (unsigned long long)direct.skipped);
}

// A /proc view of the tree as the model describes it: every process that has not ended is
// blocked, each thread where its log last said it would block, the others in wait4.
monitor::TreeSnapshot treeFrom(const monitor::SessionModel &model) {
  monitor::TreeSnapshot tree;
  for (const auto &entry : model.processes()) {
    const monitor::Process &p = entry.second;
    if (p.exit.known || tree.processes.size() >= 64)
      continue;
    monitor::ProcessSnapshot ps;
    ps.pid = p.pid;
    ps.ppid = p.ppid;
    ps.state = 'S';
    ps.comm = p.exe.substr(0, 15);
    std::set<int> tids;
    for (const monitor::LockBlock &b : p.lockBlocks)
      if (tids.insert(b.tid).second && tids.size() < 16) {
        monitor::ThreadSnapshot t;
        t.tid = b.tid;
        t.state = 'S';
        t.syscall = 202; // futex
        ps.threads.push_back(t);
      }
    monitor::ThreadSnapshot main;
    main.tid = p.pid;
    main.state = 'S';
    main.syscall = 61; // wait4
    main.args[0] = (uint64_t)-1;
    ps.threads.push_back(main);
    tree.processes[p.pid] = std::move(ps);
  }
  return tree;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 8)
    return 0;
  fuzz::Bytes control(data, 8);
  int rootStatus = (int)control.u32();
  uint32_t flags = control.u32();
  data += 8;
  size -= 8;

  const std::string &dir = fuzz::scratchDir();
  fuzz::clearScratch();
  std::vector<std::pair<const uint8_t *, size_t>> chunks;
  const size_t sepLen = sizeof(kSeparator) - 1;
  size_t start = 0;
  for (size_t i = 0; i + sepLen <= size && chunks.size() < 32; ++i) {
    if (std::memcmp(data + i, kSeparator, sepLen) == 0) {
      chunks.push_back({data + start, i - start});
      start = i + sepLen;
      i = start - 1;
    }
  }
  chunks.push_back({data + start, size - start});
  for (size_t i = 0; i < chunks.size(); ++i)
    writeFile(dir + "/p" + std::to_string(i) + ".log", chunks[i].first, chunks[i].second);

  std::vector<std::string> errors;
  std::vector<trace::DecodedLog> logs = trace::readSession(dir, errors);
  FUZZ_CHECK(logs.size() + errors.size() == chunks.size(), "%zu logs, %zu errors, %zu files",
             logs.size(), errors.size(), chunks.size());
  for (const trace::DecodedLog &log : logs) {
    size_t index = std::stoul(log.path.substr(dir.size() + 2));
    checkLog(log, chunks[index].first, chunks[index].second);
  }

  monitor::SessionModel model;
  model.addLogs(logs);
  int root = logs.empty() ? 1 : logs.front().pid;
  std::vector<int> pids;
  for (const auto &entry : model.processes())
    pids.push_back(entry.first);
  for (int pid : pids) {
    const monitor::Process *p = model.find(pid);
    if (pid == root || p->exit.known)
      continue;
    if ((flags & StillRunning) && p->traced)
      model.noteStillRunning(pid);
    else if (flags & ReapOthers)
      model.noteReapedByMonitor(pid, rootStatus);
    if (flags & KillAll)
      model.noteKilledByMonitor(pid, 9);
  }

  std::vector<monitor::Finding> findings;
  if (flags & Hang) {
    monitor::SessionModel live = model;
    live.finish();
    findings = monitor::diagnoseHang(treeFrom(live), live, 10.0);
  }
  model.setRoot(root, rootStatus);
  model.finish();
  for (const monitor::Detector &d : monitor::allDetectors())
    d.run(model, findings);

  std::string text = monitor::renderText(findings, flags & 16, true);
  for (const monitor::Finding &f : findings)
    FUZZ_CHECK(text.find(f.rule) != std::string::npos, "rule %s not in the text", f.rule.c_str());
  monitor::RunInfo info;
  info.version = "fuzz";
  info.command = {"prog"};
  std::string json = monitor::renderJson(info, model, findings);
  auto doc = nlohmann::json::parse(json, nullptr, false);
  FUZZ_CHECK(!doc.is_discarded(), "the JSON report does not parse");
  FUZZ_CHECK(doc.at("processes").size() == model.processes().size() &&
                 doc.at("findings").size() == findings.size(),
             "JSON report lost processes or findings");
  return 0;
}
