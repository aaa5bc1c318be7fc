#ifndef PROCSAN_ANALYZER_CHECKS_UNREAPEDCHILDCHECK_H
#define PROCSAN_ANALYZER_CHECKS_UNREAPEDCHILDCHECK_H

#include "Check.h"

namespace procsan {
namespace analyzer {

/// Flags a child process that no wait call can collect, while the parent lives on: a zombie
/// whose exit status is lost.
class UnreapedChildCheck : public Check {
public:
  static constexpr const char *Id = "mp-unreaped-child";
  static constexpr const char *Summary =
      "Flags a child process that no wait call can collect, while the parent lives on: a zombie "
      "whose exit status is lost.";

  explicit UnreapedChildCheck(const CheckOptions &options) : Check(Id, options) {}
  void checkTranslationUnit(AnalysisContext &ctx) override;
};

} // namespace analyzer
} // namespace procsan

#endif
