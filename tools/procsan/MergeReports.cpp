// procsan report --merge A.json B.json ...: the JSON reports of several `procsan check --shard`
// runs (or of runs over parts of one database) as one report, in the database's order, with the
// findings two runs both made (a header's finding, seen by a file of each shard) once. Or the
// JSON reports of several `procsan run`s (one test suite on several machines): their findings
// once each, whatever machine and pids they came with. The two kinds do not mix: a check
// finding is a place in the source, a run finding is processes and stacks.
#include "Commands.h"
#include "RunReport.h"
#include "Sarif.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace procsan {
namespace tools {
namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string output;
};

void mergeUsage(FILE *to) {
  std::fprintf(
      to, "usage: procsan report --merge REPORT.json... [OPTIONS]\n"
          "  REPORT.json              `procsan check --format=json` reports (of --shard runs),\n"
          "                           or `procsan run --format=json` reports (not both kinds)\n"
          "  --format=text|json|sarif format of the merged report (default text)\n"
          "  --output=FILE            write it to FILE (default: standard output)\n"
          "  --help, -h               this text\n"
          "exit status: 0 no findings, 1 findings, 2 bad usage or an unreadable report\n");
}

bool parseMerge(const std::vector<std::string> &args, MergeOptions &o, std::string &error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    auto value = [&](const char *name, std::string &out) {
      return optionValue(args, i, name, out);
    };
    std::string v;
    if (a == "--merge") {
      continue;
    } else if (value("--format", v)) {
      if (!reportFormat(v, o.format, error))
        return false;
    } else if (value("--output", v)) {
      o.output = v;
    } else if (a == "--help" || a == "-h") {
      mergeUsage(stdout);
      std::exit(0);
    } else if (!a.empty() && a[0] == '-') {
      error = "unknown option '" + a + "'";
      return false;
    } else {
      o.inputs.push_back(a);
    }
  }
  if (o.inputs.empty())
    error = "--merge needs at least one report";
  return error.empty();
}

// A field of an untrusted document, or a default.
template <typename T> T field(const json &j, const char *key, T fallback) {
  if (!j.is_object() || !j.contains(key))
    return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const json::exception &) {
    return fallback;
  }
}

std::string locationText(const json &loc) {
  return field<std::string>(loc, "file", "?") + ":" +
         std::to_string(field<unsigned>(loc, "line", 0)) + ":" +
         std::to_string(field<unsigned>(loc, "column", 0));
}

json sarifLocationOf(const json &loc) {
  unsigned line = field<unsigned>(loc, "line", 0);
  return json{{"physicalLocation",
               sarifPhysicalLocation(field<std::string>(loc, "file", ""), line ? (int)line : 1,
                                     (int)field<unsigned>(loc, "column", 0))}};
}

std::string renderSarif(const json &files, const json &findings) {
  std::string docs = rulesDocsDir();
  json rules = json::array(), results = json::array();
  std::map<std::string, size_t> ruleIndex;
  std::map<std::string, int> seenPrints;
  for (const json &f : findings) {
    std::string rule = field<std::string>(f, "rule", "");
    if (!ruleIndex.count(rule)) {
      ruleIndex[rule] = rules.size();
      rules.push_back(sarifRule(rule, "", docs, "warning"));
    }
    json res;
    res["ruleId"] = rule;
    res["ruleIndex"] = ruleIndex[rule];
    res["level"] = field<std::string>(f, "severity", "warning");
    res["message"] = {{"text", field<std::string>(f, "message", "")}};
    json loc = f.contains("location") ? f["location"] : json::object();
    res["locations"] = json::array({sarifLocationOf(loc)});
    json related = json::array();
    int id = 0;
    if (f.contains("notes") && f["notes"].is_array())
      for (const json &n : f["notes"]) {
        json l = sarifLocationOf(n.contains("location") ? n["location"] : json::object());
        l["id"] = id++;
        l["message"] = {{"text", field<std::string>(n, "message", "")}};
        related.push_back(l);
      }
    if (!related.empty())
      res["relatedLocations"] = related;
    // The same fingerprint as `procsan check --format=sarif` gives (rule, file, line text).
    std::string key = rule + "\n" + field<std::string>(loc, "file", "") + "\n" +
                      field<std::string>(f, "source_line", "");
    res["partialFingerprints"] = {{"primaryLocationLineHash",
                                   fingerprintHash(key) + ":" + std::to_string(++seenPrints[key])}};
    results.push_back(res);
  }
  json invocation = {{"executionSuccessful", true}};
  json notifications = json::array();
  for (const json &fi : files)
    if (!field<bool>(fi, "analyzed", true))
      notifications.push_back(
          {{"level", "error"}, {"message", {{"text", field<std::string>(fi, "error", "")}}}});
  if (!notifications.empty())
    invocation["toolExecutionNotifications"] = notifications;
  return sarifLog(docs, std::move(rules), std::move(results), std::move(invocation));
}

// A run report: what `procsan run --format=json` writes (or this merge, as "runs").
bool isRunReport(const json &doc) { return doc.contains("processes") || doc.contains("runs"); }

