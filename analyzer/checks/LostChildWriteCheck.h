#ifndef PROCSAN_ANALYZER_CHECKS_LOSTCHILDWRITECHECK_H
#define PROCSAN_ANALYZER_CHECKS_LOSTCHILDWRITECHECK_H

#include "Check.h"

namespace procsan {
namespace analyzer {

/// Flags a variable the child assigns and the parent reads after waiting for it, as if the
/// child's assignment were visible: processes do not share memory.
class LostChildWriteCheck : public Check {
public:
  static constexpr const char *Id = "mp-lost-child-write";
  static constexpr const char *Summary =
      "Flags a variable the child assigns and the parent reads after waiting for it, as if the "
      "child's assignment were visible: processes do not share memory.";

  explicit LostChildWriteCheck(const CheckOptions &options) : Check(Id, options) {}
  void checkTranslationUnit(AnalysisContext &ctx) override;
};

} // namespace analyzer
} // namespace procsan

#endif
