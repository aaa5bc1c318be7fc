#include "model/PostFork.h"
#include "AnalysisContext.h"
#include "model/CallChains.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

#include <map>

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

namespace procsan {
namespace analyzer {

namespace {

bool isLibraryFunction(const FunctionDecl *fd) {
  if (!fd || !fd->getIdentifier())
    return false;
  const DeclContext *dc = fd->getDeclContext()->getRedeclContext();
  return dc->isTranslationUnit() || dc->isExternCContext() || fd->isExternC() ||
         dc->isStdNamespace();
}

// The expression names one of the standard streams (stderr, std::cerr, ...).
bool namesStream(const Expr *e, std::initializer_list<StringRef> names) {
  if (!e)
    return false;
  e = e->IgnoreParenImpCasts();
  while (const auto *op = dyn_cast<CXXOperatorCallExpr>(e)) { // std::cout << a << b
    if (op->getNumArgs() == 0)
      return false;
    e = op->getArg(0)->IgnoreParenImpCasts();
  }
  const auto *ref = dyn_cast<DeclRefExpr>(e);
  if (!ref || !ref->getDecl()->getIdentifier())
    return false;
  StringRef n = ref->getDecl()->getName();
  for (StringRef want : names)
    if (n == want)
      return true;
  return false;
}

bool isStdioFlush(const CallExpr *call) {
  if (const auto *op = dyn_cast<CXXOperatorCallExpr>(call)) { // std::cout << std::endl
    for (const Expr *arg : op->arguments())
      if (const auto *ref = dyn_cast<DeclRefExpr>(arg->IgnoreParenImpCasts()))
        if (const auto *fd = dyn_cast<FunctionDecl>(ref->getDecl()))
          if (fd->getIdentifier() && (fd->getName() == "endl" || fd->getName() == "flush"))
            return true;
    return false;
  }
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd || !fd->getIdentifier())
    return false;
  StringRef n = fd->getName();
  if (isa<CXXMemberCallExpr>(call))
    return n == "flush";
  return isLibraryFunction(fd) && (n == "fflush" || n == "fflush_unlocked" || n == "fclose" ||
                                   n == "setvbuf" || n == "setbuf" || n == "fcloseall");
}

} // namespace

bool isBufferedStdioWrite(const CallExpr *call) {
  if (const auto *op = dyn_cast<CXXOperatorCallExpr>(call))
    return op->getOperator() == OO_LessLess && op->getNumArgs() == 2 &&
           namesStream(op->getArg(0), {"cout", "wcout", "clog", "wclog"});
  const FunctionDecl *fd = call->getDirectCallee();
  if (!isLibraryFunction(fd))
    return false;
  StringRef n = fd->getName();
  if (n.ends_with("_unlocked"))
    n = n.drop_back(9);
  unsigned stream = ~0u; // the argument naming the FILE
  if (n == "printf" || n == "vprintf" || n == "puts" || n == "putchar" || n == "wprintf" ||
      n == "putwchar")
    return true;
  if (n == "fprintf" || n == "vfprintf" || n == "fwprintf")
    stream = 0;
  else if (n == "fputs" || n == "fputc" || n == "putc" || n == "fputws" || n == "fputwc" ||
           n == "putwc")
    stream = 1;
  else if (n == "fwrite")
    stream = 3;
  if (stream >= call->getNumArgs())
    return false;
  return !namesStream(call->getArg(stream), {"stderr"}); // stderr is unbuffered
}

namespace {

bool isGetpidCall(const Expr *e) {
  const auto *call = dyn_cast_or_null<CallExpr>(e ? e->IgnoreParenImpCasts() : nullptr);
  const FunctionDecl *fd = call ? call->getDirectCallee() : nullptr;
  return fd && isLibraryFunction(fd) && fd->getName() == "getpid";
}

// `cond` holds only in the process whose pid a variable recorded: one of its `&&` operands
// compares getpid() with something for equality (`!=` and `||` for the negation).
bool requiresOwnPid(const Expr *cond, bool negated) {
  const auto *bo = dyn_cast_or_null<BinaryOperator>(cond ? cond->IgnoreParenImpCasts() : nullptr);
  if (!bo)
    return false;
  BinaryOperatorKind joins = negated ? BO_LOr : BO_LAnd;
  if (bo->getOpcode() == joins)
    return requiresOwnPid(bo->getLHS(), negated) || requiresOwnPid(bo->getRHS(), negated);
  if (bo->getOpcode() != (negated ? BO_NE : BO_EQ))
    return false;
  return isGetpidCall(bo->getLHS()) != isGetpidCall(bo->getRHS());
}

bool onlyReturns(const Stmt *s) {
  if (const auto *cs = dyn_cast_or_null<CompoundStmt>(s))
    return cs->size() == 1 && onlyReturns(cs->body_front());
  return isa_and_nonnull<ReturnStmt>(s);
}

// An exit handler that does its work only in the process that registered it (it compares
// getpid() with the pid it recorded: a pid file's cleanup): in a forked child it does nothing.
bool actsOnlyInRegisteringProcess(const Expr *handlerArg) {
  const Expr *e = handlerArg ? handlerArg->IgnoreParenImpCasts() : nullptr;
  if (const auto *uo = dyn_cast_or_null<UnaryOperator>(e); uo && uo->getOpcode() == UO_AddrOf)
    e = uo->getSubExpr()->IgnoreParenImpCasts();
  const auto *ref = dyn_cast_or_null<DeclRefExpr>(e);
  const auto *fd = ref ? dyn_cast<FunctionDecl>(ref->getDecl()) : nullptr;
  const FunctionDecl *def = fd ? fd->getDefinition() : nullptr;
  const auto *body = def ? dyn_cast_or_null<CompoundStmt>(def->getBody()) : nullptr;
  if (!body)
    return false;
  bool any = false;
  for (const Stmt *st : body->body()) {
    if (isa<NullStmt>(st))
      continue;
    const auto *is = dyn_cast<IfStmt>(st);
    if (!is || is->getInit() || is->getConditionVariable())
      return false;
    // if (recorded != getpid()) return;  ...everything after runs only in that process.
    if (!is->getElse() && onlyReturns(is->getThen()) && requiresOwnPid(is->getCond(), true))
      return true;
    // if (recorded == getpid()) { ... }
    if (is->getElse() || !requiresOwnPid(is->getCond(), false))
      return false;
    any = true;
  }
  return any;
}

} // namespace

std::vector<ExitHandlerSite> exitHandlersIn(ASTContext &ctx, const UseIndex &uses) {
  const SourceManager &sm = ctx.getSourceManager();
  std::vector<ExitHandlerSite> out;
  for (const CallExpr *call : uses.allCalls()) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!isLibraryFunction(fd) || sm.isInSystemHeader(sm.getExpansionLoc(call->getBeginLoc())))
      continue;
    if (fd->getName() != "atexit" && fd->getName() != "on_exit")
      continue;
    if (call->getNumArgs() >= 1 && actsOnlyInRegisteringProcess(call->getArg(0)))
      continue;
    const FunctionDecl *in = enclosingFunction(ctx, call);
    if (in && in->hasAttr<ConstructorAttr>())
      in = nullptr; // runs before main(), in every program that links this file
    out.push_back({call->getBeginLoc(), in});
  }
  // Static objects whose destructor is the program's own code (or flushes a file stream).
  struct Statics : RecursiveASTVisitor<Statics> {
    const SourceManager &sm;
    std::vector<ExitHandlerSite> &out;
    Statics(const SourceManager &sm, std::vector<ExitHandlerSite> &out) : sm(sm), out(out) {}
    bool TraverseDecl(Decl *d) {
      if (d && !isa<TranslationUnitDecl>(d) &&
          sm.isInSystemHeader(sm.getExpansionLoc(d->getLocation())))
        return true;
      return RecursiveASTVisitor::TraverseDecl(d);
    }
    bool VisitVarDecl(VarDecl *vd) {
      if (!vd->hasGlobalStorage() || vd->getTLSKind() != VarDecl::TLS_None ||
          vd->getType().isDestructedType() != QualType::DK_cxx_destructor)
        return true;
      const CXXRecordDecl *rd = vd->getType()->getBaseElementTypeUnsafe()->getAsCXXRecordDecl();
      if (!rd || !rd->getDestructor())
        return true;
      const CXXDestructorDecl *dtor = rd->getDestructor();
      bool programs = !sm.isInSystemHeader(sm.getExpansionLoc(dtor->getLocation()));
      bool fileStream = rd->isInStdNamespace() && rd->getIdentifier() &&
                        (rd->getName().contains("fstream") || rd->getName() == "basic_filebuf");
      if (!programs && !fileStream)
        return true;
      // A function-local static is made the first time its function runs: registered there.
      const FunctionDecl *in = nullptr;
      if (vd->isStaticLocal())
        in = dyn_cast_or_null<FunctionDecl>(vd->getParentFunctionOrMethod());
      out.push_back({vd->getLocation(), in});
      return true;
    }
  } statics(sm, out);
  statics.TraverseDecl(ctx.getTranslationUnitDecl());
  return out;
}

