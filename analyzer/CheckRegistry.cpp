#include "CheckRegistry.h"

#include "checks/ChildFallthroughCheck.h"
#include "checks/ExitInChildCheck.h"
#include "checks/ForkInLoopCheck.h"
#include "checks/JoinBeforeDrainCheck.h"
#include "checks/LeakedIpcNameCheck.h"
#include "checks/LostChildWriteCheck.h"
#include "checks/NonPsharedSyncCheck.h"
#include "checks/NonportableIpcPayloadCheck.h"
#include "checks/PipeEndNotClosedCheck.h"
#include "checks/UncheckedChildStatusCheck.h"
#include "checks/UncheckedForkCheck.h"
#include "checks/UnreapedChildCheck.h"
#include "checks/UnsafeCallAfterForkCheck.h"
#include "checks/UnsynchronizedSharedWriteCheck.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/GlobPattern.h"

namespace procsan {
namespace analyzer {

namespace {
template <typename T> CheckInfo entry() {
  return CheckInfo{T::Id, T::Summary,
                   [](const CheckOptions &o) { return std::unique_ptr<Check>(new T(o)); }};
}
} // namespace

const std::vector<CheckInfo> &allChecks() {
  static const std::vector<CheckInfo> checks = {
      entry<UncheckedForkCheck>(),
      entry<ChildFallthroughCheck>(),
      entry<ForkInLoopCheck>(),
      entry<ExitInChildCheck>(),
      entry<UnsafeCallAfterForkCheck>(),
      entry<UnreapedChildCheck>(),
      entry<UncheckedChildStatusCheck>(),
      entry<PipeEndNotClosedCheck>(),
      entry<JoinBeforeDrainCheck>(),
      entry<LeakedIpcNameCheck>(),
      entry<UnsynchronizedSharedWriteCheck>(),
      entry<NonPsharedSyncCheck>(),
      entry<NonportableIpcPayloadCheck>(),
      entry<LostChildWriteCheck>(),
  };
  return checks;
}

namespace {
// Measured below 90% true findings on bench/realcode (C) or bench/realcode/python (see each
// rule's docs page).
const char *const kOffByDefault[] = {
    "mp-exit-in-child",
    "mp-unchecked-child-status",
    "mp-unsafe-call-after-fork",
};
} // namespace

bool onByDefault(llvm::StringRef id) {
  for (const char *off : kOffByDefault)
    if (id == off)
      return false;
  return true;
}

std::string defaultChecks() {
  std::string globs = "mp-*";
  for (const char *off : kOffByDefault)
    globs += std::string(",-") + off;
  return globs;
}

bool checkEnabled(llvm::StringRef globs, llvm::StringRef id) {
  bool enabled = false;
  llvm::SmallVector<llvm::StringRef, 8> parts;
  globs.split(parts, ',', -1, false);
  for (llvm::StringRef part : parts) {
    part = part.trim();
    bool negative = part.consume_front("-");
    if (part.empty())
      continue;
    auto pattern = llvm::GlobPattern::create(part);
    if (!pattern) {
      llvm::consumeError(pattern.takeError());
      continue;
    }
    if (pattern->match(id))
      enabled = !negative;
  }
  return enabled;
}

} // namespace analyzer
} // namespace procsan
