#ifndef PROCSAN_ANALYZER_CHECKS_PIPEENDNOTCLOSEDCHECK_H
#define PROCSAN_ANALYZER_CHECKS_PIPEENDNOTCLOSEDCHECK_H

#include "Check.h"

#include <vector>

namespace procsan {
namespace analyzer {

class ForkRegion;
struct PipeSite;

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

private:
  // A pipe made without O_CLOEXEC before the fork whose end the child still holds when it
  // execs: the other program inherits it.
  void checkExecLeaks(AnalysisContext &ctx, const ForkRegion &region,
                      const std::vector<PipeSite> &pipes);
};

} // namespace analyzer
} // namespace procsan

#endif