namespace {

// Follows calls of this TU's functions to a buffered write (or to code it cannot see).
bool reachesWrite(const FunctionDecl *fd, const SourceManager &sm, bool unknownCounts) {
  CallChainQuery query;
  query.maxDepth = 3;
  query.match = [&](const Expr *e) -> std::string {
    const auto *call = dyn_cast<CallExpr>(e);
    if (!call)
      return {};
    if (isBufferedStdioWrite(call))
      return "write";
    if (!unknownCounts)
      return {};
    const FunctionDecl *callee = call->getDirectCallee();
    if (!callee)
      return call->isTypeDependent() ? "" : "unknown";
    if (!callee->hasBody() && !callee->isNoReturn() &&
        !sm.isInSystemHeader(sm.getExpansionLoc(callee->getLocation())))
      return "unknown";
    return {};
  };
  return findThroughCalls(fd, sm, query).found();
}

// Buffered stdio output pending in a process, followed through a function's CFG: which write
// left it there (the fact is the write's index + 1 in `writes`; 0: nothing pending). A flush
// empties the buffer; a call that never returns ends the path, so a usage() that prints and
// exits leaves nothing behind; a call to a function of this TU counts when that function may
// return with output pending (its own flow, to a small depth).
class PendingOutput {
public:
  explicit PendingOutput(AnalysisContext &ctx) : ctx(ctx) {}

