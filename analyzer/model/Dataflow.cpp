#include "model/Dataflow.h"

#include <algorithm>
#include <deque>

using namespace clang;

namespace procsan {
namespace analyzer {

ByteFlow::ByteFlow(const CFG &cfg, Join join, uint8_t entryValue, Transfer transfer)
    : cfg(cfg), join(join), transfer(std::move(transfer)) {
  unsigned n = cfg.getNumBlockIDs();
  // Unvisited blocks start at the join's identity, so they do not weaken what real paths say.
  const uint8_t identity = join == Max ? 0 : 255;
  in.assign(n, identity);
  std::vector<uint8_t> out(n, identity);
  std::vector<bool> visited(n, false);
  for (const CFGBlock *b : cfg)
    for (unsigned i = 0; i < b->size(); ++i)
      if (auto s = (*b)[i].getAs<CFGStmt>())
        where.try_emplace(s->getStmt(), b, i);

  std::deque<const CFGBlock *> work{&cfg.getEntry()};
  std::vector<bool> queued(n, false);
  queued[cfg.getEntry().getBlockID()] = true;
  while (!work.empty()) {
    const CFGBlock *b = work.front();
    work.pop_front();
    unsigned id = b->getBlockID();
    queued[id] = false;
    uint8_t value = identity;
    bool any = false;
    if (b == &cfg.getEntry()) {
      value = entryValue;
      any = true;
    }
    for (const CFGBlock::AdjacentBlock &pred : b->preds()) {
      const CFGBlock *p = pred.getReachableBlock();
      if (!p || !visited[p->getBlockID()])
        continue;
      uint8_t v = out[p->getBlockID()];
      value = any ? (join == Max ? std::max(value, v) : std::min(value, v)) : v;
      any = true;
    }
    if (!any)
      continue;
    uint8_t result = apply(*b, value, b->size());
    if (visited[id] && in[id] == value && out[id] == result)
      continue;
    visited[id] = true;
    in[id] = value;
    out[id] = result;
    for (const CFGBlock::AdjacentBlock &succ : b->succs())
      if (const CFGBlock *s = succ.getReachableBlock())
        if (!queued[s->getBlockID()]) {
          queued[s->getBlockID()] = true;
          work.push_back(s);
        }
  }
}

uint8_t ByteFlow::apply(const CFGBlock &b, uint8_t value, unsigned stopAt) const {
  for (unsigned i = 0; i < stopAt && i < b.size(); ++i)
    value = transfer(b[i], value);
  return value;
}

std::optional<uint8_t> ByteFlow::before(const Stmt *s) const {
  auto it = where.find(s);
  if (it == where.end())
    return std::nullopt;
  const CFGBlock *b = it->second.first;
  return apply(*b, in[b->getBlockID()], it->second.second);
}

uint8_t ByteFlow::atExit() const { return in[cfg.getExit().getBlockID()]; }

} // namespace analyzer
} // namespace procsan
