#ifndef PROCSAN_ANALYZER_CHECKS_UNCHECKEDFORKCHECK_H
#define PROCSAN_ANALYZER_CHECKS_UNCHECKEDFORKCHECK_H

#include "Check.h"
#include "model/ForkSites.h"

namespace procsan {
namespace analyzer {

/// Flags a fork() whose result is discarded or never tested, so parent and child run the same code.
class UncheckedForkCheck : public Check {
public:
  static constexpr const char *Id = "mp-unchecked-fork";
  static constexpr const char *Summary =
      "Flags a fork() whose result is discarded or never tested, so parent and child run the "
      "same code.";

  explicit UncheckedForkCheck(const CheckOptions &options);
  void registerMatchers(clang::ast_matchers::MatchFinder *) override {
    modelOptions.applyTo(ctx());
  }
  void checkTranslationUnit(AnalysisContext &ctx) override;

private:
  ForkModelOptions modelOptions;
  // The -1 of a failed fork reaching kill/waitpid/... as if it were a process.
  void reportErrorPathUses(AnalysisContext &ctx);
  void reportErrorAsParent(AnalysisContext &ctx);
  bool reportErrorOnlyTests;
};

} // namespace analyzer
} // namespace procsan

#endif
