#include "model/ForkRegions.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/Stmt.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/Analyses/Dominators.h"
#include "clang/Basic/SourceManager.h"

#include <algorithm>
#include <deque>
#include <functional>

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

// Two spellings of one value: the same variable, the same field of the same object.
bool sameValue(const Expr *a, const Expr *b) {
  a = stripped(a);
  b = stripped(b);
  if (!a || !b || a->getStmtClass() != b->getStmtClass())
    return false;
  if (const auto *ra = dyn_cast<DeclRefExpr>(a))
    return ra->getDecl() == cast<DeclRefExpr>(b)->getDecl();
  if (const auto *ma = dyn_cast<MemberExpr>(a)) {
    const auto *mb = cast<MemberExpr>(b);
    return ma->getMemberDecl() == mb->getMemberDecl() && ma->isArrow() == mb->isArrow() &&
           sameValue(ma->getBase(), mb->getBase());
  }
  return false;
}

// The value a two-way block decides on: its branch condition, or for the block of `a && b` (or
// `a || b`) that evaluates `a`, `a` itself.
const Expr *decidedValue(const CFGBlock &b) {
  if (const auto *bo = dyn_cast_or_null<BinaryOperator>(b.getTerminatorStmt());
      bo && bo->isLogicalOp())
    return stripped(bo->getLHS());
  return branchCondition(b);
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
  // A wrapper that ends its own error path (`if (pid < 0) die(...)`) never returns -1.
  if (site.errorHandledInWrapper ||
      (site.wrappedFork && summaries.wrapperMayFail(site.callee) == std::optional<bool>(false)))
    initial &= ~OutError;
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
  if (auto it = fixedEdge.find(from.getBlockID()); it != fixedEdge.end() && it->second != succIndex)
    return 0;
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
      return state & withFlagged(switchLabelOutcomes(summaries.ast(), forkSite.values, sw, sc));
    // The implicit "no case matched" edge (no default label).
    return state & withFlagged(switchLabelOutcomes(summaries.ast(), forkSite.values, sw, nullptr));
  }
  if (from.succ_size() != 2)
    return state;
  const Expr *cond = branchCondition(from);
  uint8_t trueSet = 0;
  if (const PidTest *t = testFor(cond); t && t->condition)
    trueSet = withFlagged(t->trueOutcomes);
  else if (std::optional<uint8_t> f = flagTest(cond))
    trueSet = *f;
  else
    return state;
  return succIndex == 0 ? (state & trueSet) : (state & ~trueSet & kAllStates);
}

namespace {

// The constant an expression evaluates to.
std::optional<int64_t> constantOf(ASTContext &ctx, const Expr *e) {
  Expr::EvalResult r;
  if (!e || e->isValueDependent() || !e->EvaluateAsInt(r, ctx))
    return std::nullopt;
  return r.Val.getInt().getExtValue();
}

const VarDecl *localNamed(const Expr *e) {
  const auto *ref = dyn_cast_or_null<DeclRefExpr>(e ? e->IgnoreParenImpCasts() : nullptr);
  const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
  return vd && vd->hasLocalStorage() && !vd->getType()->isReferenceType() ? vd : nullptr;
}

} // namespace

std::optional<uint8_t> ForkRegion::flagTest(const Expr *cond) const {
  if (!flag || !cond)
    return std::nullopt;
  ASTContext &ctx = summaries.ast();
  const Expr *e = stripped(cond);
  // Which values make the condition true: v, !v, v == k, v != k (either side).
  std::function<std::optional<bool>(int64_t)> holds;
  if (localNamed(e) == flag) {
    holds = [](int64_t v) { return v != 0; };
  } else if (const auto *uo = dyn_cast<UnaryOperator>(e);
             uo && uo->getOpcode() == UO_LNot && localNamed(uo->getSubExpr()) == flag) {
    holds = [](int64_t v) { return v == 0; };
  } else if (const auto *bo = dyn_cast<BinaryOperator>(e);
             bo && (bo->getOpcode() == BO_EQ || bo->getOpcode() == BO_NE)) {
    const Expr *other = localNamed(bo->getLHS()) == flag   ? bo->getRHS()
                        : localNamed(bo->getRHS()) == flag ? bo->getLHS()
                                                           : nullptr;
    std::optional<int64_t> k = constantOf(ctx, other);
    // A counter the child increments is some positive number: only `== 0` / `!= 0` tell.
    if (!k || (flagCounts && *k != 0))
      return std::nullopt;
    bool eq = bo->getOpcode() == BO_EQ;
    holds = [k, eq](int64_t v) { return (v == *k) == eq; };
  } else {
    return std::nullopt;
  }
  return (*holds(flagSet) ? kChildFlagged : 0) |
         (*holds(flagOther) ? (OutError | OutChild | OutParent) : 0);
}

