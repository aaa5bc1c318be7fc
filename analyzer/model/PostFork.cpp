#include "model/PostFork.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

struct CallCollector : RecursiveASTVisitor<CallCollector> {
  std::vector<const CallExpr *> calls;
  bool VisitCallExpr(CallExpr *c) {
    calls.push_back(c);
    return true;
  }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; } // defining a lambda runs nothing
};

bool isLoop(const Stmt *s) {
  return isa<ForStmt>(s) || isa<WhileStmt>(s) || isa<DoStmt>(s) || isa<CXXForRangeStmt>(s);
}

// The loops around s, innermost first, up to its function.
std::vector<const Stmt *> enclosingLoops(ASTContext &ctx, const Stmt *s) {
  std::vector<const Stmt *> loops;
  DynTypedNodeList parents = ctx.getParents(*s);
  for (unsigned depth = 0; !parents.empty() && depth < 256; ++depth) {
    if (const auto *d = parents[0].get<VarDecl>()) { // pid_t pid = fork();
      parents = ctx.getParents(*d);
      continue;
    }
    const Stmt *p = parents[0].get<Stmt>();
    if (!p)
      break;
    if (isLoop(p))
      loops.push_back(p);
    parents = ctx.getParents(*p);
  }
  return loops;
}

bool contains(const Stmt *outer, const Stmt *inner, const SourceManager &sm) {
  SourceRange r = outer->getSourceRange();
  SourceLocation l = inner->getBeginLoc();
  return !sm.isBeforeInTranslationUnit(l, r.getBegin()) &&
         !sm.isBeforeInTranslationUnit(r.getEnd(), l);
}

// The statement refers to v and changes it (v++, v += n, v = ...).
bool changes(const Stmt *s, const ValueDecl *v) {
  if (!s)
    return false;
  struct Finder : RecursiveASTVisitor<Finder> {
    const ValueDecl *v;
    bool found = false;
    bool isV(const Expr *e) {
      const auto *ref = dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
      return ref && ref->getDecl() == v;
    }
    bool VisitUnaryOperator(UnaryOperator *u) {
      if (u->isIncrementDecrementOp() && isV(u->getSubExpr()))
        found = true;
      return !found;
    }
    bool VisitBinaryOperator(BinaryOperator *b) {
      if (b->isAssignmentOp() && isV(b->getLHS()))
        found = true;
      return !found;
    }
  } finder;
  finder.v = v;
  finder.TraverseStmt(const_cast<Stmt *>(s));
  return finder.found;
}

} // namespace

PostForkModel::PostForkModel(ASTContext &ctx, const std::vector<ForkRegion> &regions,
                             const UseIndex &uses, const WaitModel &waits,
                             const SharedMemoryModel &values, FunctionSummaries &summaries)
    : ctx(ctx), regions(regions), uses(uses), waits(waits), values(values), summaries(summaries) {
  const SourceManager &sm = ctx.getSourceManager();
  for (const ForkRegion &region : regions) {
    if (!isReportable(region, sm))
      continue;
    if (!region.valid())
      continue;
    if (region.forkReachedAgain() && childAliveBefore(region, region.site().call))
      many.insert(&region);
    if (const FunctionDecl *fn = region.site().enclosing) {
      llvm::ArrayRef<const CallExpr *> callers = uses.callsTo(fn);
      bool again = callers.size() > 1;
      for (const CallExpr *c : callers)
        if (!enclosingLoops(ctx, c).empty())
          again = true;
      if (again && childAliveAtReturn(region))
        many.insert(&region);
    }
    for (const Stmt *s : region.childOnlyStatements())
      if (const auto *call = dyn_cast<CallExpr>(s))
        if (const FunctionDecl *fd = call->getDirectCallee())
          reach(fd, AfterFork{&region, OutChild, {call}}, 1);
    for (const Stmt *s : region.parentOnlyStatements())
      if (const auto *call = dyn_cast<CallExpr>(s))
        if (const FunctionDecl *fd = call->getDirectCallee())
          if (!afterReaping(region, call)) // the child is gone: nobody shares anything
            reach(fd, AfterFork{&region, OutParent, {call}}, 1);
  }
}

PostForkModel::~PostForkModel() = default;

