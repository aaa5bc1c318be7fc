#include "model/ForkRegions.h"

#include "clang/AST/Stmt.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"

#include <deque>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

const Expr *stripped(const Expr *e) { return e ? e->IgnoreParenImpCasts() : nullptr; }

// The expression a block's branch decides on. For `a && b` the CFG puts `b` in its own block
// whose terminator is the enclosing statement: there the value tested is `b`.
const Expr *branchCondition(const CFGBlock &b) {
  const Stmt *term = b.getTerminatorStmt();
  const Expr *cond = dyn_cast_or_null<Expr>(b.getTerminatorCondition(/*StripParens=*/true));
  if (!cond)
    return nullptr;
  for (;;) {
    const auto *bo = dyn_cast<BinaryOperator>(stripped(cond));
    if (!bo || !bo->isLogicalOp() || bo == term)
      break;
    cond = bo->getRHS();
  }
  return cond;
}

} // namespace

ForkRegion::ForkRegion(const ForkSite &site, FunctionSummaries &summaries)
    : forkSite(site), summaries(summaries) {
  if (!site.enclosing)
    return;
  cfg = summaries.cfgFor(site.enclosing);
  if (!cfg)
    return;
  if (site.childHandledInWrapper)
    initial = OutError | OutParent;
  for (const CFGBlock *b : *cfg) {
    if (!b)
      continue;
    unsigned i = 0;
    for (const CFGElement &e : *b) {
      if (auto s = e.getAs<CFGStmt>()) {
        where.try_emplace(s->getStmt(), b->getBlockID(), i);
        if (s->getStmt() == site.call) {
          forkBlock = b;
          forkIndex = i;
        }
      }
      ++i;
    }
  }
  if (!forkBlock) {
    cfg = nullptr; // the call is in a nested body (a lambda, a block) the CFG does not cover
    return;
  }
  run();
}

const PidTest *ForkRegion::testFor(const Expr *condition) const {
  const Expr *c = stripped(condition);
  if (!c)
    return nullptr;
  for (const PidTest &t : forkSite.tests) {
    if (t.condition && stripped(t.condition) == c)
      return &t;
    if (t.switchStmt && stripped(t.switchStmt->getCond()) == c)
      return &t;
  }
  return nullptr;
}

uint8_t ForkRegion::filterEdge(const CFGBlock &from, unsigned succIndex, uint8_t state) const {
  const Stmt *term = from.getTerminatorStmt();
  if (const auto *sw = dyn_cast_or_null<SwitchStmt>(term)) {
    const PidTest *t = testFor(sw->getCond());
    if (!t || !t->switchStmt)
      return state;
    const CFGBlock *succ = *(from.succ_begin() + succIndex);
    if (!succ)
      return 0;
    const Stmt *label = succ->getLabel();
    if (const auto *sc = dyn_cast_or_null<SwitchCase>(label))
      return state & switchLabelOutcomes(summaries.ast(), sw, sc);
    // The implicit "no case matched" edge (no default label).
    return state & switchLabelOutcomes(summaries.ast(), sw, nullptr);
  }
  if (from.succ_size() != 2)
    return state;
  const PidTest *t = testFor(branchCondition(from));
  if (!t || !t->condition)
    return state;
  return succIndex == 0 ? (state & t->trueOutcomes) : (state & ~t->trueOutcomes & OutAll);
}