// A variable only the child sets, to one constant, while every other store of it (its
// initializer included) is another constant: `if (pid == 0) child = 1;`. A test of it tells the
// child that stored it from everybody else.
void ForkRegion::findChildFlag() {
  ASTContext &ctx = summaries.ast();
  struct Store {
    const VarDecl *var;
    const Expr *value;
    const Stmt *at;
  };
  std::vector<Store> stores;
  llvm::DenseSet<const VarDecl *> spoiled;
  // `forked++` / `++forked`: the child counts instead of storing 1.
  std::vector<Store> increments;
  struct Finder : RecursiveASTVisitor<Finder> {
    std::vector<Store> &stores;
    llvm::DenseSet<const VarDecl *> &spoiled;
    std::vector<Store> &increments;
    Finder(std::vector<Store> &st, llvm::DenseSet<const VarDecl *> &sp, std::vector<Store> &inc)
        : stores(st), spoiled(sp), increments(inc) {}
    bool VisitBinaryOperator(BinaryOperator *bo) {
      if (const VarDecl *v = localNamed(bo->getLHS())) {
        if (bo->getOpcode() == BO_Assign)
          stores.push_back({v, bo->getRHS(), bo});
        else if (bo->isAssignmentOp())
          spoiled.insert(v);
      }
      return true;
    }
    bool VisitUnaryOperator(UnaryOperator *uo) {
      if (const VarDecl *v = localNamed(uo->getSubExpr())) {
        if (uo->isIncrementOp())
          increments.push_back({v, nullptr, uo});
        else if (uo->isDecrementOp() || uo->getOpcode() == UO_AddrOf)
          spoiled.insert(v);
      }
      return true;
    }
  } finder(stores, spoiled, increments);
  finder.TraverseStmt(const_cast<Stmt *>(forkSite.enclosing->getBody()));
  // A counter only the child increments, every other store of it zero: it tells the child
  // (non-zero: the test `if (forked)`) from everybody else.
  for (const Store &inc : increments) {
    const VarDecl *v = inc.var;
    if (spoiled.count(v) || outcomesAt(inc.at) != OutChild ||
        llvm::is_contained(forkSite.storages, v) || !v->getInit() ||
        constantOf(ctx, v->getInit()) != std::optional<int64_t>(0))
      continue;
    bool onlyChild = true;
    for (const Store &other : increments)
      onlyChild &= other.var != v || outcomesAt(other.at) == OutChild;
    for (const Store &st : stores)
      onlyChild &= st.var != v || constantOf(ctx, st.value) == std::optional<int64_t>(0);
    if (!onlyChild)
      continue;
    flag = v;
    flagSet = 1;
    flagOther = 0;
    flagCounts = true;
    for (const Store &other : increments)
      if (other.var == v)
        flagStores.insert(other.at);
    return;
  }
  for (const Store &inc : increments)
    spoiled.insert(inc.var);
  for (const Store &candidate : stores) {
    const VarDecl *v = candidate.var;
    // Only the child, not the error path, may run the store.
    if (spoiled.count(v) || outcomesAt(candidate.at) != OutChild ||
        forkSite.storages.end() != std::find(forkSite.storages.begin(), forkSite.storages.end(), v))
      continue;
    std::optional<int64_t> set = constantOf(ctx, candidate.value);
    if (!set)
      continue;
    // Every other store: one constant, the same everywhere outside the child.
    bool haveOther = false, consistent = true;
    int64_t otherValue = 0;
    if (const Expr *init = v->getInit()) {
      std::optional<int64_t> k = constantOf(ctx, init);
      consistent = k.has_value();
      haveOther = consistent;
      otherValue = k.value_or(0);
    }
    for (const Store &st : stores) {
      if (!consistent || st.var != v)
        continue;
      std::optional<int64_t> k = constantOf(ctx, st.value);
      bool childStore = outcomesAt(st.at) == OutChild;
      if (!k || (childStore && *k != *set) || (!childStore && haveOther && *k != otherValue)) {
        consistent = false;
      } else if (!childStore) {
        haveOther = true;
        otherValue = *k;
      }
    }
    if (!consistent || !haveOther || otherValue == *set)
      continue;
    flag = v;
    flagSet = *set;
    flagOther = otherValue;
    for (const Store &st : stores)
      if (st.var == v && outcomesAt(st.at) == OutChild)
        flagStores.insert(st.at);
    return;
  }
}

