#ifndef PROCSAN_ANALYZER_CHECKS_UNCHECKEDCHILDSTATUSCHECK_H
#define PROCSAN_ANALYZER_CHECKS_UNCHECKEDCHILDSTATUSCHECK_H

#include "Check.h"

namespace procsan {
namespace analyzer {

/// Flags a wait whose status is discarded or never examined, so a crashed child goes unnoticed.
class UncheckedChildStatusCheck : public Check {
public:
  static constexpr const char *Id = "mp-unchecked-child-status";
  static constexpr const char *Summary =
      "Flags a wait whose status is discarded or never examined, so a crashed child goes "
      "unnoticed.";

  explicit UncheckedChildStatusCheck(const CheckOptions &options);
  void checkTranslationUnit(AnalysisContext &ctx) override;

private:
  void checkSpawnApis(AnalysisContext &ctx);
  bool ignoreExecChildren;
};

} // namespace analyzer
} // namespace procsan

#endif