void PostForkModel::reach(const FunctionDecl *fd, const AfterFork &from, unsigned depth) {
  const FunctionDecl *def = nullptr;
  const SourceManager &sm = ctx.getSourceManager();
  if (!fd->hasBody(def) || !def || sm.isInSystemHeader(sm.getExpansionLoc(def->getLocation())))
    return;
  auto it = reached.find(def);
  if (it != reached.end()) {
    if ((it->second.outcomes | from.outcomes) == it->second.outcomes)
      return;
    it->second.outcomes |= from.outcomes;
  } else {
    reached[def] = from;
  }
  if (depth >= 3)
    return;
  CallCollector collector;
  collector.TraverseStmt(def->getBody());
  for (const CallExpr *c : collector.calls)
    if (const FunctionDecl *callee = c->getDirectCallee()) {
      AfterFork next = from;
      next.calls.push_back(c);
      reach(callee, next, depth + 1);
    }
}

AfterFork PostForkModel::whereRuns(const Stmt *s) {
  const FunctionDecl *fn = enclosingFunction(ctx, s);
  if (!fn)
    return {};
  for (const ForkRegion &region : regions) {
    if (!region.valid() || region.site().enclosing != fn)
      continue;
    uint8_t o = region.outcomesAt(s) & (OutChild | OutParent);
    if (o)
      return AfterFork{&region, o, {}};
  }
  auto it = reached.find(fn);
  if (it != reached.end())
    return it->second;
  return {};
}

llvm::DenseSet<const Stmt *> PostForkModel::blockingWaits(const ForkRegion &region) {
  llvm::DenseSet<const Stmt *> blocking;
  const FunctionDecl *fn = region.site().enclosing;
  for (const WaitCall &w : waits.calls())
    if (!w.noHang && w.enclosing == fn && (region.outcomesAt(w.call) & OutParent))
      blocking.insert(w.call);
  return blocking;
}

bool PostForkModel::childAliveBefore(const ForkRegion &region, const Stmt *s) {
  if (!region.valid())
    return true;
  auto &flow = alive[&region];
  if (!flow) {
    const Stmt *fork = region.site().call;
    flow = std::make_unique<ByteFlow>(
        *region.graph(), ByteFlow::Max, 0,
        [fork, blocking = blockingWaits(region)](const CFGElement &e, uint8_t v) -> uint8_t {
          if (auto st = e.getAs<CFGStmt>()) {
            if (st->getStmt() == fork)
              return 1;
            if (blocking.count(st->getStmt()))
              return 0;
          }
          return v;
        });
  }
  std::optional<uint8_t> v = flow->before(s);
  return !v || *v;
}

bool PostForkModel::childAliveAtReturn(const ForkRegion &region) {
  if (!region.valid())
    return true;
  // Returns the parent takes (the error path has no child; the child's own paths end in _exit).
  struct Returns : RecursiveASTVisitor<Returns> {
    std::vector<const ReturnStmt *> found;
    bool VisitReturnStmt(ReturnStmt *r) {
      found.push_back(r);
      return true;
    }
    bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  } returns;
  const Stmt *body = region.site().enclosing->getBody();
  returns.TraverseStmt(const_cast<Stmt *>(body));
  for (const ReturnStmt *r : returns.found)
    if ((region.outcomesAt(r) & OutParent) && childAliveBefore(region, r))
      return true;
  // Falling off the end: the last statement of the body.
  if (const auto *cs = dyn_cast_or_null<CompoundStmt>(body))
    if (!cs->body_empty() && !isa<ReturnStmt>(cs->body_back()))
      if ((region.outcomesAt(cs->body_back()) & OutParent) &&
          childAliveBefore(region, cs->body_back()))
        return true;
  return false;
}

bool PostForkModel::mayOverlap(const ForkRegion &a, const ForkRegion &b) {
  if (&a == &b)
    return manyChildren(a);
  if (a.site().enclosing == b.site().enclosing)
    return childAliveBefore(a, b.site().call) || childAliveBefore(b, a.site().call);
  return childAliveAtReturn(a) || childAliveAtReturn(b);
}

