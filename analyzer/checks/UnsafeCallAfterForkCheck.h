#ifndef PROCSAN_ANALYZER_CHECKS_UNSAFECALLAFTERFORKCHECK_H
#define PROCSAN_ANALYZER_CHECKS_UNSAFECALLAFTERFORKCHECK_H

#include "Check.h"
#include "model/ForkSites.h"

namespace procsan {
namespace analyzer {

/// Flags a call that is not async-signal-safe in the child of a fork of a multithreaded process,
/// before the child execs or exits.
class UnsafeCallAfterForkCheck : public Check {
public:
  static constexpr const char *Id = "mp-unsafe-call-after-fork";
  static constexpr const char *Summary =
      "Flags a call that is not async-signal-safe in the child of a fork of a multithreaded "
      "process, before the child execs or exits.";

  explicit UnsafeCallAfterForkCheck(const CheckOptions &options);
  void registerMatchers(clang::ast_matchers::MatchFinder *) override {
    modelOptions.applyTo(ctx());
  }
  void checkTranslationUnit(AnalysisContext &ctx) override;

private:
  ForkModelOptions modelOptions;
  enum class Mode { Auto, Always, Never };
  Mode mode;
  unsigned maxCallDepth;
};

} // namespace analyzer
} // namespace procsan

#endif
