#include "checks/ChildFallthroughCheck.h"

#include "AnalysisContext.h"
#include "model/ForkRegions.h"

#include "clang/AST/Expr.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

#include <optional>
#include <set>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

const CallExpr *asExecCall(const Stmt *s) {
  const auto *call = dyn_cast_or_null<CallExpr>(s);
  if (!call)
    return nullptr;
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd || !fd->getIdentifier())
    return nullptr;
  StringRef name = fd->getName();
  return name.starts_with("exec") || name == "fexecve" ? call : nullptr;
}

// The exec call of the block the child leaves from, if any.
const CallExpr *execIn(const CFGBlock *b) {
  for (const CFGElement &e : *b)
    if (auto s = e.getAs<CFGStmt>())
      if (const CallExpr *call = asExecCall(s->getStmt()))
        return call;
  return nullptr;
}

// The child leaves right after an exec call: it failed.
bool afterExecFailure(const ChildExit &ce) { return asExecCall(ce.lastStmt) || execIn(ce.from); }

// The first statement of a block, for a note at the shared code.
const Stmt *firstStmt(const CFGBlock *b) {
  for (const CFGElement &e : *b)
    if (auto s = e.getAs<CFGStmt>())
      return s->getStmt();
  return b->getTerminatorStmt();
}

// The values an expression may have, when they are all constants: a constant, or a local
// variable whose initializer and every assignment in the function are constants. nullopt when
// unknown.
std::optional<std::set<int64_t>> constantValues(ASTContext &ast, const FunctionDecl *fn,
                                                const Expr *e) {
  if (!e)
    return std::nullopt;
  e = e->IgnoreParenImpCasts();
  Expr::EvalResult r;
  if (!e->isValueDependent() && e->EvaluateAsInt(r, ast))
    return std::set<int64_t>{r.Val.getInt().getExtValue()};
  const auto *ref = dyn_cast<DeclRefExpr>(e);
  const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
  if (!vd || !vd->hasLocalStorage() || isa<ParmVarDecl>(vd) || !fn->getBody())
    return std::nullopt;
  struct Stores : RecursiveASTVisitor<Stores> {
    ASTContext &ast;
    const VarDecl *vd;
    std::set<int64_t> values;
    bool unknown = false;
    Stores(ASTContext &ast, const VarDecl *vd) : ast(ast), vd(vd) {}
    bool names(const Expr *x) const {
      const auto *d = dyn_cast<DeclRefExpr>(x->IgnoreParenImpCasts());
      return d && d->getDecl() == vd;
    }
    void add(const Expr *x) {
      Expr::EvalResult v;
      if (x && !x->isValueDependent() && x->EvaluateAsInt(v, ast))
        values.insert(v.Val.getInt().getExtValue());
      else
        unknown = true;
    }
    bool VisitBinaryOperator(BinaryOperator *bo) {
      if (bo->isAssignmentOp() && names(bo->getLHS())) {
        if (bo->getOpcode() == BO_Assign)
          add(bo->getRHS());
        else
          unknown = true;
      }
      return true;
    }
    bool VisitUnaryOperator(UnaryOperator *uo) {
      if ((uo->isIncrementDecrementOp() || uo->getOpcode() == UO_AddrOf) && names(uo->getSubExpr()))
        unknown = true;
      return true;
    }
  } stores(ast, vd);
  if (vd->hasInit())
    stores.add(vd->getInit());
  stores.TraverseStmt(fn->getBody());
  if (stores.unknown || stores.values.empty())
    return std::nullopt;
  return stores.values;
}

