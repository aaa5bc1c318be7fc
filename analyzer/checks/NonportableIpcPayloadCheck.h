#ifndef PROCSAN_ANALYZER_CHECKS_NONPORTABLEIPCPAYLOADCHECK_H
#define PROCSAN_ANALYZER_CHECKS_NONPORTABLEIPCPAYLOADCHECK_H

#include "Check.h"

namespace procsan {
namespace analyzer {

/// Flags pointers and C++ objects whose bytes mean nothing in another process, sent raw through
/// a pipe, socket or message queue or stored in shared memory.
class NonportableIpcPayloadCheck : public Check {
public:
  static constexpr const char *Id = "mp-nonportable-ipc-payload";
  static constexpr const char *Summary =
      "Flags pointers and C++ objects whose bytes mean nothing in another process, sent raw "
      "through a pipe, socket or message queue or stored in shared memory.";

  explicit NonportableIpcPayloadCheck(const CheckOptions &options) : Check(Id, options) {}
  void checkTranslationUnit(AnalysisContext &ctx) override;
};

} // namespace analyzer
} // namespace procsan

#endif
