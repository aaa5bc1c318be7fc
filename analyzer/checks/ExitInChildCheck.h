#ifndef PROCSAN_ANALYZER_CHECKS_EXITINCHILDCHECK_H
#define PROCSAN_ANALYZER_CHECKS_EXITINCHILDCHECK_H

#include "Check.h"
#include "model/ForkSites.h"

namespace procsan {
namespace analyzer {

/// Flags exit() or a return from main in a forked child, which runs atexit handlers and flushes
/// stdio buffers a second time.
class ExitInChildCheck : public Check {
public:
  static constexpr const char *Id = "mp-exit-in-child";
  static constexpr const char *Summary =
      "Flags exit() or a return from main in a forked child, which runs atexit handlers and "
      "flushes stdio buffers a second time.";

  explicit ExitInChildCheck(const CheckOptions &options);
  void registerMatchers(clang::ast_matchers::MatchFinder *) override {
    modelOptions.applyTo(ctx());
  }
  void checkTranslationUnit(AnalysisContext &ctx) override;

private:
  ForkModelOptions modelOptions;
  unsigned maxCallDepth;
};

} // namespace analyzer
} // namespace procsan

#endif