// The value of `cond` when `of` (a variable, or the call itself) holds v: `x`, `!x`, `x OP k`.
std::optional<bool> evalWith(ASTContext &ast, const Expr *cond, const Decl *var, const Expr *call,
                             int64_t v) {
  cond = cond->IgnoreParenImpCasts();
  auto isSubject = [&](const Expr *e) {
    e = e->IgnoreParenImpCasts();
    if (e == call)
      return true;
    const auto *ref = dyn_cast<DeclRefExpr>(e);
    return var && ref && ref->getDecl() == var;
  };
  if (isSubject(cond))
    return v != 0;
  if (const auto *uo = dyn_cast<UnaryOperator>(cond); uo && uo->getOpcode() == UO_LNot) {
    std::optional<bool> inner = evalWith(ast, uo->getSubExpr(), var, call, v);
    return inner ? std::optional<bool>(!*inner) : std::nullopt;
  }
  const auto *bo = dyn_cast<BinaryOperator>(cond);
  if (!bo || !bo->isComparisonOp())
    return std::nullopt;
  const Expr *lhs = bo->getLHS(), *rhs = bo->getRHS();
  BinaryOperatorKind op = bo->getOpcode();
  if (!isSubject(lhs)) {
    std::swap(lhs, rhs);
    op = BinaryOperator::reverseComparisonOp(op);
  }
  Expr::EvalResult r;
  if (!isSubject(lhs) || rhs->isValueDependent() || !rhs->EvaluateAsInt(r, ast))
    return std::nullopt;
  return evalCompare(op, v, r.Val.getInt().getExtValue());
}

// A branch that never comes back to the code after its `if`: it returns, or ends in a call
// that never returns.
bool branchEnds(AnalysisContext &ctx, const Stmt *s) {
  if (!s)
    return false;
  if (const auto *cs = dyn_cast<CompoundStmt>(s))
    return !cs->body_empty() && branchEnds(ctx, cs->body_back());
  if (isa<ReturnStmt>(s))
    return true;
  if (const auto *call = dyn_cast<CallExpr>(s))
    return ctx.summaries().callNeverReturns(call);
  return false;
}

// The caller's first test of the value tells the two processes apart and one of them leaves
// (`int rc = setup_workers(); if (rc != 1) return rc;`): what follows is one process's code.
// `childMustLeave`: only the child's leaving will do (a child whose exec failed).
bool callerSeparates(AnalysisContext &ctx, const CallExpr *call, const std::set<int64_t> &child,
                     const std::set<int64_t> &parent, bool childMustLeave) {
  ASTContext &ast = ctx.ast();
  const Decl *var = nullptr;
  const Stmt *at = call; // the statement holding the call, within its block
  for (;;) {
    const auto &ps = ast.getParents(*at);
    if (ps.empty())
      return false;
    if (const auto *vd = ps[0].get<VarDecl>()) {
      var = vd;
      const auto &dp = ast.getParents(*vd);
      if (dp.empty() || !(at = dp[0].get<DeclStmt>()))
        return false;
      break;
    }
    if (const auto *e = ps[0].get<Expr>()) {
      if (const auto *bo = dyn_cast<BinaryOperator>(e); bo && bo->getOpcode() == BO_Assign) {
        if (const auto *ref = dyn_cast<DeclRefExpr>(bo->getLHS()->IgnoreParenImpCasts()))
          var = ref->getDecl();
        at = bo;
        continue;
      }
      if (isa<ImplicitCastExpr, ParenExpr>(e) || (isa<UnaryOperator>(e) && !var) ||
          (isa<BinaryOperator>(e) && cast<BinaryOperator>(e)->isComparisonOp())) {
        at = e;
        continue;
      }
      return false;
    }
    if (const auto *is = ps[0].get<IfStmt>(); is && is->getCond() == at) {
      at = is;
      break;
    }
    if (ps[0].get<CompoundStmt>())
      break;
    return false;
  }
  const IfStmt *test = dyn_cast<IfStmt>(at);
  if (!test) {
    const auto &ps = ast.getParents(*at);
    const auto *block = ps.empty() ? nullptr : ps[0].get<CompoundStmt>();
    if (!block || !var)
      return false;
    for (auto it = block->body_begin(); it != block->body_end(); ++it)
      if (*it == at) {
        if (++it != block->body_end())
          test = dyn_cast<IfStmt>(*it);
        break;
      }
  }
  if (!test || test->getInit() || test->getConditionVariable())
    return false;
  auto side = [&](const std::set<int64_t> &values) -> std::optional<bool> {
    std::optional<bool> taken;
    for (int64_t v : values) {
      std::optional<bool> b = evalWith(ast, test->getCond(), var, call, v);
      if (!b || (taken && *taken != *b))
        return std::nullopt;
      taken = b;
    }
    return taken;
  };
  std::optional<bool> c = side(child), p = side(parent);
  if (!c || !p || *c == *p)
    return false;
  const Stmt *childBranch = *c ? test->getThen() : test->getElse();
  const Stmt *parentBranch = *p ? test->getThen() : test->getElse();
  if (branchEnds(ctx, childBranch))
    return true;
  // The parent leaves and the child goes on in the caller: fine when the caller ends the process
  // with it, or hands its own role value on (`if (rc != 1) return rc;`); a void caller that the
  // parent leaves lets the child fall out of it next.
  const FunctionDecl *caller = enclosingFunction(ast, call);
  bool handsOn =
      caller && (isProcessEntry(ast, ctx.uses(), caller) || !caller->getReturnType()->isVoidType());
  return !childMustLeave && handsOn && branchEnds(ctx, parentBranch);
}

