// Writers for procsan check's machine-readable outputs: JSON, SARIF 2.1.0 and the fixes file
// clang-apply-replacements reads.
#ifndef PROCSAN_TOOLS_CHECKREPORT_H
#define PROCSAN_TOOLS_CHECKREPORT_H

#include "Analyzer.h"
#include "Sarif.h"

#include <string>
#include <vector>

namespace procsan {
namespace tools {

std::string checkReportJson(const std::vector<analyzer::FileResult> &results);
std::string checkReportSarif(const std::vector<analyzer::FileResult> &results,
                             const std::string &docsDir);
std::string exportFixesYaml(const std::vector<analyzer::FileResult> &results);

} // namespace tools
} // namespace procsan

#endif
