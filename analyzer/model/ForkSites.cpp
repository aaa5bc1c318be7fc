#include "model/ForkSites.h"
#include "AnalysisContext.h"
#include "model/ProgramSummaries.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringSwitch.h"

#include <functional>
#include <optional>

using namespace clang;

namespace procsan {
namespace analyzer {

bool ForkSite::testsChild() const {
  for (const PidTest &t : tests)
    if (t.separatesChild)
      return true;
  return false;
}

bool ForkSite::testsError() const {
  for (const PidTest &t : tests)
    if (t.separatesError)
      return true;
  return false;
}

std::optional<bool> evalCompare(BinaryOperatorKind op, int64_t lhs, int64_t rhs) {
  switch (op) {
  case BO_EQ:
    return lhs == rhs;
  case BO_NE:
    return lhs != rhs;
  case BO_LT:
    return lhs < rhs;
  case BO_LE:
    return lhs <= rhs;
  case BO_GT:
    return lhs > rhs;
  case BO_GE:
    return lhs >= rhs;
  default:
    return std::nullopt;
  }
}

namespace {

bool isCLibraryFunction(const FunctionDecl *fd) {
  const DeclContext *dc = fd->getDeclContext()->getRedeclContext();
  return dc->isTranslationUnit() || dc->isExternCContext() || fd->isExternC();
}

// APR's status codes as apr_errno.h defines them (APR_OS_START_STATUS + 1 and + 2); a failed
// apr_proc_fork returns the fork's errno (EAGAIN stands for any). The values the program's own
// headers give APR_INCHILD and APR_INPARENT win (aprValuesIn).
constexpr ForkValues kAprValues{11, 70001, 70002};

// APR_INCHILD and APR_INPARENT as the function's code spells them: the outermost expression
// each macro expands to, evaluated.
ForkValues aprValuesIn(ASTContext &ctx, const FunctionDecl *fn) {
  ForkValues v = kAprValues;
  if (!fn || !fn->getBody())
    return v;
  struct Finder : RecursiveASTVisitor<Finder> {
    ASTContext &ctx;
    ForkValues &v;
    bool child = false, parent = false;
    Finder(ASTContext &ctx, ForkValues &v) : ctx(ctx), v(v) {}
    bool VisitExpr(Expr *e) {
      SourceLocation loc = e->getBeginLoc();
      if (!loc.isMacroID() || e->isValueDependent())
        return true;
      StringRef name = Lexer::getImmediateMacroName(loc, ctx.getSourceManager(), ctx.getLangOpts());
      bool isChild = name == "APR_INCHILD", isParent = name == "APR_INPARENT";
      if ((!isChild || child) && (!isParent || parent))
        return true;
      Expr::EvalResult r;
      if (!e->EvaluateAsInt(r, ctx))
        return true;
      (isChild ? v.child : v.parent) = r.Val.getInt().getExtValue();
      (isChild ? child : parent) = true;
      return true;
    }
  } finder(ctx, v);
  finder.TraverseStmt(fn->getBody());
  return v;
}

bool isAprProcFork(const FunctionDecl *fd) {
  return fd && fd->getIdentifier() && fd->getName() == "apr_proc_fork" && !fd->hasBody() &&
         isCLibraryFunction(fd);
}

// The statement expression whose value a discarded use is: the use is the last statement of
// its compound body. Null otherwise.
const StmtExpr *valueOfStatementExpression(ASTContext &ctx, const ValueUse &use) {
  const auto *body = dyn_cast_or_null<CompoundStmt>(use.user);
  if (!body || body->body_empty() || body->body_back() != use.at)
    return nullptr;
  DynTypedNodeList parents = ctx.getParents(*body);
  return parents.empty() ? nullptr : parents[0].get<StmtExpr>();
}

} // namespace

ForkModelOptions::ForkModelOptions(const CheckOptions &options)
    : forkFunctions(options.get("ForkFunctions", "")),
      noReturnFunctions(options.get("NoReturnFunctions", "")) {}

void ForkModelOptions::applyTo(AnalysisContext &ctx) const {
  if (!forkFunctions.empty() || !noReturnFunctions.empty())
    ctx.program().configure(forkFunctions, noReturnFunctions);
}

bool ForkSiteModel::isForkFunction(const FunctionDecl *fd) {
  if (!fd || !fd->getIdentifier())
    return false;
  StringRef name = fd->getName();
  return (name == "fork" || name == "vfork") && isCLibraryFunction(fd);
}

bool consumesPidWithoutTesting(const FunctionDecl *fd) {
  if (!fd || !fd->getIdentifier() || !isCLibraryFunction(fd))
    return false;
  return llvm::StringSwitch<bool>(fd->getName())
      .Cases("printf", "fprintf", "dprintf", "sprintf", "snprintf", "syslog", true)
      .Cases("waitpid", "wait4", "kill", "killpg", "sigqueue", "setpgid", "getpgid", true)
      .Cases("sched_setaffinity", "setpriority", "ptrace", "prlimit", true)
      .Default(false);
}

ForkSiteModel::ForkSiteModel(ASTContext &ctx, const UseIndex &uses, ProgramView *program)
    : ctx(ctx), uses(uses) {
  // Direct forks first, then calls of wrappers, until no new wrapper appears.
  struct Pending {
    const CallExpr *call;
    const CallExpr *wrappedFork;
    bool childHandled;
    bool errorHandled = false;
    bool role = false; // apr_proc_fork: status values, not a pid
  };
  std::vector<Pending> pending;
  const SourceManager &sm = ctx.getSourceManager();
  for (const CallExpr *call : uses.allCalls()) {
    const FunctionDecl *callee = call->getDirectCallee();
    bool diverts = false, neverFails = false;
    if (isForkFunction(callee))
      pending.push_back({call, nullptr, false});
    else if (isAprProcFork(callee))
      pending.push_back({call, nullptr, false, false, true});
    else if (program && callee->getReturnType()->isIntegerType() && program->configuredFork(callee))
      pending.push_back({call, nullptr, false}); // named in the ForkFunctions option
    else if (program && callee->getReturnType()->isIntegerType() &&
             program->isForkWrapper(callee, sm, diverts, &neverFails))
      pending.push_back({call, nullptr, diverts, neverFails}); // a wrapper defined in another TU
  }
  llvm::DenseSet<const CallExpr *> done;
  for (unsigned round = 0; !pending.empty() && round < 8; ++round) {
    std::vector<Pending> next;
    for (const Pending &p : pending) {
      if (!done.insert(p.call).second)
        continue;
      ForkSite site;
      site.call = p.call;
      site.callee = p.call->getDirectCallee();
      site.enclosing = enclosingFunction(ctx, p.call);
      site.wrappedFork = p.wrappedFork;
      site.childHandledInWrapper = p.childHandled;
      site.errorHandledInWrapper = p.errorHandled;
      if (p.role) {
        site.roleValues = true;
        site.values = aprValuesIn(ctx, site.enclosing);
      }
      llvm::DenseSet<const void *> seen;
      trace(site, p.call, seen, 0);
      // A function returning APR's status is APR's kind of wrapper, not fork()'s: not followed.
      if (site.returned && site.enclosing && !site.roleValues &&
          wrappers.insert(site.enclosing->getCanonicalDecl()).second) {
        const CallExpr *root = p.wrappedFork ? p.wrappedFork : p.call;
        bool handled = p.childHandled || site.testsChild();
        if (handled)
          divertingWrappers.insert(site.enclosing->getCanonicalDecl());
        for (const CallExpr *c : uses.callsTo(site.enclosing))
          next.push_back({c, root, handled});
      }
      all.push_back(std::move(site));
    }
    pending = std::move(next);
  }
}

bool ForkSiteModel::isForkWrapper(const FunctionDecl *fd) const {
  return fd && wrappers.count(fd->getCanonicalDecl());
}

bool ForkSiteModel::wrapperDivertsChild(const FunctionDecl *fd) const {
  return fd && divertingWrappers.count(fd->getCanonicalDecl());
}

const ForkSite *ForkSiteModel::siteFor(const CallExpr *call) const {
  for (const ForkSite &s : all)
    if (s.call == call)
      return &s;
  return nullptr;
}

namespace {

// Which label of a switch a value reaches: the CaseStmt, the DefaultStmt, or null (none).
const SwitchCase *labelFor(ASTContext &ctx, const SwitchStmt *sw, int64_t v, bool &unknown) {
  const SwitchCase *dflt = nullptr;
  for (const SwitchCase *sc = sw->getSwitchCaseList(); sc; sc = sc->getNextSwitchCase()) {
    if (isa<DefaultStmt>(sc)) {
      dflt = sc;
      continue;
    }
    const auto *cs = cast<CaseStmt>(sc);
    Expr::EvalResult lo, hi;
    if (!cs->getLHS()->EvaluateAsInt(lo, ctx)) {
      unknown = true;
      continue;
    }
    int64_t low = lo.Val.getInt().getExtValue(), high = low;
    if (cs->getRHS() && cs->getRHS()->EvaluateAsInt(hi, ctx))
      high = hi.Val.getInt().getExtValue();
    if (v >= low && v <= high)
      return sc;
  }
  return dflt;
}

// `delta` was added to the pid before the test (`pid--;`): the parent's pid is at least 2, so
// its shifted value keeps its sign for a delta of one.
uint8_t outcomesWhere(const ForkValues &values, const std::function<bool(int64_t)> &predicate,
                      int delta = 0) {
  int64_t parent = delta ? 2 + delta : values.parent;
  return (predicate(values.error + delta) ? OutError : 0) |
         (predicate(values.child + delta) ? OutChild : 0) | (predicate(parent) ? OutParent : 0);
}

void setSeparation(PidTest &t, uint8_t trueSet) {
  bool e = trueSet & OutError, c = trueSet & OutChild, p = trueSet & OutParent;
  t.trueOutcomes = trueSet;
  t.separatesChild = c != p;
  t.separatesError = e != c && e != p;
}

} // namespace

const SwitchCase *childSwitchLabel(ASTContext &ctx, const ForkValues &values,
                                   const SwitchStmt *sw) {
  bool unknown = false;
  const SwitchCase *label = labelFor(ctx, sw, values.child, unknown);
  return unknown ? nullptr : label;
}

uint8_t switchLabelOutcomes(ASTContext &ctx, const ForkValues &fv, const SwitchStmt *sw,
                            const SwitchCase *label) {
  uint8_t set = 0;
  const int64_t values[] = {fv.error, fv.child, fv.parent};
  const uint8_t bits[] = {OutError, OutChild, OutParent};
  for (int i = 0; i < 3; ++i) {
    bool unknown = false;
    const SwitchCase *reached = labelFor(ctx, sw, values[i], unknown);
    if (reached == label || unknown)
      set |= bits[i];
  }
  return set;
}

PidTest ForkSiteModel::classifyTest(const ValueUse &use, int delta,
                                    const ForkValues &values) const {
  PidTest t;
  t.expr = use.user ? dyn_cast<Expr>(use.user) : nullptr;
  if (!t.expr)
    t.expr = use.at;
  switch (use.kind) {
  case ValueUse::Truthiness:
    if (const auto *uo = dyn_cast_or_null<UnaryOperator>(use.user)) {
      t.condition = uo; // !pid
      setSeparation(t, outcomesWhere(values, [](int64_t v) { return v == 0; }, delta));
    } else {
      t.condition = use.at; // if (pid), pid && x, pid ? a : b
      t.expr = use.at;
      setSeparation(t, outcomesWhere(values, [](int64_t v) { return v != 0; }, delta));
    }
    break;
  case ValueUse::Compared: {
    const auto *bo = cast<BinaryOperator>(use.user);
    t.condition = bo;
    Expr::EvalResult r;
    if (!use.other->EvaluateAsInt(r, ctx)) {
      // Compared with something unknown (another pid, getpid()): assume it can tell them apart,
      // but no branch is known to be child-only.
      t.separatesChild = t.separatesError = true;
      t.condition = nullptr;
      break;
    }
    int64_t k = r.Val.getInt().getExtValue();
    BinaryOperatorKind op = bo->getOpcode();
    setSeparation(t, outcomesWhere(
                         values,
                         [&](int64_t v) {
                           return use.valueOnLeft ? *evalCompare(op, v, k) : *evalCompare(op, k, v);
                         },
                         delta));
    break;
  }
  case ValueUse::Switched: {
    const auto *sw = dyn_cast<SwitchStmt>(use.user);
    if (!sw)
      break;
    t.expr = sw->getCond();
    t.switchStmt = sw;
    bool unknown = false;
    const SwitchCase *e = labelFor(ctx, sw, values.error, unknown);
    const SwitchCase *c = labelFor(ctx, sw, values.child, unknown);
    const SwitchCase *p = labelFor(ctx, sw, values.parent, unknown);
    t.separatesChild = unknown || c != p;
    t.separatesError = unknown || (e != c && e != p);
    break;
  }
  default:
    break;
  }
  return t;
}

void ForkSiteModel::trace(ForkSite &site, const Expr *value, llvm::DenseSet<const void *> &seen,
                          unsigned depth) {
  if (depth > 8 || !seen.insert(value).second)
    return;
  ValueUse use = classifyUse(ctx, value);
  switch (use.kind) {
  case ValueUse::Discarded:
    // `({ pid_t p = fork(); if (p < 0) die(); p; })`: the last statement of a statement
    // expression is its value; what the user of the macro does with it is what counts.
    if (const StmtExpr *se = valueOfStatementExpression(ctx, use)) {
      trace(site, se, seen, depth + 1);
      return;
    }
    if (value == site.call || isa<StmtExpr>(value))
      site.discarded = true;
    return;
  case ValueUse::Compared:
  case ValueUse::Truthiness:
  case ValueUse::Switched: {
    // Steps of one (`pid--`) before the test, in the same function, shift the three values.
    int delta = 0;
    const SourceManager &sm = ctx.getSourceManager();
    for (const auto &[at, d] : site.adjustments)
      if (sm.isBeforeInTranslationUnit(at->getBeginLoc(), value->getBeginLoc()))
        delta += d;
    if (delta < -1 || delta > 1 || (delta && use.kind == ValueUse::Switched)) {
      site.escapes = true; // arithmetic the model does not follow
      return;
    }
    site.tests.push_back(classifyTest(use, delta, site.values));
  }
    return;
  case ValueUse::StoredTo:
    if (!site.storage)
      site.storage = use.target;
    if (use.assignment)
      trace(site, use.assignment, seen, depth + 1); // `(pid = fork()) == 0`
    traceStorage(site, use.target, seen, depth + 1);
    return;
  case ValueUse::Returned:
    site.returned = true;
    return;
  case ValueUse::Argument: {
    const FunctionDecl *callee = use.call->getDirectCallee();
    if (consumesPidWithoutTesting(callee))
      return;
    const FunctionDecl *def = nullptr;
    if (callee && callee->hasBody(def) && def && use.argIndex < def->getNumParams() &&
        !ctx.getSourceManager().isInSystemHeader(def->getLocation())) {
      // A helper defined here: follow the parameter into its body.
      traceStorage(site, def->getParamDecl(use.argIndex), seen, depth + 1);
      return;
    }
    site.escapes = true;
    return;
  }
  case ValueUse::Overwritten:
    return;
  case ValueUse::Other:
    if (const auto *uo = dyn_cast_or_null<UnaryOperator>(use.user);
        uo && uo->isIncrementDecrementOp() && classifyUse(ctx, uo).kind == ValueUse::Discarded) {
      site.adjustments.push_back({uo, uo->isIncrementOp() ? 1 : -1}); // `pid--;` on its own
      return;
    }
    site.escapes = true;
    return;
  }
}

void ForkSiteModel::traceStorage(ForkSite &site, const ValueDecl *d,
                                 llvm::DenseSet<const void *> &seen, unsigned depth) {
  if (!d || !seen.insert(d).second)
    return;
  site.storages.push_back(d);
  // Storage other code can reach (globals, fields of shared types, references, pointers) may be
  // tested elsewhere: count it as escaping unless it is private to this file.
  if (const auto *vd = dyn_cast<VarDecl>(d)) {
    if (!vd->hasLocalStorage() && vd->isExternallyVisible())
      site.escapes = true;
    if (vd->getType()->isReferenceType() || vd->getType()->isPointerType())
      site.escapes = true;
  } else if (const auto *fd = dyn_cast<FieldDecl>(d)) {
    if (!ctx.getSourceManager().isInMainFile(fd->getParent()->getLocation()))
      site.escapes = true;
  }
  for (const Expr *ref : uses.referencesTo(d))
    trace(site, ref, seen, depth);
}

} // namespace analyzer
} // namespace procsan
