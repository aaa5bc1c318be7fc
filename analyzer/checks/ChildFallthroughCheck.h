#ifndef PROCSAN_ANALYZER_CHECKS_CHILDFALLTHROUGHCHECK_H
#define PROCSAN_ANALYZER_CHECKS_CHILDFALLTHROUGHCHECK_H

#include "Check.h"
#include "model/ForkSites.h"

namespace procsan {
namespace analyzer {

/// Flags a child branch that does not end in _exit, exec or a noreturn call and runs on into
/// code the parent also runs.
class ChildFallthroughCheck : public Check {
public:
  static constexpr const char *Id = "mp-child-fallthrough";
  static constexpr const char *Summary =
      "Flags a child branch that does not end in _exit, exec or a noreturn call and runs on into "
      "code the parent also runs.";

  explicit ChildFallthroughCheck(const CheckOptions &options)
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
