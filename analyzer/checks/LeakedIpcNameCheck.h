#ifndef PROCSAN_ANALYZER_CHECKS_LEAKEDIPCNAMECHECK_H
#define PROCSAN_ANALYZER_CHECKS_LEAKEDIPCNAMECHECK_H

#include "Check.h"

namespace procsan {
namespace analyzer {

/// Flags shm_open, sem_open or mq_open with O_CREAT whose name is never unlinked, so the object
/// outlives the program.
class LeakedIpcNameCheck : public Check {
public:
  static constexpr const char *Id = "mp-leaked-ipc-name";
  static constexpr const char *Summary =
      "Flags shm_open, sem_open or mq_open with O_CREAT whose name is never unlinked, so the "
      "object outlives the program.";

  explicit LeakedIpcNameCheck(const CheckOptions &options) : Check(Id, options) {}
  void checkTranslationUnit(AnalysisContext &ctx) override;
};

} // namespace analyzer
} // namespace procsan

#endif
