// Fuzz target: procsan check's machine-readable writers as a round trip. Random results (files,
// findings, notes, fix-its; strings of any bytes, positions of any value) are written as JSON,
// SARIF and the fixes YAML and read back: nlohmann-json for the first two (every field must come
// back the same; strings that are not UTF-8 come back as valid UTF-8), LLVM's YAML reader for
// the fixes. SARIF must also keep to the rules consumers check: 1-based regions, file URIs that
// decode back to the path, ruleIndex pointing at the rule.
#include "FuzzSupport.h"

#include "Analyzer.h"
#include "CheckReport.h"
#include "Commands.h"

#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/YAMLTraits.h"

#include <nlohmann/json.hpp>

using namespace procsan;
using json = nlohmann::json;

// The writers look for the rules' docs next to the binary; the fuzz target has none.
std::string procsan::tools::selfDirectory() { return "/nonexistent"; }

namespace {

void sameString(const json &j, const std::string &want, const char *what) {
  FUZZ_CHECK(j.is_string(), "%s is not a string", what);
  const std::string &got = j.get_ref<const std::string &>();
  if (fuzz::validUtf8(want))
    FUZZ_CHECK(got == want, "%s changed", what);
  else
    FUZZ_CHECK(fuzz::validUtf8(got) && !got.empty(), "%s: bad replacement", what);
}

// RFC 3986: a file URI (or relative reference) holds only these characters, and its percent
// escapes decode to the path's bytes.
std::string uriPath(const std::string &uri) {
  static const char allowed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                "-._~!$&'()*+,;=:@/%";
  std::string rest = uri.rfind("file://", 0) == 0 ? uri.substr(7) : uri;
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    FUZZ_CHECK(c && std::strchr(allowed, c), "character 0x%02x in URI '%s'", (unsigned char)c,
               uri.c_str());
    if (c != '%') {
      out += c;
      continue;
    }
    FUZZ_CHECK(i + 2 < rest.size() && isxdigit((unsigned char)rest[i + 1]) &&
                   isxdigit((unsigned char)rest[i + 2]),
               "bad escape in URI '%s'", uri.c_str());
    out += (char)std::stoi(rest.substr(i + 1, 2), nullptr, 16);
    i += 2;
  }
  return out;
}

void checkRegion(const json &region) {
  FUZZ_CHECK(region.at("startLine").is_number_integer() && region.at("startLine") >= 1,
             "startLine");
  if (region.contains("startColumn"))
    FUZZ_CHECK(region.at("startColumn").is_number_integer() && region.at("startColumn") >= 1,
               "startColumn");
  if (region.contains("charLength"))
    FUZZ_CHECK(region.at("charLength").is_number_integer() && region.at("charLength") >= 0,
               "charLength");
}

void checkSarifLocation(const json &loc, const analyzer::Position &p) {
  const json &phys = loc.at("physicalLocation");
  const std::string &uri = phys.at("artifactLocation").at("uri").get_ref<const std::string &>();
  FUZZ_CHECK(uriPath(uri) == p.file, "URI '%s' is not the file", uri.c_str());
  if (!phys.contains("region"))
    return;
  checkRegion(phys.at("region"));
  if (p.line >= 1 && p.line <= (unsigned)INT32_MAX)
    FUZZ_CHECK(phys.at("region").at("startLine") == p.line, "line changed");
}

void samePosition(const json &j, const analyzer::Position &p) {
  sameString(j.at("file"), p.file, "file");
  FUZZ_CHECK(j.at("line") == p.line && j.at("column") == p.column, "position changed");
}

analyzer::Position position(fuzz::Bytes &in) {
  analyzer::Position p;
  static const char *const files[] = {"/src/a.c", "/src/dir with space/b.c", "rel/c.c"};
  uint8_t pick = in.u8();
  p.file = pick < 200 ? files[pick % 3] : in.str(40);
  p.line = in.u8() < 16 ? in.u32() : in.u8();
  p.column = in.u8() < 16 ? in.u32() : in.u8();
  p.offset = in.u32() % 4096;
  return p;
}

} // namespace