namespace {

// The variables and fields a function writes (or lets others write: its address taken, a
// non-const reference bound to it).
struct Writes : RecursiveASTVisitor<Writes> {
  llvm::DenseSet<const Decl *> written;
  // Functions of this file the function calls, read too (three calls deep): a global they
  // change changes between two passes through the caller's branch.
  llvm::DenseSet<const FunctionDecl *> followed;
  unsigned depth = 0;
  void mark(const Expr *e) {
    e = e ? e->IgnoreParenCasts() : nullptr;
    if (const auto *ref = dyn_cast_or_null<DeclRefExpr>(e))
      written.insert(ref->getDecl()->getCanonicalDecl());
    else if (const auto *me = dyn_cast_or_null<MemberExpr>(e))
      written.insert(me->getMemberDecl()->getCanonicalDecl());
    else if (const auto *ase = dyn_cast_or_null<ArraySubscriptExpr>(e))
      mark(ase->getBase());
  }
  bool VisitBinaryOperator(BinaryOperator *bo) {
    if (bo->isAssignmentOp())
      mark(bo->getLHS());
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *uo) {
    if (uo->isIncrementDecrementOp() || uo->getOpcode() == UO_AddrOf)
      mark(uo->getSubExpr());
    return true;
  }
  bool VisitCallExpr(CallExpr *call) {
    const FunctionDecl *fd = call->getDirectCallee();
    for (unsigned i = 0; i < call->getNumArgs(); ++i) {
      const ParmVarDecl *p = fd && i < fd->getNumParams() ? fd->getParamDecl(i) : nullptr;
      if (p && p->getType()->isReferenceType() &&
          !p->getType().getNonReferenceType().isConstQualified())
        mark(call->getArg(i));
    }
    const FunctionDecl *def = nullptr;
    if (fd && depth < 3 && fd->hasBody(def) && def && followed.insert(def).second) {
      ++depth;
      TraverseStmt(def->getBody());
      --depth;
    }
    return true;
  }
  bool VisitVarDecl(VarDecl *vd) {
    // A local given its value by its declaration gets it again on every pass through it; a
    // non-const reference bound here may write what it names.
    if (vd->hasLocalStorage() && vd->hasInit())
      written.insert(vd->getCanonicalDecl());
    if (vd->getType()->isReferenceType() && !vd->getType().getNonReferenceType().isConstQualified())
      mark(vd->getInit());
    return true;
  }
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *op) {
    if (op->isAssignmentOp() || op->getOperator() == OO_PlusPlus ||
        op->getOperator() == OO_MinusMinus)
      mark(op->getArg(0));
    return true;
  }
};

// The condition's value cannot change while the function runs: it reads only variables and
// fields the function never writes, nor the functions of this file it calls (nor anything
// volatile), constants, and no calls. A global changed by a function of another file is not
// seen (taken as fixed).
bool invariantIn(const Expr *e, const Writes &w) {
  if (!e)
    return false;
  e = e->IgnoreParenImpCasts();
  if (e->getType().isVolatileQualified())
    return false;
  if (isa<IntegerLiteral, CharacterLiteral, CXXBoolLiteralExpr>(e))
    return true;
  if (const auto *ref = dyn_cast<DeclRefExpr>(e)) {
    if (isa<EnumConstantDecl>(ref->getDecl()))
      return true;
    const auto *vd = dyn_cast<VarDecl>(ref->getDecl());
    return vd && !vd->getType()->isReferenceType() && !w.written.count(vd->getCanonicalDecl());
  }
  if (const auto *me = dyn_cast<MemberExpr>(e)) // not through a pointer: a callee may change it
    return !me->isArrow() && !w.written.count(me->getMemberDecl()->getCanonicalDecl()) &&
           invariantIn(me->getBase(), w);
  if (const auto *uo = dyn_cast<UnaryOperator>(e))
    return (uo->getOpcode() == UO_LNot || uo->getOpcode() == UO_Minus ||
            uo->getOpcode() == UO_Not) &&
           invariantIn(uo->getSubExpr(), w);
  if (const auto *bo = dyn_cast<BinaryOperator>(e))
    return !bo->isAssignmentOp() && bo->getOpcode() != BO_Comma && invariantIn(bo->getLHS(), w) &&
           invariantIn(bo->getRHS(), w);
  return false;
}

} // namespace

