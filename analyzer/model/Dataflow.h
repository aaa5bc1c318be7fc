// A small forward dataflow over a function's CFG whose fact is one byte per program point:
// a saturating count (how many locks may be held) or a flag (a wait has happened on every
// path). The models that need "what holds before this statement" (lock regions, waits before
// a write) share it instead of each walking the CFG.
#ifndef PROCSAN_ANALYZER_MODEL_DATAFLOW_H
#define PROCSAN_ANALYZER_MODEL_DATAFLOW_H

#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"

#include <functional>
#include <optional>
#include <vector>

namespace procsan {
namespace analyzer {

class ByteFlow {
public:
  // Max: the fact on some path (may); Min: the fact on every path (must).
  enum Join { Max, Min };
  // The effect of one CFG element on the fact.
  using Transfer = std::function<uint8_t(const clang::CFGElement &, uint8_t)>;

  ByteFlow(const clang::CFG &cfg, Join join, uint8_t entryValue, Transfer transfer);

  // The fact just before s runs; nullopt when s is not an element of this CFG.
  std::optional<uint8_t> before(const clang::Stmt *s) const;
  // The fact where the function returns (joined over every path to the exit).
  uint8_t atExit() const;

private:
  uint8_t apply(const clang::CFGBlock &b, uint8_t value, unsigned stopAt) const;

  const clang::CFG &cfg;
  Join join;
  Transfer transfer;
  std::vector<uint8_t> in;
  llvm::DenseMap<const clang::Stmt *, std::pair<const clang::CFGBlock *, unsigned>> where;
};

} // namespace analyzer
} // namespace procsan

#endif