std::string hexOffset(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
  return buf;
}

// What makes two run findings the same mistake: the rule and where in the code its events
// happened (the first frames of each stack), not the pids, addresses, times or command lines
// the messages name, which differ from run to run and machine to machine. A finding without
// any stack is told by its message with the numbers left out.
std::string runFindingKey(const monitor::Finding &f) {
  std::string key = f.rule;
  bool stacks = false;
  for (const monitor::FindingEvent &e : f.events) {
    if (e.stack.frames.empty() && e.stack.python.empty())
      continue;
    stacks = true;
    key += "\n|";
    // Python code is told apart by its Python frames (its native ones are the interpreter's).
    for (size_t k = 0; k < e.stack.python.size() && k < 4; ++k)
      key += " " + e.stack.python[k].function + "@" + e.stack.python[k].file + ":" +
             std::to_string(e.stack.python[k].line);
    for (size_t k = 0; k < e.stack.frames.size() && k < 4; ++k) {
      const monitor::Frame &fr = e.stack.frames[k];
      if (!fr.function.empty())
        key += " " + fr.function + "@" + fr.file + ":" + std::to_string(fr.line);
      else
        key += " " + fr.module + "+" + hexOffset(fr.fileOffset);
    }
  }
  if (!stacks) {
    key += "\n";
    for (char c : f.message)
      if (!std::isdigit((unsigned char)c))
        key += c;
      else if (key.back() != '#')
        key += '#';
  }
  return key;
}

int mergeRunReports(const MergeOptions &o, std::vector<std::pair<std::string, json>> &docs) {
  struct Entry {
    std::string key, text; // text: the finding as JSON, to choose among equal findings
    json finding;
  };
  std::map<std::string, Entry> byKey;
  json runs = json::array();
  std::string version;
  for (auto &[path, doc] : docs) {
    if (version.empty())
      version = field<std::string>(doc, "version", "");
    if (doc.contains("runs") && doc["runs"].is_array()) { // a merge of merges
      for (const json &r : doc["runs"])
        runs.push_back(r);
    } else {
      json run = {{"report", path},
                  {"command", doc.value("command", json::array())},
                  {"exit_status", doc.value("exit_status", json())},
                  {"processes", doc.value("processes", json::array())}};
      runs.push_back(std::move(run));
    }
    if (!doc.contains("findings") || !doc["findings"].is_array()) {
      std::fprintf(stderr, "procsan report: error: %s: not a `procsan run --format=json` report\n",
                   path.c_str());
      return 2;
    }
    for (const json &jf : doc["findings"]) {
      monitor::Finding f;
      if (!monitor::findingFromJson(jf, f)) {
        std::fprintf(stderr, "procsan report: error: %s: a finding it holds is malformed\n",
                     path.c_str());
        return 2;
      }
      Entry e{runFindingKey(f), monitor::findingToJson(f).dump(), monitor::findingToJson(f)};
      auto it = byKey.find(e.key);
      // Of equal findings the same one is kept whatever the order of the reports.
      if (it == byKey.end() || e.text < it->second.text)
        byKey[e.key] = std::move(e);
    }
  }
  // The merged findings in the order of one run's report (errors first, hangs and deadlocks
  // first, rules together), ties broken by the key: the order does not depend on the inputs'.
  std::vector<monitor::Finding> findings;
  json outFindings = json::array();
  for (auto &[key, e] : byKey) {
    monitor::Finding f;
    monitor::findingFromJson(e.finding, f);
    findings.push_back(std::move(f));
  }
  monitor::sortFindings(findings);
  for (const monitor::Finding &f : findings)
    outFindings.push_back(monitor::findingToJson(f));
  std::string out;
  if (o.format == "json") {
    json doc;
    doc["tool"] = "procsan";
    doc["version"] = version;
    doc["runs"] = runs;
    doc["findings"] = outFindings;
    out = doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  } else if (o.format == "sarif") {
    // The runs' processes are not one tree (pids of several machines): findings without a
    // symbolized frame are placed at "/" rather than at a process's executable.
    out = runReportSarif(findings, SessionRecord(), monitor::SessionModel());
  } else {
    out = monitor::renderText(findings, false, true);
    out += std::to_string(findings.size()) + " finding" + (findings.size() == 1 ? "" : "s") +
           " in " + std::to_string(runs.size()) + " run" + (runs.size() == 1 ? "" : "s") + "\n";
  }
  std::string error;
  if (!o.output.empty() ? !writeFile(o.output, out, error) : std::fputs(out.c_str(), stdout) < 0) {
    std::fprintf(stderr, "procsan report: error: %s\n",
                 error.empty() ? "cannot write the report" : error.c_str());
    return 2;
  }
  return findings.empty() ? 0 : 1;
}

} // namespace

