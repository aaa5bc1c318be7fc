#include "Sarif.h"
#include "Commands.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace procsan {
namespace tools {

std::string rulesDocsDir() {
  const std::string candidates[] = {selfDirectory() + "/../share/procsan/rules",
                                    std::string(PROCSAN_SOURCE_DIR) + "/docs/rules"};
  for (const std::string &c : candidates) {
    struct stat st;
    if (stat(c.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      return c;
  }
  return "";
}

std::string fileUri(const std::string &path) {
  // RFC 3986: only unreserved characters and '/' stay as they are; '#', '?', spaces, controls and
  // non-ASCII bytes are percent-encoded, so the URI decodes back to the path. A relative path
  // stays a relative reference (a "file://" prefix would make its first component a host).
  static const char hexDigits[] = "0123456789ABCDEF";
  std::string uri = !path.empty() && path[0] == '/' ? "file://" : "";
  for (unsigned char c : path) {
    if (isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      uri += (char)c;
    } else {
      uri += '%';
      uri += hexDigits[c >> 4];
      uri += hexDigits[c & 15];
    }
  }
  return uri;
}

std::string sarifRuleName(const std::string &id) {
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

std::string fingerprintHash(const std::string &s) {
  uint64_t h = 1469598103934665603ull; // FNV-1a
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)h);
  return buf;
}

namespace {

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    return "";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The first paragraph after the page's title, and its first sentence.
void pageSummary(const std::string &page, std::string &paragraph, std::string &sentence) {
  std::istringstream in(page);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    if (line[0] == '|')
      break;
    for (;;) {
      paragraph += (paragraph.empty() ? "" : " ") + line;
      if (!std::getline(in, line) || line.empty() || line[0] == '|' || line[0] == '#')
        break;
    }
    break;
  }
  size_t dot = paragraph.find(". ");
  sentence = dot == std::string::npos ? paragraph : paragraph.substr(0, dot + 1);
}

} // namespace

json sarifRule(const std::string &id, const std::string &summary, const std::string &docsDir,
               const std::string &level) {
  std::string page = docsDir.empty() ? "" : docsDir + "/" + id + ".md";
  std::string help = page.empty() ? "" : readFile(page);
  std::string paragraph, sentence;
  pageSummary(help, paragraph, sentence);
  std::string shortText = !summary.empty() ? summary : !sentence.empty() ? sentence : id;
  std::string fullText = !summary.empty() ? summary : !paragraph.empty() ? paragraph : id;
  json rule = {{"id", id},
               {"name", sarifRuleName(id)},
               {"shortDescription", {{"text", shortText}}},
               {"fullDescription", {{"text", fullText}}},
               {"defaultConfiguration", {{"level", level}}},
               {"help", {{"text", help.empty() ? fullText : help}}}};
  if (!help.empty())
    rule["help"]["markdown"] = help;
  if (!page.empty())
    rule["helpUri"] = fileUri(page);
  rule["properties"] = {{"tags", {"multiprocess", "correctness"}}};
  return rule;
}

json sarifPhysicalLocation(const std::string &file, int line, int column) {
  json loc = {{"artifactLocation", {{"uri", fileUri(file)}}}};
  if (line > 0) {
    json region = {{"startLine", line}};
    if (column > 0)
      region["startColumn"] = column;
    loc["region"] = region;
  }
  return loc;
}

std::string sarifLog(const std::string &docsDir, json rules, json results, json invocation) {
  json doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::array({{{"tool",
                              {{"driver",
                                {{"name", "procsan"},
                                 {"version", kVersion},
                                 {"semanticVersion", kVersion},
                                 {"informationUri", fileUri(docsDir.empty() ? "/" : docsDir)},
                                 {"rules", std::move(rules)}}}}},
                             {"invocations", json::array({std::move(invocation)})},
                             {"results", std::move(results)}}})}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace tools
} // namespace procsan
