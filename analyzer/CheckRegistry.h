// The catalogue of analyzer checks: rule id, one-line summary, and how to make the check.
#ifndef PROCSAN_ANALYZER_CHECKREGISTRY_H
#define PROCSAN_ANALYZER_CHECKREGISTRY_H

#include "Check.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace procsan {
namespace analyzer {

struct CheckInfo {
  const char *id;
  const char *summary; // the first sentence of docs/rules/<id>.md
  std::function<std::unique_ptr<Check>(const CheckOptions &)> create;
};

const std::vector<CheckInfo> &allChecks();

// The checks run when nothing says otherwise: every check whose findings on real code nobody
// here wrote were at least 90% true on the benchmark (bench/realcode/README.md). The others are
// off by default, as clang-tidy keeps such checks, and run when named ('--checks=mp-exit-in-child'
// or 'mp-*'); each one's docs page says why.
bool onByDefault(llvm::StringRef id);
// "mp-*,-mp-a,-mp-b": the glob list the defaults amount to.
std::string defaultChecks();

// clang-tidy style glob list: "mp-*,-mp-lost-child-write". Later entries win.
bool checkEnabled(llvm::StringRef globs, llvm::StringRef id);

} // namespace analyzer
} // namespace procsan

#endif