// A function whose child returns values its parent never returns (`return 1; /* worker */`
// against the parent's `return 0`, APR_INCHILD against APR_INPARENT) tells its caller which
// process it is in, as fork() does: returning is its contract, provided the callers this file
// has look at the value. A child that returns only because its exec failed is another matter:
// its caller must end the process with that value (every caller here does, and there is one).
bool returnsRole(AnalysisContext &ctx, const ForkRegion &region, bool afterExec) {
  const FunctionDecl *fn = region.site().enclosing;
  if (!fn || !fn->getBody() || fn->getReturnType()->isVoidType())
    return false;
  std::vector<const ReturnStmt *> returns;
  struct Returns : RecursiveASTVisitor<Returns> {
    std::vector<const ReturnStmt *> &out;
    explicit Returns(std::vector<const ReturnStmt *> &out) : out(out) {}
    bool VisitReturnStmt(ReturnStmt *r) {
      out.push_back(r);
      return true;
    }
    bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  } collect(returns);
  collect.TraverseStmt(fn->getBody());
  std::set<int64_t> child, parent;
  bool anyChild = false;
  for (const ReturnStmt *r : returns) {
    uint8_t at = region.outcomesAt(r);
    if (!(at & (OutChild | OutParent)))
      continue;
    std::optional<std::set<int64_t>> values = constantValues(ctx.ast(), fn, r->getRetValue());
    if (!values)
      return false;
    if (at & OutChild) {
      child.insert(values->begin(), values->end());
      anyChild = true;
    }
    if (at & OutParent)
      parent.insert(values->begin(), values->end());
  }
  if (!anyChild || parent.empty())
    return false;
  for (int64_t v : child)
    if (parent.count(v))
      return false;
  // Callers in this file must tell the processes apart by the value; callers elsewhere (a
  // library's fork-like API) are trusted to, as fork()'s are. Not a child whose exec failed:
  // that one must be seen sent away by a caller here.
  const auto &calls = ctx.uses().callsTo(fn);
  if (afterExec && calls.empty())
    return false;
  for (const CallExpr *call : calls)
    if (!callerSeparates(ctx, call, child, parent, afterExec))
      return false;
  return true;
}

// The return is the child's of a fork made in this region's child (a double fork): that fork
// decides whether it falls through.
bool childOfInnerFork(AnalysisContext &ctx, const ForkRegion &region, const Stmt *at) {
  // Only a function that returns a value (`doublefork()`: 0 in the grandchild, its pid in the
  // parent) hands the grandchild a role; a void one lets it fall into its caller.
  const FunctionDecl *fn = region.site().enclosing;
  if (!fn || fn->getReturnType()->isVoidType())
    return false;
  for (const ForkRegion &inner : ctx.forkRegions()) {
    if (&inner == &region || !inner.valid())
      continue;
    if (!isChildOnly(region.outcomesAt(inner.site().call)))
      continue;
    if (inner.outcomesAt(at) & OutChild)
      return true;
  }
  return false;
}

// The value is the fork's result, as the parent keeps it (`job->pid = pid`).
bool holdsPid(const ForkRegion &region, const Expr *value) {
  const Expr *e = value->IgnoreParenImpCasts();
  if (e == region.site().call)
    return true;
  const ValueDecl *d = nullptr;
  if (const auto *ref = dyn_cast<DeclRefExpr>(e))
    d = ref->getDecl();
  else if (const auto *me = dyn_cast<MemberExpr>(e))
    d = me->getMemberDecl();
  return d && llvm::is_contained(region.site().storages, d);
}

