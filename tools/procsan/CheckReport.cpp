#include "CheckReport.h"
#include "CheckRegistry.h"
#include "Commands.h"

#include "clang/Tooling/Core/Diagnostic.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/YAMLTraits.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <nlohmann/json.hpp>

namespace procsan {
namespace tools {

using json = nlohmann::ordered_json;

namespace {

json positionJson(const analyzer::Position &p) {
  return json{{"file", p.file}, {"line", p.line}, {"column", p.column}};
}

std::string fnv1a(const std::string &s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)h);
  return buf;
}

std::string fileUri(const std::string &path) {
  std::string uri = "file://";
  for (char c : path) {
    if (c == ' ')
      uri += "%20";
    else if (c == '%')
      uri += "%25";
    else
      uri += c;
  }
  return uri;
}

json sarifLocation(const analyzer::Position &p) {
  json region = {{"startLine", p.line ? p.line : 1}};
  if (p.column)
    region["startColumn"] = p.column;
  return json{
      {"physicalLocation", {{"artifactLocation", {{"uri", fileUri(p.file)}}}, {"region", region}}}};
}

// "mp-unchecked-fork" -> "UncheckedFork": SARIF wants a readable name distinct from the id.
std::string ruleName(const std::string &id) {
  std::string name;
  bool upper = true;
  for (size_t i = id.rfind("mp-", 0) == 0 ? 3 : 0; i < id.size(); ++i) {
    if (id[i] == '-') {
      upper = true;
      continue;
    }
    name += upper ? (char)toupper((unsigned char)id[i]) : id[i];
    upper = false;
  }
  return name;
}

std::string readFile(const std::string &path) {
  auto buf = llvm::MemoryBuffer::getFile(path);
  return buf ? (*buf)->getBuffer().str() : std::string();
}

} // namespace

std::string rulesDocsDir() {
  const std::string candidates[] = {selfDirectory() + "/../share/procsan/rules",
                                    std::string(PROCSAN_SOURCE_DIR) + "/docs/rules"};
  for (const std::string &c : candidates)
    if (llvm::sys::fs::is_directory(c))
      return c;
  return "";
}

