// The SARIF 2.1.0 shape shared by `procsan check` and the runtime's reports (`procsan run`,
// `procsan report`): one rule table built from the rules' pages, file URIs, fingerprints.
#ifndef PROCSAN_TOOLS_SARIF_H
#define PROCSAN_TOOLS_SARIF_H

#include <nlohmann/json.hpp>
#include <string>

namespace procsan {
namespace tools {

using json = nlohmann::ordered_json;

// docs/rules next to the installed binary, or in the source tree; "" when neither exists.
std::string rulesDocsDir();

std::string fileUri(const std::string &path);
// "mp-unchecked-fork" -> "UncheckedFork": SARIF wants a readable name distinct from the id.
std::string sarifRuleName(const std::string &id);
// A short stable hash for partialFingerprints.
std::string fingerprintHash(const std::string &s);

// A reportingDescriptor for rule id. The help is the rule's page when docsDir has it; the
// descriptions are summary, or the page's first sentence when summary is empty.
json sarifRule(const std::string &id, const std::string &summary, const std::string &docsDir,
               const std::string &level);

// A physical location; line 0 leaves the region out.
json sarifPhysicalLocation(const std::string &file, int line, int column);

// The whole log: one run of procsan with these rules, results and invocation.
std::string sarifLog(const std::string &docsDir, json rules, json results, json invocation);

} // namespace tools
} // namespace procsan

#endif