void ForkRegion::findFixedBranches() {
  const Stmt *body = forkSite.enclosing->getBody();
  if (!body)
    return;
  std::optional<Writes> writes;
  std::optional<CFGDomTree> dom;
  std::vector<std::pair<const Expr *, unsigned>> known; // conditions fixed on the way to the fork
  for (const CFGBlock *b : *cfg) {
    if (!b || b == forkBlock || b->succ_size() != 2)
      continue;
    const Expr *cond = branchCondition(*b);
    if (!cond || testFor(cond))
      continue;
    // The cheap test first: most conditions read something the function changes.
    if (!writes) {
      writes.emplace();
      writes->TraverseStmt(const_cast<Stmt *>(body));
    }
    if (!invariantIn(cond, *writes))
      continue;
    // Every way to the fork passes this branch, always on the same edge: the branch and that
    // successor (entered from the branch only) dominate the fork.
    if (!dom)
      dom.emplace(const_cast<CFG *>(cfg));
    if (!dom->dominates(b, forkBlock))
      continue;
    for (unsigned i = 0; i < 2; ++i) {
      const CFGBlock *succ = (b->succ_begin() + i)->getReachableBlock();
      if (succ && succ->pred_size() == 1 && dom->dominates(succ, forkBlock)) {
        fixedEdge[b->getBlockID()] = i;
        known.push_back({decidedValue(*b), i});
        break;
      }
    }
  }
  if (known.empty())
    return;
  // The same unchanging condition tested again (before or after the fork) has the value it had
  // on the way to the fork: `if (usermap && groupmap) pid = fork(); ... if (!pid && usermap)`.
  for (const CFGBlock *b : *cfg) {
    if (!b || b->succ_size() != 2 || fixedEdge.count(b->getBlockID()))
      continue;
    const Expr *cond = decidedValue(*b);
    if (!cond || testFor(cond) || !invariantIn(cond, *writes))
      continue;
    bool negated = false;
    const Expr *inner = stripped(cond);
    if (const auto *uo = dyn_cast<UnaryOperator>(inner); uo && uo->getOpcode() == UO_LNot) {
      negated = true;
      inner = uo->getSubExpr();
    }
    for (const auto &[k, edge] : known) {
      bool knownNegated = false;
      const Expr *kInner = stripped(k);
      if (const auto *uo = dyn_cast<UnaryOperator>(kInner); uo && uo->getOpcode() == UO_LNot) {
        knownNegated = true;
        kInner = uo->getSubExpr();
      }
      if (!sameValue(inner, kInner))
        continue;
      fixedEdge[b->getBlockID()] = negated == knownNegated ? edge : 1 - edge;
      break;
    }
  }
}

void ForkRegion::run() {
  findFixedBranches();
  dataflow();
  findChildFlag();
  if (flag)
    dataflow(); // again, with the child that set the flag told apart
  finishRun();
}

void ForkRegion::dataflow() {
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
    if ((state & OutChild) && !flagStores.empty())
      for (const CFGElement &e : *b)
        if (auto st = e.getAs<CFGStmt>(); st && flagStores.count(st->getStmt()))
          state = (state & ~OutChild) | kChildFlagged;
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
}

