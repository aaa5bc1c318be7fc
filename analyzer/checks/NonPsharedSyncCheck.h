#ifndef PROCSAN_ANALYZER_CHECKS_NONPSHAREDSYNCCHECK_H
#define PROCSAN_ANALYZER_CHECKS_NONPSHAREDSYNCCHECK_H

#include "Check.h"

namespace procsan {
namespace analyzer {

/// Flags a mutex, condition variable, rwlock, barrier or semaphore in shared memory that is set
/// up for one process only (no PTHREAD_PROCESS_SHARED, sem_init with pshared 0, std::mutex).
class NonPsharedSyncCheck : public Check {
public:
  static constexpr const char *Id = "mp-non-pshared-sync";
  static constexpr const char *Summary =
      "Flags a mutex, condition variable, rwlock, barrier or semaphore in shared memory that is "
      "set up for one process only (no PTHREAD_PROCESS_SHARED, sem_init with pshared 0, "
      "std::mutex).";

  explicit NonPsharedSyncCheck(const CheckOptions &options);
  void checkTranslationUnit(AnalysisContext &ctx) override;

private:
  bool suggestRobust;
};

} // namespace analyzer
} // namespace procsan

#endif
