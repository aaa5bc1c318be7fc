#ifndef PROCSAN_ANALYZER_CHECKS_UNSYNCHRONIZEDSHAREDWRITECHECK_H
#define PROCSAN_ANALYZER_CHECKS_UNSYNCHRONIZEDSHAREDWRITECHECK_H

#include "Check.h"

namespace procsan {
namespace analyzer {

/// Flags a write to shared memory that another live process also uses, made without a
/// process-shared lock and not atomic.
class UnsynchronizedSharedWriteCheck : public Check {
public:
  static constexpr const char *Id = "mp-unsynchronized-shared-write";
  static constexpr const char *Summary =
      "Flags a write to shared memory that another live process also uses, made without a "
      "process-shared lock and not atomic.";

  explicit UnsynchronizedSharedWriteCheck(const CheckOptions &options) : Check(Id, options) {}
  void checkTranslationUnit(AnalysisContext &ctx) override;
};

} // namespace analyzer
} // namespace procsan

#endif