int mergeReports(const std::vector<std::string> &args) {
  MergeOptions o;
  std::string error;
  if (!parseMerge(args, o, error)) {
    std::fprintf(stderr, "procsan report: error: %s\n", error.c_str());
    mergeUsage(stderr);
    return 2;
  }
  struct FileEntry {
    size_t index;
    std::string file;
    json entry;
  };
  std::vector<FileEntry> files;
  std::set<std::pair<size_t, std::string>> seenFiles;
  struct FindingEntry {
    size_t fileIndex, input, order;
    json finding;
  };
  std::vector<FindingEntry> findings;
  std::string version;
  std::vector<std::pair<std::string, json>> docs;
  size_t runReports = 0;
  for (const std::string &path : o.inputs) {
    std::ifstream in(path);
    if (!in) {
      std::fprintf(stderr, "procsan report: error: %s: cannot read\n", path.c_str());
      return 2;
    }
    json doc = json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      std::fprintf(stderr, "procsan report: error: %s: not a JSON report\n", path.c_str());
      return 2;
    }
    runReports += isRunReport(doc);
    docs.emplace_back(path, std::move(doc));
  }
  if (runReports && runReports != docs.size()) {
    const std::string &run = std::find_if(docs.begin(), docs.end(), [](const auto &d) {
                               return isRunReport(d.second);
                             })->first;
    const std::string &check = std::find_if(docs.begin(), docs.end(), [](const auto &d) {
                                 return !isRunReport(d.second);
                               })->first;
    std::fprintf(stderr,
                 "procsan report: error: cannot merge a `procsan run` report (%s) with a "
                 "`procsan check` report (%s): merge each kind on its own\n",
                 run.c_str(), check.c_str());
    return 2;
  }
  if (runReports)
    return mergeRunReports(o, docs);
  for (size_t k = 0; k < docs.size(); ++k) {
    const std::string &path = docs[k].first;
    const json &doc = docs[k].second;
    if (field<std::string>(doc, "tool", "") != "procsan" || !doc.contains("files") ||
        !doc["files"].is_array() || !doc.contains("findings") || !doc["findings"].is_array()) {
      std::fprintf(stderr,
                   "procsan report: error: %s: not a `procsan check --format=json` report\n",
                   path.c_str());
      return 2;
    }
    if (version.empty())
      version = field<std::string>(doc, "version", "");
    for (const json &f : doc["files"]) {
      FileEntry e{field<size_t>(f, "index", SIZE_MAX), field<std::string>(f, "file", ""), f};
      if (seenFiles.insert({e.index, e.file}).second)
        files.push_back(std::move(e));
    }
    size_t order = 0;
    for (const json &f : doc["findings"])
      findings.push_back(FindingEntry{field<size_t>(f, "file_index", SIZE_MAX), k, order++, f});
  }
  // Database order; within a file, the order its run reported in.
  std::stable_sort(files.begin(), files.end(),
                   [](const FileEntry &a, const FileEntry &b) { return a.index < b.index; });
  std::stable_sort(
      findings.begin(), findings.end(), [](const FindingEntry &a, const FindingEntry &b) {
        return std::tie(a.fileIndex, a.input, a.order) < std::tie(b.fileIndex, b.input, b.order);
      });
  json outFiles = json::array(), outFindings = json::array();
  for (const FileEntry &e : files)
    outFiles.push_back(e.entry);
  std::set<std::string> seen;
  for (const FindingEntry &e : findings) {
    const json &f = e.finding;
    json key = {f.value("rule", json()), f.value("location", json()), f.value("message", json())};
    if (seen.insert(key.dump()).second)
      outFindings.push_back(f);
  }
  std::string doc;
  if (o.format == "json") {
    json out;
    out["tool"] = "procsan";
    out["version"] = version;
    out["files"] = outFiles;
    out["findings"] = outFindings;
    doc = out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  } else if (o.format == "sarif") {
    doc = renderSarif(outFiles, outFindings);
  } else {
    std::ostringstream text;
    for (const json &f : outFindings) {
      text << locationText(f.value("location", json::object())) << ": "
           << field<std::string>(f, "severity", "warning") << ": "
           << field<std::string>(f, "message", "") << " [" << field<std::string>(f, "rule", "")
           << "]\n";
      if (f.contains("notes") && f["notes"].is_array())
        for (const json &n : f["notes"])
          text << locationText(n.value("location", json::object()))
               << ": note: " << field<std::string>(n, "message", "") << "\n";
    }
    size_t notAnalyzed = 0;
    for (const json &fi : outFiles)
      notAnalyzed += !field<bool>(fi, "analyzed", true);
    text << outFindings.size() << " finding" << (outFindings.size() == 1 ? "" : "s") << " in "
         << outFiles.size() << " file" << (outFiles.size() == 1 ? "" : "s");
    if (notAnalyzed)
      text << " (" << notAnalyzed << " not analyzed)";
    text << "\n";
    doc = text.str();
  }
  if (o.output.empty()) {
    std::fputs(doc.c_str(), stdout);
  } else {
    std::ofstream out(o.output);
    out << doc;
    if (!out) {
      std::fprintf(stderr, "procsan report: error: cannot write %s\n", o.output.c_str());
      return 2;
    }
  }
  return outFindings.empty() ? 0 : 1;
}

} // namespace tools
} // namespace procsan