std::string checkReportJson(const std::vector<analyzer::FileResult> &results) {
  json doc;
  doc["tool"] = "procsan";
  doc["version"] = kVersion;
  json files = json::array();
  json findings = json::array();
  for (const analyzer::FileResult &r : results) {
    json jf = {{"file", r.file}, {"analyzed", !r.inputError}};
    if (r.inputError)
      jf["error"] = r.errorMessage;
    files.push_back(jf);
    for (const analyzer::ReportedFinding &f : r.reported) {
      json j;
      j["rule"] = f.ruleId;
      j["severity"] = f.asError ? "error" : "warning";
      j["message"] = f.message;
      j["location"] = positionJson(f.at);
      json notes = json::array();
      for (const analyzer::ReportedNote &n : f.notes)
        notes.push_back({{"message", n.message}, {"location", positionJson(n.at)}});
      j["notes"] = notes;
      json fixes = json::array();
      for (const analyzer::ReportedFix &x : f.fixes)
        fixes.push_back({{"location", positionJson(x.at)},
                         {"offset", x.at.offset},
                         {"length", x.length},
                         {"replacement", x.replacement}});
      j["fixes"] = fixes;
      findings.push_back(j);
    }
  }
  doc["files"] = files;
  doc["findings"] = findings;
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string checkReportSarif(const std::vector<analyzer::FileResult> &results,
                             const std::string &docsDir) {
  json rules = json::array();
  std::map<std::string, size_t> ruleIndex;
  for (const analyzer::CheckInfo &c : analyzer::allChecks()) {
    ruleIndex[c.id] = rules.size();
    std::string page = docsDir.empty() ? "" : docsDir + "/" + c.id + ".md";
    std::string help = page.empty() ? "" : readFile(page);
    json rule = {{"id", c.id},
                 {"name", ruleName(c.id)},
                 {"shortDescription", {{"text", c.summary}}},
                 {"fullDescription", {{"text", c.summary}}},
                 {"defaultConfiguration", {{"level", "warning"}}},
                 {"help", {{"text", help.empty() ? c.summary : help}}}};
    if (!help.empty())
      rule["help"]["markdown"] = help;
    if (!page.empty())
      rule["helpUri"] = fileUri(page);
    rule["properties"] = {{"tags", {"multiprocess", "correctness"}}};
    rules.push_back(rule);
  }
  json sarifResults = json::array();
  std::map<std::string, int> seenPrints;
  for (const analyzer::FileResult &r : results) {
    for (const analyzer::ReportedFinding &f : r.reported) {
      json res;
      res["ruleId"] = f.ruleId;
      if (ruleIndex.count(f.ruleId))
        res["ruleIndex"] = ruleIndex[f.ruleId];
      res["level"] = f.asError ? "error" : "warning";
      res["message"] = {{"text", f.message}};
      res["locations"] = json::array({sarifLocation(f.at)});
      json related = json::array();
      int id = 0;
      for (const analyzer::ReportedNote &n : f.notes) {
        json loc = sarifLocation(n.at);
        loc["id"] = id++;
        loc["message"] = {{"text", n.message}};
        related.push_back(loc);
      }
      if (!related.empty())
        res["relatedLocations"] = related;
      // Stable across unrelated edits: rule, file, the trimmed text of the line, occurrence.
      std::string key = f.ruleId + "\n" + f.at.file + "\n" + f.sourceLine;
      int occurrence = ++seenPrints[key];
      res["partialFingerprints"] = {
          {"primaryLocationLineHash", fnv1a(key) + ":" + std::to_string(occurrence)}};
      if (!f.fixes.empty()) {
        json changes = json::array();
        for (const analyzer::ReportedFix &x : f.fixes) {
          json region = {
              {"startLine", x.at.line}, {"startColumn", x.at.column}, {"charLength", x.length}};
          changes.push_back(
              {{"artifactLocation", {{"uri", fileUri(x.at.file)}}},
               {"replacements", json::array({{{"deletedRegion", region},
                                              {"insertedContent", {{"text", x.replacement}}}}})}});
        }
        res["fixes"] = json::array({{{"description", {{"text", "apply procsan's fix-it"}}},
                                     {"artifactChanges", changes}}});
      }
      sarifResults.push_back(res);
    }
  }
  json invocation = {{"executionSuccessful", true}};
  json notifications = json::array();
  for (const analyzer::FileResult &r : results)
    if (r.inputError)
      notifications.push_back({{"level", "error"}, {"message", {{"text", r.errorMessage}}}});
  if (!notifications.empty())
    invocation["toolExecutionNotifications"] = notifications;
  json doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::array({{{"tool",
                              {{"driver",
                                {{"name", "procsan"},
                                 {"version", kVersion},
                                 {"semanticVersion", kVersion},
                                 {"informationUri", fileUri(docsDir.empty() ? "/" : docsDir)},
                                 {"rules", rules}}}}},
                             {"invocations", json::array({invocation})},
                             {"results", sarifResults}}})}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string exportFixesYaml(const std::vector<analyzer::FileResult> &results) {
  clang::tooling::TranslationUnitDiagnostics tu;
  tu.MainSourceFile = results.empty() ? "" : results.front().file;
  for (const analyzer::FileResult &r : results) {
    for (const analyzer::ReportedFinding &f : r.reported) {
      if (f.fixes.empty())
        continue;
      llvm::StringMap<clang::tooling::Replacements> fixes;
      for (const analyzer::ReportedFix &x : f.fixes) {
        clang::tooling::Replacement rep(x.at.file, x.at.offset, x.length, x.replacement);
        llvm::Error err = fixes[x.at.file].add(rep);
        if (err)
          llvm::consumeError(std::move(err));
      }
      clang::tooling::DiagnosticMessage msg(f.message);
      msg.FilePath = f.at.file;
      msg.FileOffset = f.at.offset;
      clang::tooling::Diagnostic d(f.ruleId, msg, {}, clang::tooling::Diagnostic::Warning, "");
      d.Message.Fix = std::move(fixes);
      tu.Diagnostics.push_back(std::move(d));
    }
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  llvm::yaml::Output yaml(os);
  yaml << tu;
  os.flush();
  return out;
}

} // namespace tools
} // namespace procsan
