#include "model/Pipes.h"
#include "model/ForkRegions.h"
#include "model/ProgramSummaries.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"

#include <fcntl.h>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

PipeEndUse::Kind kindOfCall(const CallExpr *call, unsigned argIndex) {
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd || !fd->getIdentifier() || argIndex != 0)
    return PipeEndUse::Other;
  StringRef n = fd->getName();
  if (n == "read" || n == "readv" || n == "recv" || n == "recvfrom" || n == "recvmsg")
    return PipeEndUse::Read;
  if (n == "write" || n == "writev" || n == "send" || n == "sendto" || n == "sendmsg")
    return PipeEndUse::Write;
  if (n == "close")
    return PipeEndUse::Close;
  return PipeEndUse::Other;
}

// A pipe end handed to a helper, as the use its summary says it is.
PipeEndUse helperUse(PipeEndUse use, unsigned effect, const FunctionDecl *helper) {
  use.helper = helper;
  if (!effect || (effect & ProgramView::FdKeeps))
    use.kind = PipeEndUse::Other;
  else if (effect & ProgramView::FdDrains) {
    use.kind = PipeEndUse::Read;
    use.inLoop = true;
  } else if (effect & ProgramView::FdCloses)
    use.kind = PipeEndUse::Close;
  else
    use.kind = PipeEndUse::Neutral;
  return use;
}

// Library calls that use an fd without closing, duplicating or keeping it.
bool leavesFdAlone(StringRef n) {
  return n == "fstat" || n == "isatty" || n == "fcntl" || n == "fsync" || n == "printf" ||
         n == "fprintf" || n == "dprintf" || n == "syslog" || n == "snprintf";
}

} // namespace

unsigned fdParamEffect(ASTContext &ctx, const UseIndex &uses, ProgramView *program,
                       const FunctionDecl *fd, unsigned i, unsigned depth) {
  const SourceManager &sm = ctx.getSourceManager();
  const FunctionDecl *def = nullptr;
  if (!fd || !fd->hasBody(def) || !def)
    return program ? program->fdParamEffect(fd, i, sm) : 0;
  if (sm.isInSystemHeader(sm.getExpansionLoc(def->getLocation())) || i >= def->getNumParams() ||
      depth > 3)
    return 0;
  unsigned effect = ProgramView::FdKnown;
  for (const Expr *ref : uses.referencesTo(def->getParamDecl(i))) {
    ValueUse use = classifyUse(ctx, ref);
    switch (use.kind) {
    case ValueUse::Discarded:
    case ValueUse::Compared:
    case ValueUse::Truthiness:
    case ValueUse::Switched:
      continue;
    case ValueUse::Argument: {
      const FunctionDecl *callee = use.call->getDirectCallee();
      PipeEndUse::Kind k = kindOfCall(use.call, use.argIndex);
      if (k == PipeEndUse::Close) {
        effect |= ProgramView::FdCloses;
        continue;
      }
      if (k == PipeEndUse::Read) {
        if (insideLoop(ctx, use.call))
          effect |= ProgramView::FdDrains;
        continue;
      }
      if (k == PipeEndUse::Write)
        continue;
      if (!callee || !callee->getIdentifier()) {
        effect |= ProgramView::FdKeeps;
        continue;
      }
      SourceLocation at = callee->getCanonicalDecl()->getLocation();
      if (sm.isInSystemHeader(sm.getExpansionLoc(at))) {
        if (!leavesFdAlone(callee->getName()))
          effect |= ProgramView::FdKeeps;
        continue;
      }
      unsigned inner = fdParamEffect(ctx, uses, program, callee, use.argIndex, depth + 1);
      if (!inner)
        inner = ProgramView::FdKeeps;
      effect |= inner & ~ProgramView::FdKnown;
      continue;
    }
    default:
      effect |= ProgramView::FdKeeps;
      continue;
    }
  }
  return effect;
}