// What the two processes record about themselves after the fork: what only one of them
// writes (`ctx.options |= FORKED` in the parent, `is_child = 1`). (Later tests of the pid itself
// are the fork-region model's: they already split the paths.)
llvm::DenseSet<const Decl *> roleMarkers(const ForkRegion &region) {
  llvm::DenseSet<const Decl *> markers;
  auto add = [&](const Expr *lhs) {
    lhs = lhs->IgnoreParenImpCasts();
    if (const auto *ref = dyn_cast<DeclRefExpr>(lhs))
      markers.insert(ref->getDecl()->getCanonicalDecl());
    else if (const auto *me = dyn_cast<MemberExpr>(lhs))
      markers.insert(me->getMemberDecl()->getCanonicalDecl());
  };
  for (const auto &stmts : {region.childOnlyStatements(), region.parentOnlyStatements()})
    for (const Stmt *st : stmts) {
      if (const auto *bo = dyn_cast<BinaryOperator>(st);
          bo && bo->isAssignmentOp() && !holdsPid(region, bo->getRHS()))
        add(bo->getLHS());
      else if (const auto *uo = dyn_cast<UnaryOperator>(st); uo && uo->isIncrementDecrementOp())
        add(uo->getSubExpr());
    }
  return markers;
}

bool readsMarker(const Stmt *s, const llvm::DenseSet<const Decl *> &markers) {
  if (!s)
    return false;
  if (const auto *ref = dyn_cast<DeclRefExpr>(s);
      ref && markers.count(ref->getDecl()->getCanonicalDecl()))
    return true;
  if (const auto *me = dyn_cast<MemberExpr>(s);
      me && markers.count(me->getMemberDecl()->getCanonicalDecl()))
    return true;
  for (const Stmt *child : s->children())
    if (readsMarker(child, markers))
      return true;
  return false;
}

// The code the child runs into is written for both processes: a branch it reaches tests what
// one of the processes recorded about its role (a flag, a field only one of them set). A daemon's
// shared tail (`if (options & FORKED) ...`, the cleanup both run before leaving main) is not the
// parent's code.
bool sharedCodeTellsRolesApart(const ForkRegion &region, const ChildExit &ce,
                               const llvm::DenseSet<const Decl *> &markers) {
  std::vector<const CFGBlock *> work{ce.to};
  llvm::DenseSet<const CFGBlock *> seen;
  while (!work.empty() && seen.size() < 400) {
    const CFGBlock *b = work.back();
    work.pop_back();
    if (!b || !seen.insert(b).second || b == &region.graph()->getExit())
      continue;
    if (b->succ_size() >= 2)
      if (const Stmt *cond = b->getTerminatorCondition(); cond && readsMarker(cond, markers))
        return true;
    for (auto it = b->succ_begin(); it != b->succ_end(); ++it)
      if (const CFGBlock *succ = it->getReachableBlock())
        if (region.outcomesEntering(succ) & OutChild)
          work.push_back(succ);
  }
  return false;
}

// A fork-like function that tells its caller which process it is in through memory the
// caller sees: one side writes a field reached through a pointer parameter or a global
// (`cxt->pid = getpid()` in the child), which code outside the function reads (a predicate
// like `is_parent(cxt)`). The caller separates the processes with it.
bool roleLeftForCaller(AnalysisContext &ctx, const ForkRegion &region) {
  const FunctionDecl *fn = region.site().enclosing;
  auto visibleToCaller = [](const Expr *lhs) -> const ValueDecl * {
    lhs = lhs->IgnoreParenImpCasts();
    if (const auto *me = dyn_cast<MemberExpr>(lhs)) {
      const auto *base = dyn_cast<DeclRefExpr>(me->getBase()->IgnoreParenImpCasts());
      if (me->isArrow() && base && isa<ParmVarDecl>(base->getDecl()))
        return me->getMemberDecl();
      return nullptr;
    }
    if (const auto *ref = dyn_cast<DeclRefExpr>(lhs))
      if (const auto *vd = dyn_cast<VarDecl>(ref->getDecl()); vd && vd->hasGlobalStorage())
        return vd;
    return nullptr;
  };
  // The child says what it is (the parent storing the child's pid in a table is bookkeeping).
  for (const Stmt *st : region.childOnlyStatements()) {
    const auto *bo = dyn_cast<BinaryOperator>(st);
    if (!bo || !bo->isAssignmentOp() || holdsPid(region, bo->getRHS()))
      continue;
    const ValueDecl *marker = visibleToCaller(bo->getLHS());
    if (!marker)
      continue;
    for (const Expr *ref : ctx.uses().referencesTo(marker)) {
      if (enclosingFunction(ctx.ast(), ref) == fn)
        continue;
      ValueUse use = classifyUse(ctx.ast(), ref);
      if (use.kind == ValueUse::Compared || use.kind == ValueUse::Truthiness ||
          use.kind == ValueUse::Switched)
        return true;
    }
  }
  return false;
}

} // namespace

