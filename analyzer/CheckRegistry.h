// The catalogue of analyzer checks: rule id, one-line summary, and how to make the check.
#ifndef PROCSAN_ANALYZER_CHECKREGISTRY_H
#define PROCSAN_ANALYZER_CHECKREGISTRY_H

#include "Check.h"

#include <functional>
#include <memory>
#include <vector>

namespace procsan {
namespace analyzer {

struct CheckInfo {
  const char *id;
  const char *summary; // the first sentence of docs/rules/<id>.md
  std::function<std::unique_ptr<Check>(const CheckOptions &)> create;
};

const std::vector<CheckInfo> &allChecks();

// clang-tidy style glob list: "mp-*,-mp-lost-child-write". Later entries win.
bool checkEnabled(llvm::StringRef globs, llvm::StringRef id);

} // namespace analyzer
} // namespace procsan

#endif
