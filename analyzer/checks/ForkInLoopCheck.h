#ifndef PROCSAN_ANALYZER_CHECKS_FORKINLOOPCHECK_H
#define PROCSAN_ANALYZER_CHECKS_FORKINLOOPCHECK_H

#include "Check.h"

namespace procsan {
namespace analyzer {

/// Flags a fork in a loop whose child stays in the loop and reaches the fork again.
class ForkInLoopCheck : public Check {
public:
  static constexpr const char *Id = "mp-fork-in-loop";
  static constexpr const char *Summary =
      "Flags a fork in a loop whose child stays in the loop and reaches the fork again.";

  explicit ForkInLoopCheck(const CheckOptions &options) : Check(Id, options) {}
  void checkTranslationUnit(AnalysisContext &ctx) override;
};

} // namespace analyzer
} // namespace procsan

#endif