static int checkOne(const uint8_t *data, size_t size) {
  fuzz::Bytes in(data, size);
  static const char *const rules[] = {"mp-unchecked-fork", "mp-child-fallthrough",
                                      "mp-exit-in-child", "mp-no-such-rule"};
  std::vector<analyzer::FileResult> results;
  for (int n = in.u8() % 4; n > 0; --n) {
    analyzer::FileResult r;
    r.file = in.str(40);
    r.inputError = in.flag();
    if (r.inputError)
      r.errorMessage = in.str(80);
    for (int k = in.u8() % 4; k > 0; --k) {
      analyzer::ReportedFinding f;
      uint8_t pick = in.u8();
      f.ruleId = pick < 240 ? rules[pick % 4] : in.str(24);
      f.asError = in.flag();
      f.message = in.str(120);
      f.at = position(in);
      f.sourceLine = in.str(60);
      for (int m = in.u8() % 3; m > 0; --m)
        f.notes.push_back(analyzer::ReportedNote{position(in), in.str(60)});
      for (int m = in.u8() % 3; m > 0; --m) {
        analyzer::ReportedFix x;
        x.at = position(in);
        x.length = in.u8();
        x.replacement = in.str(30);
        f.fixes.push_back(x);
      }
      r.reported.push_back(std::move(f));
    }
    results.push_back(std::move(r));
  }

  // JSON: every field back.
  json doc = json::parse(tools::checkReportJson(results), nullptr, false);
  FUZZ_CHECK(!doc.is_discarded(), "the JSON report does not parse");
  FUZZ_CHECK(doc.at("files").size() == results.size(), "file count");
  size_t k = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const analyzer::FileResult &r = results[i];
    const json &jf = doc.at("files")[i];
    sameString(jf.at("file"), r.file, "file");
    FUZZ_CHECK(jf.at("analyzed") == !r.inputError, "analyzed");
    if (r.inputError)
      sameString(jf.at("error"), r.errorMessage, "error");
    for (const analyzer::ReportedFinding &f : r.reported) {
      FUZZ_CHECK(k < doc.at("findings").size(), "finding count");
      const json &j = doc.at("findings")[k++];
      sameString(j.at("rule"), f.ruleId, "rule");
      FUZZ_CHECK(j.at("severity") == (f.asError ? "error" : "warning"), "severity");
      sameString(j.at("message"), f.message, "message");
      samePosition(j.at("location"), f.at);
      FUZZ_CHECK(j.at("notes").size() == f.notes.size(), "note count");
      for (size_t m = 0; m < f.notes.size(); ++m) {
        sameString(j.at("notes")[m].at("message"), f.notes[m].message, "note");
        samePosition(j.at("notes")[m].at("location"), f.notes[m].at);
      }
      FUZZ_CHECK(j.at("fixes").size() == f.fixes.size(), "fix count");
      for (size_t m = 0; m < f.fixes.size(); ++m) {
        const json &jx = j.at("fixes")[m];
        samePosition(jx.at("location"), f.fixes[m].at);
        FUZZ_CHECK(jx.at("offset") == f.fixes[m].at.offset && jx.at("length") == f.fixes[m].length,
                   "fix range");
        sameString(jx.at("replacement"), f.fixes[m].replacement, "replacement");
      }
    }
  }
  FUZZ_CHECK(k == doc.at("findings").size(), "finding count");

  // SARIF: the same findings, in the shape consumers check.
  json sarif = json::parse(tools::checkReportSarif(results, ""), nullptr, false);
  FUZZ_CHECK(!sarif.is_discarded(), "the SARIF report does not parse");
  const json &run = sarif.at("runs")[0];
  const json &sarifRules = run.at("tool").at("driver").at("rules");
  k = 0;
  for (const analyzer::FileResult &r : results) {
    for (const analyzer::ReportedFinding &f : r.reported) {
      FUZZ_CHECK(k < run.at("results").size(), "result count");
      const json &res = run.at("results")[k++];
      sameString(res.at("ruleId"), f.ruleId, "ruleId");
      if (res.contains("ruleIndex"))
        FUZZ_CHECK(res.at("ruleIndex") < sarifRules.size() &&
                       sarifRules[res.at("ruleIndex").get<size_t>()].at("id") == res.at("ruleId"),
                   "ruleIndex");
      sameString(res.at("message").at("text"), f.message, "message");
      checkSarifLocation(res.at("locations")[0], f.at);
      if (f.notes.empty())
        FUZZ_CHECK(!res.contains("relatedLocations"), "related locations without notes");
      else
        FUZZ_CHECK(res.at("relatedLocations").size() == f.notes.size(), "related count");
      for (size_t m = 0; m < f.notes.size(); ++m) {
        checkSarifLocation(res.at("relatedLocations")[m], f.notes[m].at);
        sameString(res.at("relatedLocations")[m].at("message").at("text"), f.notes[m].message,
                   "note");
      }
      if (!f.fixes.empty()) {
        const json &changes = res.at("fixes")[0].at("artifactChanges");
        FUZZ_CHECK(changes.size() == f.fixes.size(), "change count");
        for (size_t m = 0; m < f.fixes.size(); ++m) {
          std::string uri = changes[m].at("artifactLocation").at("uri");
          FUZZ_CHECK(uriPath(uri) == f.fixes[m].at.file, "fix URI '%s'", uri.c_str());
          const json &rep = changes[m].at("replacements")[0];
          checkRegion(rep.at("deletedRegion"));
          sameString(rep.at("insertedContent").at("text"), f.fixes[m].replacement, "inserted");
        }
      }
    }
  }
  FUZZ_CHECK(k == run.at("results").size(), "result count");

  // Fixes YAML (clang-apply-replacements' input): reads back, each replacement one we made.
  std::string yamlText = tools::exportFixesYaml(results);
  clang::tooling::TranslationUnitDiagnostics tu;
  llvm::yaml::Input yin(yamlText);
  yin >> tu;
  FUZZ_CHECK(!yin.error(), "the fixes YAML does not parse back:\n%s", yamlText.c_str());
  size_t withFixes = 0;
  for (const analyzer::FileResult &r : results)
    for (const analyzer::ReportedFinding &f : r.reported)
      withFixes += !f.fixes.empty();
  FUZZ_CHECK(tu.Diagnostics.size() == withFixes, "%zu diagnostics for %zu findings with fixes",
             tu.Diagnostics.size(), withFixes);
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