namespace {

// fds[0] / fds[1]: the end a reference to the array selects (-1: the whole array, or an index
// the model cannot evaluate), and the subscript expression carrying its value.
int endSelected(ASTContext &ctx, const Expr *ref, const Expr *&value) {
  value = ref;
  const Stmt *cur = ref;
  for (int depth = 0; depth < 3; ++depth) {
    DynTypedNodeList parents = ctx.getParents(*cur);
    if (parents.empty())
      return -1;
    if (const auto *ase = parents[0].get<ArraySubscriptExpr>()) {
      Expr::EvalResult idx;
      value = ase;
      if (ase->getBase()->IgnoreParenImpCasts() != ref->IgnoreParenImpCasts())
        return -1;
      if (ase->getIdx()->EvaluateAsInt(idx, ctx))
        return (int)idx.Val.getInt().getExtValue();
      return -1;
    }
    const auto *cast = parents[0].get<ImplicitCastExpr>();
    if (!cast)
      return -1;
    cur = cast;
  }
  return -1;
}

// What happens to the value of one end at `value`: read, written, closed, duplicated, handed to
// a helper (its summary), anything else.
PipeEndUse classifyEndUse(ASTContext &ctx, const UseIndex &uses, ProgramView *program,
                          const Expr *value, int end) {
  PipeEndUse use;
  use.at = value;
  use.end = end;
  ValueUse vu = classifyUse(ctx, value);
  if (vu.kind != ValueUse::Argument)
    return use;
  use.kind = kindOfCall(vu.call, vu.argIndex);
  use.at = vu.call;
  use.inLoop = insideLoop(ctx, vu.call);
  const FunctionDecl *callee = vu.call->getDirectCallee();
  const SourceManager &sm = ctx.getSourceManager();
  if (use.kind != PipeEndUse::Other || !callee || !callee->getIdentifier())
    return use;
  if (sm.isInSystemHeader(sm.getExpansionLoc(callee->getCanonicalDecl()->getLocation()))) {
    StringRef n = callee->getName();
    if ((n == "dup2" || n == "dup3") && vu.argIndex == 0 && vu.call->getNumArgs() >= 2) {
      use.kind = PipeEndUse::Dup;
      Expr::EvalResult target;
      if (vu.call->getArg(1)->EvaluateAsInt(target, ctx))
        use.dupTarget = target.Val.getInt().getExtValue();
    }
    return use;
  }
  return helperUse(use, fdParamEffect(ctx, uses, program, callee, vu.argIndex), callee);
}

bool isLocalCopy(const ValueDecl *d) {
  const auto *vd = dyn_cast_or_null<VarDecl>(d);
  return vd && vd->hasLocalStorage() && !vd->getType()->isReferenceType() &&
         vd->getType()->isIntegerType();
}

} // namespace

