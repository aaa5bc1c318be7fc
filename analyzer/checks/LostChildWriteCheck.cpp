#include "checks/LostChildWriteCheck.h"

#include "AnalysisContext.h"
#include "model/ForkRegions.h"
#include "model/PostFork.h"
#include "model/SharedMemory.h"
#include "model/UseIndex.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

// A piece of private memory: a variable, or a field of one, named with its variable (two
// variables that share a field name are different memory). The variable is null when the field
// is reached through a pointer.
using Place = std::pair<const ValueDecl *, const ValueDecl *>;

// A store to `by` (the whole variable, or the same field of it) replaces the value at `p`.
bool covers(const Place &by, const Place &p) {
  return by.first == p.first && (by.second == p.second || by.second == by.first);
}

// The variable at the root of an lvalue reached without pointers: rep, rep.count, rep.a[i].
const ValueDecl *rootOf(const Expr *lv) {
  for (const Expr *cur = lv;;) {
    cur = cur->IgnoreParenImpCasts();
    if (const auto *me = dyn_cast<MemberExpr>(cur)) {
      if (me->isArrow())
        return nullptr;
      cur = me->getBase();
    } else if (const auto *ase = dyn_cast<ArraySubscriptExpr>(cur)) {
      if (!ase->getBase()->IgnoreParenImpCasts()->getType()->isArrayType())
        return nullptr;
      cur = ase->getBase();
    } else if (const auto *dre = dyn_cast<DeclRefExpr>(cur)) {
      return dre->getDecl();
    } else {
      return nullptr;
    }
  }
}