void ForkRegion::finishRun() {
  // The child runs shared code that calls nothing (a loop's increment and condition, a second
  // test of its pid) and comes back to code only it runs on every path: it has not left.
  auto childComesBack = [&](const CFGBlock *from, uint8_t state) {
    std::vector<std::pair<const CFGBlock *, uint8_t>> work{{from, state}};
    llvm::DenseSet<const CFGBlock *> seen;
    while (!work.empty()) {
      auto [b, st] = work.back();
      work.pop_back();
      if (isChildOnly(visible(out[b->getBlockID()])))
        continue; // back in the child's own code
      if (b == &cfg->getExit() || b == forkBlock)
        return false; // it leaves, or forks again
      if (!seen.insert(b).second)
        continue;
      for (const CFGElement &e : *b)
        if (auto cs = e.getAs<CFGStmt>(); cs && isa<CallExpr>(cs->getStmt()))
          return false;
      unsigned idx = 0;
      for (auto it = b->succ_begin(); it != b->succ_end(); ++it, ++idx)
        if (const CFGBlock *succ = it->getReachableBlock()) {
          uint8_t edge = filterEdge(*b, idx, st);
          if (visible(edge) & OutChild)
            work.push_back({succ, edge});
        }
    }
    return true;
  };
  if (forkSite.returned)
    summaries.noteWrapperMayFail(forkSite.enclosing, errorReachesExit());
  forkReachedByChild = (visible(in[forkBlock->getBlockID()]) & OutChild) != 0;
  forkReachedAtAll = in[forkBlock->getBlockID()] != 0;
  for (const CFGBlock *b : *cfg) {
    if (!b)
      continue;
    uint8_t state = out[b->getBlockID()];
    if (!isChildOnly(visible(state)))
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
      if (!(visible(edge) & OutChild))
        continue;
      bool toExit = succ == &cfg->getExit();
      // Shared code is code the parent reaches too. Leaving the function is only a fall-through
      // when the parent also returns (a daemonizing parent that exits leaves the caller's code
      // to the child).
      if (!(out[succ->getBlockID()] & OutParent))
        continue;
      if (childComesBack(succ, edge))
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
  return visible(state);
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

SourceLocation ForkRegion::childBranchLoc() const {
  const PidTest *t = childBranchTest();
  if (!t)
    return {};
  if (t->switchStmt)
    if (const SwitchCase *label = childSwitchLabel(summaries.ast(), forkSite.values, t->switchStmt))
      return label->getBeginLoc();
  return t->expr->getBeginLoc();
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
    f.notes.push_back({region.childBranchLoc(), t->switchStmt
                                                    ? "the child takes this label of the switch"
                                                    : "this test makes it the child's path"});
}

namespace {

bool endsProcessWith(const FunctionDecl *fd, unsigned argIndex) {
  if (!fd || !fd->getIdentifier() || argIndex != 0)
    return false;
  StringRef n = fd->getName();
  const DeclContext *dc = fd->getDeclContext()->getRedeclContext();
  bool library =
      dc->isTranslationUnit() || dc->isExternCContext() || fd->isExternC() || dc->isStdNamespace();
  return library && (n == "exit" || n == "_exit" || n == "_Exit" || n == "quick_exit");
}

bool isProcessEntry(ASTContext &ctx, const UseIndex &uses, const FunctionDecl *fd, unsigned depth) {
  if (!fd)
    return false;
  if (fd->isMain())
    return true;
  if (depth > 3 || !fd->getIdentifier() || !fd->getReturnType()->isIntegerType())
    return false;
  llvm::ArrayRef<const CallExpr *> callers = uses.callsTo(fd);
  if (callers.empty())
    return fd->getName().ends_with("_main") && fd->getNumParams() == 2 &&
           fd->getParamDecl(0)->getType()->isIntegerType() &&
           fd->getParamDecl(1)->getType()->isPointerType();
  for (const CallExpr *c : callers) {
    ValueUse use = classifyUse(ctx, c);
    if (use.kind == ValueUse::Argument &&
        endsProcessWith(use.call->getDirectCallee(), use.argIndex))
      continue;
    if (use.kind == ValueUse::Returned &&
        isProcessEntry(ctx, uses, enclosingFunction(ctx, c), depth + 1))
      continue;
    return false;
  }
  return true;
}

} // namespace

bool isProcessEntry(ASTContext &ctx, const UseIndex &uses, const FunctionDecl *fd) {
  return isProcessEntry(ctx, uses, fd, 0);
}

bool ForkRegion::parentReachesExit() const {
  return cfg && (out[cfg->getExit().getBlockID()] & OutParent);
}

bool ForkRegion::errorReachesExit() const {
  return !cfg || (out[cfg->getExit().getBlockID()] & OutError);
}

} // namespace analyzer
} // namespace procsan