  // Whether output may still be pending just before `at` in fd: the write that left it, or
  // `inherited` when only output pending at fd's entry may still be there (no flush on some
  // path), with `inheritedAtEntry`.
  struct Pending {
    const Expr *write = nullptr;
    bool inherited = false;
  };
  Pending before(const FunctionDecl *fd, const Stmt *at, bool inheritedAtEntry) {
    const CFG *cfg = ctx.summaries().cfgFor(fd);
    if (!cfg)
      return {};
    std::optional<uint8_t> v = flow(*cfg, kDepth, inheritedAtEntry ? kInherited : 0).before(at);
    if (!v || !*v)
      return {};
    if (*v == kInherited)
      return {nullptr, true};
    return {writes[*v - kFirstWrite], false};
  }

private:
  static constexpr unsigned kDepth = 3;
  // Fact values: 0 nothing pending; kInherited what was pending at the function's entry; from
  // kFirstWrite on, the write (writes[v - kFirstWrite]) that left output pending. The join
  // keeps the largest: a known write over the inherited output.
  static constexpr uint8_t kInherited = 1, kFirstWrite = 2;

  ByteFlow flow(const CFG &cfg, unsigned depth, uint8_t entry = 0) {
    return ByteFlow(cfg, ByteFlow::Max, entry, [this, depth](const CFGElement &e, uint8_t v) {
      auto st = e.getAs<CFGStmt>();
      const auto *call = st ? dyn_cast<CallExpr>(st->getStmt()) : nullptr;
      if (!call)
        return v;
      if (isStdioFlush(call))
        return uint8_t(0);
      if (ctx.summaries().callNeverReturns(call))
        return uint8_t(0);
      if (isBufferedStdioWrite(call))
        return indexOf(call);
      if (const FunctionDecl *callee = call->getDirectCallee();
          callee && callee->hasBody() && depth > 0)
        if (returnsPending(callee, depth - 1))
          return indexOf(call);
      return v;
    });
  }

  bool returnsPending(const FunctionDecl *fd, unsigned depth) {
    // Keyed by the depth left too: an answer found with less depth is not the full one.
    std::pair<const FunctionDecl *, unsigned> key{fd->getCanonicalDecl(), depth};
    auto [it, added] = atReturn.try_emplace(key, false);
    if (!added)
      return it->second; // known, or being computed (recursion: assume not)
    const CFG *cfg = ctx.summaries().cfgFor(fd);
    bool pending = cfg && flow(*cfg, depth).atExit() != 0;
    atReturn[key] = pending;
    return pending;
  }

  uint8_t indexOf(const CallExpr *call) {
    for (size_t i = 0; i < writes.size(); ++i)
      if (writes[i] == call)
        return uint8_t(i + kFirstWrite);
    if (writes.size() + kFirstWrite > 255)
      return 255; // saturate: some write is pending
    writes.push_back(call);
    return uint8_t(writes.size() - 1 + kFirstWrite);
  }

  AnalysisContext &ctx;
  std::vector<const Expr *> writes;
  std::map<std::pair<const FunctionDecl *, unsigned>, bool> atReturn;
};

} // namespace

const Expr *pendingStdioAtFork(AnalysisContext &ctx, const ForkRegion &region) {
  const ForkSite &site = region.site();
  if (!site.enclosing)
    return nullptr;
  PendingOutput pending(ctx);
  PendingOutput::Pending here = pending.before(site.enclosing, site.call, true);
  if (here.write || !here.inherited)
    return here.write; // a write here, or every path flushed before the fork
  // What the callers here left in the buffer, when no flush empties it before the fork.
  for (const CallExpr *c : ctx.uses().callsTo(site.enclosing))
    if (const FunctionDecl *caller = enclosingFunction(ctx.ast(), c))
      if (const Expr *w = pending.before(caller, c, false).write)
        return w;
  return nullptr;
}

bool childMayWriteStdio(AnalysisContext &ctx, const ForkRegion &region) {
  const SourceManager &sm = ctx.sourceManager();
  for (const Stmt *s : region.childOnlyStatements()) {
    const auto *call = dyn_cast<CallExpr>(s);
    if (!call)
      continue;
    if (isBufferedStdioWrite(call))
      return true;
    const FunctionDecl *callee = call->getDirectCallee();
    if (!callee) {
      if (!call->isTypeDependent())
        return true; // through a pointer: anything
      continue;
    }
    if (callee->hasBody()) {
      if (reachesWrite(callee, sm, true))
        return true;
    } else if (!callee->isNoReturn() &&
               !sm.isInSystemHeader(sm.getExpansionLoc(callee->getLocation()))) {
      return true; // the program's code in another file
    }
  }
  return false;
}

} // namespace analyzer
} // namespace procsan
