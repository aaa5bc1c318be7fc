#ifndef PROCSAN_ANALYZER_CHECKS_PIPEENDNOTCLOSEDCHECK_H
#define PROCSAN_ANALYZER_CHECKS_PIPEENDNOTCLOSEDCHECK_H

#include "Check.h"

namespace procsan {
namespace analyzer {

/// Flags a process that reads a pipe until end-of-file after a fork while it still holds its own
/// copy of the write end, so end-of-file never comes.
class PipeEndNotClosedCheck : public Check {
public:
  static constexpr const char *Id = "mp-pipe-end-not-closed";
  static constexpr const char *Summary =
      "Flags a process that reads a pipe until end-of-file after a fork while it still holds "
      "its own copy of the write end, so end-of-file never comes.";

  explicit PipeEndNotClosedCheck(const CheckOptions &options) : Check(Id, options) {}
  void checkTranslationUnit(AnalysisContext &ctx) override;
};

} // namespace analyzer
} // namespace procsan

#endif
