#ifndef PROCSAN_ANALYZER_CHECKS_FORKINLOOPCHECK_H
#define PROCSAN_ANALYZER_CHECKS_FORKINLOOPCHECK_H

#include "Check.h"
#include "model/ForkSites.h"

namespace procsan {
namespace analyzer {

/// Flags a fork in a loop whose child stays in the loop and reaches the fork again.
class ForkInLoopCheck : public Check {
public:
  static constexpr const char *Id = "mp-fork-in-loop";
  static constexpr const char *Summary =
      "Flags a fork in a loop whose child stays in the loop and reaches the fork again.";

  explicit ForkInLoopCheck(const CheckOptions &options)
      : Check(Id, options), modelOptions(options) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *) override {
    modelOptions.applyTo(ctx());
  }
  void checkTranslationUnit(AnalysisContext &ctx) override;

private:
  ForkModelOptions modelOptions;
};

} // namespace analyzer
} // namespace procsan

#endif