void ChildFallthroughCheck::checkTranslationUnit(AnalysisContext &ctx) {
  modelOptions.applyTo(ctx); // clang-tidy runs no registerMatchers of ours
  const SourceManager &sm = ctx.sourceManager();
  for (const ForkRegion &region : ctx.forkRegions()) {
    const ForkSite &site = region.site();
    // A wrapper returns the pid so its caller can branch; a looping child is mp-fork-in-loop.
    // But a wrapper that execs in the child has told its callers the child is gone: a failed
    // exec that returns hands them 0 or -1 as if it were the parent.
    if (!isReportable(region, sm) || region.childReachesForkAgain())
      continue;
    // Returning from an entry point ends the child (mp-exit-in-child looks at how).
    bool isEntry = isProcessEntry(ctx.ast(), ctx.uses(), site.enclosing);
    std::optional<bool> roleValue[2]; // without, with a failed exec on the child's way out
    std::set<const Stmt *> reported;
    std::optional<llvm::DenseSet<const Decl *>> markers;
    std::optional<bool> roleForCaller;
    for (const ChildExit &ce : region.childExits()) {
      if (ce.leavesFunction && isEntry)
        continue; // returning from main in the child is mp-exit-in-child
      // The parent never returns from this function (it serves forever, or exits: an accept
      // loop that hands the connection to its caller in the child, a daemonizing fork): what
      // follows the call in the caller is the child's code by design.
      if (ce.leavesFunction && !region.parentReachesExit())
        continue;
      // The child returns a value of its own: the caller branches on it (a fork-like API).
      if (ce.leavesFunction && ce.returnStmt) {
        bool afterExec = asExecCall(ce.lastStmt) || execIn(ce.from);
        std::optional<bool> &role = roleValue[afterExec];
        if (!role)
          role = returnsRole(ctx, region, afterExec);
        if (*role)
          continue;
        if (childOfInnerFork(ctx, region, ce.returnStmt))
          continue;
      }
      if (!afterExecFailure(ce)) {
        if (!roleForCaller)
          roleForCaller = roleLeftForCaller(ctx, region);
        if (*roleForCaller)
          continue;
      }
      // `exec_fn(data); return -1; /* not reached */`: a call through a pointer may well never
      // return; precision first.
      if (ce.afterIndirectCall)
        continue;
      if (!ce.leavesFunction) {
        if (!markers)
          markers = roleMarkers(region);
        if (sharedCodeTellsRolesApart(region, ce, *markers))
          continue;
      }
      const CallExpr *exec = asExecCall(ce.lastStmt);
      if (!exec)
        exec = execIn(ce.from);
      if (site.returned && !exec)
        continue;
      const Stmt *at = ce.returnStmt ? ce.returnStmt : ce.lastStmt;
      if (!at)
        at = site.call;
      if (!reported.insert(at).second)
        continue;
      std::string fn = site.enclosing->getNameAsString();
      std::string message;
      if (exec)
        message = "if " + exec->getDirectCallee()->getNameAsString() +
                  "() fails, the child process " +
                  (ce.leavesFunction ? "returns from '" + fn + "' into its caller's code"
                                     : std::string("runs on into code the parent also runs")) +
                  "; end the child with _exit()";
      else if (ce.leavesFunction)
        message = "the child process returns from '" + fn +
                  "' into its caller's code, which the parent runs too; end the child with "
                  "_exit()";
      else
        message = "the child process runs on into code the parent also runs; end the child "
                  "with _exit() or exec";
      Finding &f = diag(at->getBeginLoc(), message);
      addChildPathNotes(f, region);
      if (!ce.leavesFunction)
        if (const Stmt *shared = firstStmt(ce.to))
          f.notes.push_back({shared->getBeginLoc(), "the parent runs this code as well"});
    }
  }
}

} // namespace analyzer
} // namespace procsan
