#include "CheckReport.h"
#include "CheckRegistry.h"
#include "Commands.h"
#include "PythonRules.h"
#include "Sarif.h"

#include "clang/Tooling/Core/Diagnostic.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/YAMLTraits.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

namespace procsan {
namespace tools {

namespace {

json positionJson(const analyzer::Position &p) {
  return json{{"file", p.file}, {"line", p.line}, {"column", p.column}};
}

json sarifLocation(const analyzer::Position &p) {
  return json{{"physicalLocation", sarifPhysicalLocation(p.file, p.line ? p.line : 1, p.column)}};
}

} // namespace

std::string checkReportJson(const std::vector<analyzer::FileResult> &results) {
  json doc;
  doc["tool"] = "procsan";
  doc["version"] = kVersion;
  json files = json::array();
  json findings = json::array();
  for (const analyzer::FileResult &r : results) {
    // index: the file's place in the input (database order), so that `procsan report --merge`
    // can put the reports of several --shard runs back in one run's order.
    json jf = {{"file", r.file}, {"index", r.index}, {"analyzed", !r.inputError}};
    if (r.inputError)
      jf["error"] = r.errorMessage;
    files.push_back(jf);
    for (const analyzer::ReportedFinding &f : r.reported) {
      json j;
      j["rule"] = f.ruleId;
      j["severity"] = f.asError ? "error" : "warning";
      j["message"] = f.message;
      j["location"] = positionJson(f.at);
      j["file_index"] = r.index;
      j["source_line"] = f.sourceLine;
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
    rules.push_back(sarifRule(c.id, c.summary, docsDir, "warning"));
  }
  for (const PythonRule &r : pythonRules()) {
    if (ruleIndex.count(r.id))
      continue;
    ruleIndex[r.id] = rules.size();
    rules.push_back(sarifRule(r.id, r.summary, docsDir, "warning"));
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
          {"primaryLocationLineHash", fingerprintHash(key) + ":" + std::to_string(occurrence)}};
      if (!f.fixes.empty()) {
        json changes = json::array();
        for (const analyzer::ReportedFix &x : f.fixes) {
          // SARIF regions are 1-based: a position Clang could not resolve is the file's start.
          json region = {{"startLine", std::max(x.at.line, 1u)},
                         {"startColumn", std::max(x.at.column, 1u)},
                         {"charLength", x.length}};
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
  return sarifLog(docsDir, std::move(rules), std::move(sarifResults), std::move(invocation));
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