std::vector<PipeSite> findPipes(ASTContext &ctx, const UseIndex &uses, ProgramView *program) {
  std::vector<PipeSite> pipes;
  for (const CallExpr *call : uses.allCalls()) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd || !fd->getIdentifier() || call->getNumArgs() < 1)
      continue;
    StringRef name = fd->getName();
    if (name != "pipe" && name != "pipe2")
      continue;
    // pipe(fds) on a local int[2], or pipe(p.fds) / pipe(self->fds) on an int[2] member of a
    // local variable (a small wrapper struct): the member's uses through that same variable.
    const Expr *arg = call->getArg(0)->IgnoreParenImpCasts();
    const ValueDecl *array = nullptr;
    const ValueDecl *base = nullptr;
    if (const auto *dre = dyn_cast<DeclRefExpr>(arg)) {
      const auto *vd = dyn_cast<VarDecl>(dre->getDecl());
      if (vd && vd->hasLocalStorage())
        array = vd;
    } else if (const auto *me = dyn_cast<MemberExpr>(arg)) {
      const auto *vd = dyn_cast_or_null<VarDecl>(storageOf(me->getBase()));
      if (vd && vd->hasLocalStorage() && isa<DeclRefExpr>(me->getBase()->IgnoreParenImpCasts())) {
        array = me->getMemberDecl();
        base = vd;
      }
    }
    if (!array || !array->getType()->isConstantArrayType())
      continue;
    PipeSite site;
    site.call = call;
    site.fds = array;
    site.name = base ? (base->getNameAsString() + (base->getType()->isPointerType() ? "->" : ".") +
                        array->getNameAsString())
                     : array->getNameAsString();
    Expr::EvalResult flags;
    if (name == "pipe2" && call->getNumArgs() > 1 && call->getArg(1)->EvaluateAsInt(flags, ctx))
      site.closeOnExec = (flags.Val.getInt().getExtValue() & O_CLOEXEC) != 0;
    const FunctionDecl *in = enclosingFunction(ctx, call);
    for (const Expr *ref : uses.referencesTo(array)) {
      if (ref == arg)
        continue;
      if (base) {
        const auto *me = dyn_cast<MemberExpr>(ref);
        if (!me || storageOf(me->getBase()) != base)
          continue;
      }
      const Expr *value = ref;
      int end = endSelected(ctx, ref, value);
      if (end < 0) {
        PipeEndUse whole;
        whole.at = ref;
        site.uses.push_back(whole);
        continue;
      }
      PipeEndUse use = classifyEndUse(ctx, uses, program, value, end);
      // `int rd = fds[0];`: the copy's uses are uses of the end (the copy itself is not one).
      ValueUse stored = classifyUse(ctx, value);
      bool copied = stored.kind == ValueUse::StoredTo && isLocalCopy(stored.target);
      if (copied)
        use.kind = PipeEndUse::Neutral;
      site.uses.push_back(use);
      if (copied) {
        for (const Expr *copyRef : uses.referencesTo(stored.target)) {
          if (enclosingFunction(ctx, copyRef) != in)
            continue;
          ValueUse cu = classifyUse(ctx, copyRef);
          if (cu.kind == ValueUse::Overwritten)
            continue;
          PipeEndUse copy = classifyEndUse(ctx, uses, program, copyRef, end);
          copy.through = value;
          site.uses.push_back(copy);
        }
      }
    }
    // dup2(fds[0], 0): reads of fd 0 in that function are reads of the read end (and writes to
    // fd 1 after dup2(fds[1], 1) writes into the write end).
    std::vector<PipeEndUse> copies;
    for (const PipeEndUse &u : site.uses) {
      if (u.kind != PipeEndUse::Dup || u.dupTarget < 0)
        continue;
      for (const CallExpr *other : uses.allCalls()) {
        if (other->getNumArgs() < 1 || other == u.at)
          continue;
        PipeEndUse::Kind k = kindOfCall(other, 0);
        if (k != PipeEndUse::Read && k != PipeEndUse::Write)
          continue;
        Expr::EvalResult v;
        if (!other->getArg(0)->EvaluateAsInt(v, ctx) ||
            v.Val.getInt().getExtValue() != u.dupTarget || enclosingFunction(ctx, other) != in)
          continue;
        PipeEndUse copy;
        copy.kind = k;
        copy.end = u.end;
        copy.at = other;
        copy.inLoop = insideLoop(ctx, other);
        copy.through = u.at;
        copies.push_back(copy);
      }
    }
    site.uses.insert(site.uses.end(), copies.begin(), copies.end());
    pipes.push_back(std::move(site));
  }
  return pipes;
}

bool sharedByFork(ASTContext &ctx, const PipeSite &pipe, const ForkRegion &region) {
  const ForkSite &site = region.site();
  return region.outcomesAt(pipe.call) == 0 && enclosingFunction(ctx, pipe.call) == site.enclosing &&
         ctx.getSourceManager().isBeforeInTranslationUnit(pipe.call->getBeginLoc(),
                                                          site.call->getBeginLoc());
}

} // namespace analyzer
} // namespace procsan