bool PostForkModel::afterReaping(const ForkRegion &region, const Stmt *s) {
  if (!region.valid())
    return false;
  llvm::DenseSet<const Stmt *> blocking = blockingWaits(region);
  if (blocking.empty())
    return false;
  auto &flow = waited[&region];
  if (!flow)
    flow = std::make_unique<ByteFlow>(*region.graph(), ByteFlow::Min, 0,
                                      [blocking](const CFGElement &e, uint8_t v) -> uint8_t {
                                        if (auto st = e.getAs<CFGStmt>())
                                          if (blocking.count(st->getStmt()))
                                            return 1;
                                        return v;
                                      });
  std::optional<uint8_t> v = flow->before(s);
  if (v && *v)
    return true;
  // A loop of waits (for (i = 0; i < n; i++) wait(NULL);) ends before s: it may have run no
  // time on paper, but it is how programs reap their children.
  const SourceManager &sm = ctx.getSourceManager();
  for (const Stmt *w : blocking) {
    std::vector<const Stmt *> loops = enclosingLoops(ctx, w);
    if (loops.empty())
      continue;
    const Stmt *loop = loops.front();
    if (!contains(loop, s, sm) && sm.isBeforeInTranslationUnit(loop->getEndLoc(), s->getBeginLoc()))
      return true;
  }
  return false;
}

bool PostForkModel::isForkIdentity(const ValueDecl *v) { return isForkIdentity(v, 0); }

bool PostForkModel::isForkIdentity(const ValueDecl *v, unsigned depth) {
  if (!v || depth > 4)
    return false;
  auto it = identity.find(v);
  if (it != identity.end())
    return it->second == 1;
  identity[v] = 0;
  bool result = false;
  // The counter of a loop around a fork.
  std::vector<const Stmt *> spawns;
  for (const ForkRegion &region : regions) {
    spawns.push_back(region.site().call);
    if (region.site().enclosing) // for (i = 0; i < n; i++) spawn_worker(i);
      for (const CallExpr *c : uses.callsTo(region.site().enclosing))
        spawns.push_back(c);
  }
  for (const Stmt *spawn : spawns) {
    if (result)
      break;
    for (const Stmt *loop : enclosingLoops(ctx, spawn)) {
      if (const auto *fs = dyn_cast<ForStmt>(loop)) {
        if (changes(fs->getInc(), v) || changes(fs->getInit(), v))
          result = true;
        if (const auto *ds = dyn_cast_or_null<DeclStmt>(fs->getInit()))
          for (const Decl *d : ds->decls())
            if (d == v)
              result = true;
      } else if (const auto *ws = dyn_cast<WhileStmt>(loop)) {
        result = changes(ws->getBody(), v);
      } else if (const auto *ds = dyn_cast<DoStmt>(loop)) {
        result = changes(ds->getBody(), v);
      }
      if (result)
        break;
    }
  }
  // A copy of one (int me = i;) or a parameter some call passes one to.
  if (!result) {
    if (const auto *pv = dyn_cast<ParmVarDecl>(v)) {
      if (const auto *fn = dyn_cast<FunctionDecl>(pv->getDeclContext()))
        for (const CallExpr *c : uses.callsTo(fn))
          if (pv->getFunctionScopeIndex() < c->getNumArgs() &&
              onlyForkIdentities(c->getArg(pv->getFunctionScopeIndex()), depth + 1)) {
            result = true;
            break;
          }
    } else if (const auto *vd = dyn_cast<VarDecl>(v); vd && vd->isLocalVarDecl()) {
      llvm::ArrayRef<const Expr *> vals = values.valuesOf(vd);
      result = !vals.empty();
      for (const Expr *e : vals)
        result = result && onlyForkIdentities(e, depth + 1);
    }
  }
  identity[v] = result ? 1 : 2;
  return result;
}

bool PostForkModel::onlyForkIdentities(const Expr *e) { return onlyForkIdentities(e, 0); }

bool PostForkModel::onlyForkIdentities(const Expr *e, unsigned depth) {
  struct Refs : RecursiveASTVisitor<Refs> {
    std::vector<const ValueDecl *> vars;
    bool other = false;
    bool VisitDeclRefExpr(DeclRefExpr *r) {
      if (isa<VarDecl>(r->getDecl()))
        vars.push_back(r->getDecl());
      else if (!isa<EnumConstantDecl>(r->getDecl()))
        other = true;
      return true;
    }
    bool VisitCallExpr(CallExpr *) {
      other = true;
      return true;
    }
  } refs;
  refs.TraverseStmt(const_cast<Expr *>(e));
  if (refs.other || refs.vars.empty())
    return false;
  for (const ValueDecl *v : refs.vars)
    if (!isForkIdentity(v, depth))
      return false;
  return true;
}

} // namespace analyzer
} // namespace procsan
