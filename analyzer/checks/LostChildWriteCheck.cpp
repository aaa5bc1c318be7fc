#include "checks/LostChildWriteCheck.h"

#include "AnalysisContext.h"
#include "model/ForkRegions.h"
#include "model/PostFork.h"
#include "model/SharedMemory.h"
#include "model/UseIndex.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

// The private variable or field an lvalue stores into, or null for shared memory and for what
// the model cannot name.
const ValueDecl *privateStorage(const Expr *lv, const SharedMemoryModel &shm) {
  const Expr *e = lv->IgnoreParenImpCasts();
  if (shm.lvalueOrigin(e))
    return nullptr;
  const ValueDecl *d = storageOf(e);
  if (!d || d->getType()->isReferenceType())
    return nullptr;
  if (const auto *vd = dyn_cast<VarDecl>(d))
    if (vd->getType().isConstQualified())
      return nullptr;
  // Through a pointer (p->f, *p, p[i]): the pointer may lead anywhere, shared memory included.
  for (const Expr *cur = e;;) {
    cur = cur->IgnoreParenImpCasts();
    if (const auto *me = dyn_cast<MemberExpr>(cur)) {
      if (me->isArrow())
        return nullptr;
      cur = me->getBase();
    } else if (const auto *ase = dyn_cast<ArraySubscriptExpr>(cur)) {
      if (!ase->getBase()->IgnoreParenImpCasts()->getType()->isArrayType())
        return nullptr;
      cur = ase->getBase();
    } else if (isa<DeclRefExpr>(cur)) {
      break;
    } else {
      return nullptr;
    }
  }
  return d;
}

struct Writes : RecursiveASTVisitor<Writes> {
  const SharedMemoryModel &shm;
  bool globalsOnly;
  llvm::DenseMap<const ValueDecl *, const Expr *> writes;
  std::vector<const CallExpr *> calls;
  Writes(const SharedMemoryModel &shm, bool globalsOnly) : shm(shm), globalsOnly(globalsOnly) {}
  void add(const Expr *at, const Expr *lv) {
    const ValueDecl *d = privateStorage(lv, shm);
    if (!d)
      return;
    if (globalsOnly) {
      const auto *vd = dyn_cast<VarDecl>(d);
      if (!vd || !vd->hasGlobalStorage() || vd->isStaticLocal())
        return;
    }
    writes.try_emplace(d, at);
  }
  bool VisitBinaryOperator(BinaryOperator *bo) {
    if (bo->isAssignmentOp())
      add(bo, bo->getLHS());
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *uo) {
    if (uo->isIncrementDecrementOp())
      add(uo, uo->getSubExpr());
    return true;
  }
  bool VisitCallExpr(CallExpr *c) {
    calls.push_back(c);
    return true;
  }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
};

// Writes to globals in the functions a child calls (a worker that leaves its result in one).
void globalWritesThrough(const CallExpr *call, const SharedMemoryModel &shm,
                         const SourceManager &sm, unsigned depth,
                         llvm::DenseSet<const FunctionDecl *> &seen,
                         llvm::DenseMap<const ValueDecl *, const Expr *> &out) {
  const FunctionDecl *fd = call->getDirectCallee();
  const FunctionDecl *def = nullptr;
  if (depth > 2 || !fd || !fd->hasBody(def) || !def ||
      sm.isInSystemHeader(sm.getExpansionLoc(def->getLocation())) || !seen.insert(def).second)
    return;
  Writes w(shm, /*globalsOnly=*/true);
  w.TraverseStmt(def->getBody());
  for (const auto &entry : w.writes)
    out.try_emplace(entry.first, entry.second);
  for (const CallExpr *c : w.calls)
    globalWritesThrough(c, shm, sm, depth + 1, seen, out);
}

} // namespace

void LostChildWriteCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const SourceManager &sm = ctx.sourceManager();
  const SharedMemoryModel &shm = ctx.sharedMemory();
  PostForkModel &post = ctx.postFork();
  for (const ForkRegion &region : ctx.forkRegions()) {
    if (!isReportable(region, sm) || !region.hasChildOnlyCode())
      continue;
    // What the child assigns, directly or in the functions it calls.
    llvm::DenseMap<const ValueDecl *, const Expr *> childWrites;
    llvm::DenseSet<const ValueDecl *> childReads;
    llvm::DenseSet<const FunctionDecl *> seen;
    for (const Stmt *s : region.childOnlyStatements()) {
      // A value the child uses itself was assigned for its own sake, not to report back.
      if (const auto *ice = dyn_cast<ImplicitCastExpr>(s)) {
        if (ice->getCastKind() == CK_LValueToRValue)
          if (const ValueDecl *d = storageOf(ice->getSubExpr()))
            childReads.insert(d);
      } else if (const auto *uo = dyn_cast<UnaryOperator>(s); uo && uo->getOpcode() == UO_AddrOf) {
        if (const ValueDecl *d = storageOf(uo->getSubExpr()))
          childReads.insert(d);
      }
      if (const auto *bo = dyn_cast<BinaryOperator>(s); bo && bo->isAssignmentOp()) {
        if (const ValueDecl *d = privateStorage(bo->getLHS(), shm))
          childWrites.try_emplace(d, bo);
      } else if (const auto *uo = dyn_cast<UnaryOperator>(s); uo && uo->isIncrementDecrementOp()) {
        if (const ValueDecl *d = privateStorage(uo->getSubExpr(), shm))
          childWrites.try_emplace(d, uo);
      } else if (const auto *call = dyn_cast<CallExpr>(s)) {
        globalWritesThrough(call, shm, sm, 0, seen, childWrites);
      }
    }
    if (childWrites.empty())
      continue;
    // What the parent assigns itself, or lets a call fill in (read(fd, &x, ..)), after the fork.
    llvm::DenseSet<const ValueDecl *> parentWrites;
    std::vector<std::pair<const ValueDecl *, const Expr *>> parentReads;
    for (const Stmt *s : region.parentOnlyStatements()) {
      if (const auto *bo = dyn_cast<BinaryOperator>(s); bo && bo->isAssignmentOp()) {
        if (const ValueDecl *d = storageOf(bo->getLHS()))
          parentWrites.insert(d);
      } else if (const auto *uo = dyn_cast<UnaryOperator>(s)) {
        if (uo->getOpcode() == UO_AddrOf || uo->isIncrementDecrementOp())
          if (const ValueDecl *d = storageOf(uo->getSubExpr()))
            parentWrites.insert(d);
      } else if (const auto *ice = dyn_cast<ImplicitCastExpr>(s)) {
        if (ice->getCastKind() == CK_LValueToRValue || ice->getCastKind() == CK_ArrayToPointerDecay)
          if (const ValueDecl *d = privateStorage(ice->getSubExpr(), shm))
            if (childWrites.count(d))
              parentReads.push_back({d, ice});
      }
    }
    llvm::DenseSet<const ValueDecl *> reported;
    for (const auto &[d, read] : parentReads) {
      if (parentWrites.count(d) || childReads.count(d) || reported.count(d))
        continue;
      // The parent reads it after waiting for the child: it expects the child's value.
      if (!post.afterReaping(region, read))
        continue;
      reported.insert(d);
      const Expr *write = childWrites.lookup(d);
      Finding &f = diag(read->getExprLoc(),
                        "'" + d->getNameAsString() +
                            "' is read by the parent after the child ended, but the child "
                            "assigned only its own copy: processes do not share memory; send "
                            "the value back through a pipe, the exit status or MAP_SHARED memory");
      f.notes.push_back({write->getExprLoc(), "the child's assignment, invisible to the parent"});
      f.notes.push_back(
          {region.site().call->getBeginLoc(),
           "the child is a copy made by this " + region.site().callee->getNameAsString() + "()"});
    }
  }
}

} // namespace analyzer
} // namespace procsan