void ForkRegion::run() {
  unsigned n = cfg->getNumBlockIDs();
  in.assign(n, 0);
  out.assign(n, 0);
  std::deque<const CFGBlock *> work;
  std::vector<bool> queued(n, false);
  auto push = [&](const CFGBlock *b) {
    if (!queued[b->getBlockID()]) {
      queued[b->getBlockID()] = true;
      work.push_back(b);
    }
  };
  push(forkBlock);
  while (!work.empty()) {
    const CFGBlock *b = work.front();
    work.pop_front();
    queued[b->getBlockID()] = false;
    uint8_t state = in[b->getBlockID()];
    if (b == forkBlock)
      state |= initial; // every pass through the fork starts all its outcomes again
    out[b->getBlockID()] = state;
    if (summaries.blockEndsPath(*b))
      continue;
    unsigned idx = 0;
    for (auto it = b->succ_begin(); it != b->succ_end(); ++it, ++idx) {
      const CFGBlock *succ = it->getReachableBlock();
      if (!succ)
        continue;
      uint8_t edge = filterEdge(*b, idx, state);
      uint8_t &target = in[succ->getBlockID()];
      if ((target | edge) != target) {
        target |= edge;
        push(succ);
      }
    }
  }

  forkReachedByChild = (in[forkBlock->getBlockID()] & OutChild) != 0;
  forkReachedAtAll = in[forkBlock->getBlockID()] != 0;
  for (const CFGBlock *b : *cfg) {
    if (!b)
      continue;
    uint8_t state = out[b->getBlockID()];
    if (!isChildOnly(state))
      continue;
    ++childOnlyBlocks;
    if (summaries.blockEndsPath(*b))
      continue;
    unsigned idx = 0;
    for (auto it = b->succ_begin(); it != b->succ_end(); ++it, ++idx) {
      const CFGBlock *succ = it->getReachableBlock();
      if (!succ)
        continue;
      uint8_t edge = filterEdge(*b, idx, state);
      if (!(edge & OutChild))
        continue;
      bool toExit = succ == &cfg->getExit();
      // Shared code is code the parent reaches too. Leaving the function is only a fall-through
      // when the parent also returns (a daemonizing parent that exits leaves the caller's code
      // to the child).
      if (!(out[succ->getBlockID()] & OutParent))
        continue;
      ChildExit ce;
      ce.from = b;
      ce.to = succ;
      ce.leavesFunction = toExit;
      for (auto e = b->rbegin(); e != b->rend(); ++e) {
        if (auto s = e->getAs<CFGStmt>()) {
          ce.lastStmt = s->getStmt();
          break;
        }
      }
      if (const auto *rs = dyn_cast_or_null<ReturnStmt>(b->getTerminatorStmt()))
        ce.returnStmt = rs;
      for (const CFGElement &e : *b) {
        auto s = e.getAs<CFGStmt>();
        if (!s)
          continue;
        if (const auto *rs = dyn_cast<ReturnStmt>(s->getStmt()))
          ce.returnStmt = rs;
        if (const auto *call = dyn_cast<CallExpr>(s->getStmt()))
          if (!call->getDirectCallee() && !call->isTypeDependent())
            ce.afterIndirectCall = true;
      }
      exits.push_back(ce);
    }
  }
}

uint8_t ForkRegion::outcomesAt(const Stmt *s) const {
  if (!cfg)
    return 0;
  auto it = where.find(s);
  if (it == where.end())
    return 0;
  unsigned block = it->second.first, index = it->second.second;
  uint8_t state = in[block];
  if (block == forkBlock->getBlockID() && index > forkIndex)
    state |= initial;
  return state;
}

std::vector<const Stmt *> ForkRegion::statementsWhere(bool (*pred)(uint8_t)) const {
  std::vector<const Stmt *> result;
  if (!cfg)
    return result;
  for (const CFGBlock *b : *cfg) {
    if (!b)
      continue;
    for (const CFGElement &e : *b)
      if (auto s = e.getAs<CFGStmt>())
        if (pred(outcomesAt(s->getStmt())))
          result.push_back(s->getStmt());
  }
  return result;
}

std::vector<const Stmt *> ForkRegion::childOnlyStatements() const {
  return statementsWhere(isChildOnly);
}

std::vector<const Stmt *> ForkRegion::parentOnlyStatements() const {
  return statementsWhere([](uint8_t o) -> bool { return (o & OutParent) && !(o & OutChild); });
}

const PidTest *ForkRegion::childBranchTest() const {
  if (!cfg)
    return nullptr;
  const SourceManager &sm = summaries.ast().getSourceManager();
  const PidTest *best = nullptr;
  for (const PidTest &t : forkSite.tests) {
    if (!t.separatesChild || !t.expr)
      continue;
    // Only tests in this function decide its paths (a helper's test does not).
    if (!where.count(t.expr) && !(t.switchStmt && where.count(t.switchStmt->getCond())))
      continue;
    if (!best || sm.isBeforeInTranslationUnit(t.expr->getBeginLoc(), best->expr->getBeginLoc()))
      best = &t;
  }
  return best;
}

bool isReportable(const ForkRegion &region, const SourceManager &sm) {
  return region.valid() &&
         !sm.isInSystemHeader(sm.getExpansionLoc(region.site().call->getBeginLoc()));
}

void addChildPathNotes(Finding &f, const ForkRegion &region) {
  const ForkSite &site = region.site();
  f.notes.push_back(
      {site.call->getBeginLoc(), "child of this " + site.callee->getNameAsString() + "()"});
  if (const PidTest *t = region.childBranchTest())
    f.notes.push_back({t->expr->getBeginLoc(), "this test makes it the child's path"});
}

bool ForkRegion::parentReachesExit() const {
  return cfg && (out[cfg->getExit().getBlockID()] & OutParent);
}

} // namespace analyzer
} // namespace procsan
