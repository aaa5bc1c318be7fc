#ifndef PROCSAN_ANALYZER_CHECKS_JOINBEFOREDRAINCHECK_H
#define PROCSAN_ANALYZER_CHECKS_JOINBEFOREDRAINCHECK_H

#include "Check.h"

namespace procsan {
namespace analyzer {

/// Flags a parent that waits for a child before reading the pipe the child fills, when the child
/// may write more than a pipe holds: both block forever.
class JoinBeforeDrainCheck : public Check {
public:
  static constexpr const char *Id = "mp-join-before-drain";
  static constexpr const char *Summary =
      "Flags a parent that waits for a child before reading the pipe the child fills, when the "
      "child may write more than a pipe holds: both block forever.";

  explicit JoinBeforeDrainCheck(const CheckOptions &options) : Check(Id, options) {}
  void checkTranslationUnit(AnalysisContext &ctx) override;
};

} // namespace analyzer
} // namespace procsan

#endif