Place placeOf(const Expr *lv) {
  const ValueDecl *leaf = storageOf(lv);
  return leaf ? Place{rootOf(lv), leaf} : Place{nullptr, nullptr};
}

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
  llvm::DenseMap<Place, const Expr *> writes;
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
    writes.try_emplace(Place{rootOf(lv), d}, at);
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
                         llvm::DenseMap<Place, const Expr *> &out) {
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

// The fields a member function stores into through `this` (verbose = true; this->root = p;),
// named as fields of the global object it is called on (g_settings.parse(argv[1])).
void memberWritesThrough(const CXXMethodDecl *md, const ValueDecl *object, unsigned depth,
                         llvm::DenseSet<const FunctionDecl *> &seen,
                         llvm::DenseMap<Place, const Expr *> &out) {
  const FunctionDecl *def = nullptr;
  if (depth > 2 || !md || md->isConst() || md->isStatic() || !md->hasBody(def) || !def ||
      !seen.insert(def).second)
    return;
  struct Finder : RecursiveASTVisitor<Finder> {
    std::vector<std::pair<const FieldDecl *, const Expr *>> stores;
    std::vector<const CXXMethodDecl *> onThis;
    void add(const Expr *at, const Expr *lv) {
      const auto *me = dyn_cast<MemberExpr>(lv->IgnoreParenImpCasts());
      if (!me || !isa<CXXThisExpr>(me->getBase()->IgnoreParenImpCasts()))
        return;
      if (const auto *fd = dyn_cast<FieldDecl>(me->getMemberDecl()))
        stores.push_back({fd, at});
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
    bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *oc) {
      if (oc->isAssignmentOp() && oc->getNumArgs() > 0)
        add(oc, oc->getArg(0));
      return true;
    }
    bool VisitCXXMemberCallExpr(CXXMemberCallExpr *mc) {
      if (isa<CXXThisExpr>(mc->getImplicitObjectArgument()->IgnoreParenImpCasts()))
        onThis.push_back(mc->getMethodDecl());
      return true;
    }
    bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  } finder;
  finder.TraverseStmt(def->getBody());
  for (const auto &[field, at] : finder.stores)
    out.try_emplace(Place{object, field}, at);
  for (const CXXMethodDecl *m : finder.onThis)
    memberWritesThrough(m, object, depth + 1, seen, out);
}

// A global object the call runs a member function on (g_settings.parse(...)).
const VarDecl *globalObjectOf(const CXXMemberCallExpr *mc) {
  const Expr *obj = mc->getImplicitObjectArgument();
  if (!obj || obj->getType()->isPointerType())
    return nullptr;
  const auto *vd = dyn_cast_or_null<VarDecl>(rootOf(obj));
  return vd && vd->hasGlobalStorage() && !vd->isStaticLocal() ? vd : nullptr;
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
    llvm::DenseMap<Place, const Expr *> childWrites;
    std::vector<Place> childReads;
    llvm::DenseSet<const FunctionDecl *> seen, seenMethods;
    for (const Stmt *s : region.childOnlyStatements()) {
      // A value the child uses itself was assigned for its own sake, not to report back.
      if (const auto *ice = dyn_cast<ImplicitCastExpr>(s)) {
        if (ice->getCastKind() == CK_LValueToRValue)
          if (Place p = placeOf(ice->getSubExpr()); p.second)
            childReads.push_back(p);
      } else if (const auto *uo = dyn_cast<UnaryOperator>(s); uo && uo->getOpcode() == UO_AddrOf) {
        if (Place p = placeOf(uo->getSubExpr()); p.second)
          childReads.push_back(p);
      }
      if (const auto *bo = dyn_cast<BinaryOperator>(s); bo && bo->isAssignmentOp()) {
        if (const ValueDecl *d = privateStorage(bo->getLHS(), shm))
          childWrites.try_emplace(Place{rootOf(bo->getLHS()), d}, bo);
      } else if (const auto *uo = dyn_cast<UnaryOperator>(s); uo && uo->isIncrementDecrementOp()) {
        if (const ValueDecl *d = privateStorage(uo->getSubExpr(), shm))
          childWrites.try_emplace(Place{rootOf(uo->getSubExpr()), d}, uo);
      } else if (const auto *call = dyn_cast<CallExpr>(s)) {
        globalWritesThrough(call, shm, sm, 0, seen, childWrites);
        if (const auto *mc = dyn_cast<CXXMemberCallExpr>(call))
          if (const VarDecl *object = globalObjectOf(mc))
            memberWritesThrough(mc->getMethodDecl(), object, 0, seenMethods, childWrites);
      }
    }
    if (childWrites.empty())
      continue;
    // What the parent assigns itself, or lets a call fill in (read(fd, &x, ..)), after the fork.
    std::vector<Place> parentWrites;
    std::vector<std::pair<Place, const Expr *>> parentReads;
    auto coveredBy = [](const std::vector<Place> &places, const Place &p) {
      for (const Place &w : places)
        if (covers(w, p))
          return true;
      return false;
    };
    for (const Stmt *s : region.parentOnlyStatements()) {
      if (const auto *bo = dyn_cast<BinaryOperator>(s); bo && bo->isAssignmentOp()) {
        if (Place p = placeOf(bo->getLHS()); p.second)
          parentWrites.push_back(p);
      } else if (const auto *uo = dyn_cast<UnaryOperator>(s)) {
        if (uo->getOpcode() == UO_AddrOf || uo->isIncrementDecrementOp())
          if (Place p = placeOf(uo->getSubExpr()); p.second)
            parentWrites.push_back(p);
      } else if (const auto *ice = dyn_cast<ImplicitCastExpr>(s)) {
        if (ice->getCastKind() == CK_LValueToRValue || ice->getCastKind() == CK_ArrayToPointerDecay)
          if (const ValueDecl *d = privateStorage(ice->getSubExpr(), shm)) {
            Place p{rootOf(ice->getSubExpr()), d};
            if (childWrites.count(p))
              parentReads.push_back({p, ice});
          }
      }
    }
    llvm::DenseSet<Place> reported;
    for (const auto &[p, read] : parentReads) {
      if (coveredBy(parentWrites, p) || coveredBy(childReads, p) || reported.count(p))
        continue;
      // The parent reads it after waiting for the child: it expects the child's value.
      if (!post.afterReaping(region, read))
        continue;
      reported.insert(p);
      const ValueDecl *d = p.second;
      const Expr *write = childWrites.lookup(p);
      std::string name = p.first && p.first != d
                             ? p.first->getNameAsString() + "." + d->getNameAsString()
                             : d->getNameAsString();
      Finding &f = diag(read->getExprLoc(),
                        "'" + name +
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
