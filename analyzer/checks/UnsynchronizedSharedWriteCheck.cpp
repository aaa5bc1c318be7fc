#include "checks/UnsynchronizedSharedWriteCheck.h"

#include "AnalysisContext.h"
#include "model/LockRegions.h"
#include "model/PostFork.h"
#include "model/SharedMemory.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSwitch.h"

#include <fcntl.h>
#include <sys/ipc.h>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

// One read or write of shared memory in the program's code.
struct Access {
  const Expr *at = nullptr;     // the assignment, ++/--, read or memcpy-like call
  const Expr *target = nullptr; // the lvalue written or read (or the pointer, for calls)
  bool targetIsPointer = false;
  bool write = false;
  const SharedOrigin *origin = nullptr;
  const void *key = nullptr; // the field written (or the mapping, for a bare pointer)
  AfterFork where;
  bool afterReaping = false;
};

// Library calls that write through their first argument (and read the second).
int memoryCall(const CallExpr *call, const SourceManager &sm) {
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd || !fd->getIdentifier() ||
      !sm.isInSystemHeader(sm.getExpansionLoc(fd->getCanonicalDecl()->getLocation())))
    return 0;
  return llvm::StringSwitch<int>(fd->getName())
      .Cases("memcpy", "memmove", "strcpy", "strncpy", "strcat", "strncat", 2)
      .Cases("memccpy", "stpcpy", "stpncpy", 2)
      .Cases("memset", "bzero", "explicit_bzero", "sprintf", "snprintf", "vsprintf", 1)
      .Case("vsnprintf", 1)
      .Default(0);
}

const void *keyOfPointer(const Expr *p, const SharedOrigin *origin);

const void *keyOfLvalue(const Expr *e, const SharedOrigin *origin) {
  e = e->IgnoreParenImpCasts();
  if (const auto *me = dyn_cast<MemberExpr>(e))
    return me->getMemberDecl();
  if (const auto *ase = dyn_cast<ArraySubscriptExpr>(e))
    return keyOfPointer(ase->getBase(), origin);
  if (const auto *uo = dyn_cast<UnaryOperator>(e))
    if (uo->getOpcode() == UO_Deref)
      return keyOfPointer(uo->getSubExpr(), origin);
  return origin->root;
}

const void *keyOfPointer(const Expr *p, const SharedOrigin *origin) {
  p = p->IgnoreParenCasts();
  if (p->getType()->isArrayType())
    return keyOfLvalue(p, origin);
  if (const auto *uo = dyn_cast<UnaryOperator>(p))
    if (uo->getOpcode() == UO_AddrOf)
      return keyOfLvalue(uo->getSubExpr(), origin);
  if (const auto *bo = dyn_cast<BinaryOperator>(p))
    if (bo->isAdditiveOp())
      return keyOfPointer(bo->getLHS()->getType()->isPointerType() ? bo->getLHS() : bo->getRHS(),
                          origin);
  return origin->root;
}

class AccessCollector : public RecursiveASTVisitor<AccessCollector> {
public:
  AccessCollector(const SharedMemoryModel &shm, const SourceManager &sm) : shm(shm), sm(sm) {}
  bool shouldVisitTemplateInstantiations() const { return true; }

  bool TraverseDecl(Decl *d) {
    if (d && !isa<TranslationUnitDecl>(d) && d->getLocation().isValid() &&
        sm.isInSystemHeader(sm.getExpansionLoc(d->getLocation())))
      return true;
    return RecursiveASTVisitor::TraverseDecl(d);
  }
  bool VisitBinaryOperator(BinaryOperator *bo) {
    if (bo->isAssignmentOp())
      addLvalue(bo, bo->getLHS(), true);
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *uo) {
    if (uo->isIncrementDecrementOp())
      addLvalue(uo, uo->getSubExpr(), true);
    return true;
  }
  bool VisitImplicitCastExpr(ImplicitCastExpr *ice) {
    if (ice->getCastKind() == CK_LValueToRValue)
      addLvalue(ice, ice->getSubExpr(), false);
    return true;
  }
  bool VisitCallExpr(CallExpr *call) {
    int kind = memoryCall(call, sm);
    if (kind && call->getNumArgs() > 0)
      addPointer(call, call->getArg(0), true);
    if (kind == 2 && call->getNumArgs() > 1)
      addPointer(call, call->getArg(1), false);
    return true;
  }

  std::vector<Access> accesses;

private:
  void addLvalue(const Expr *at, const Expr *lv, bool write) {
    // Atomic objects synchronize themselves (_Atomic; std::atomic is a class and its operators
    // are calls, which are not collected here).
    if (lv->getType()->isAtomicType())
      return;
    if (const SharedOrigin *o = shm.lvalueOrigin(lv))
      accesses.push_back(Access{at, lv, false, write, o, keyOfLvalue(lv, o), {}, false});
  }
  void addPointer(const Expr *at, const Expr *p, bool write) {
    if (const SharedOrigin *o = shm.pointerOrigin(p))
      accesses.push_back(Access{at, p, true, write, o, keyOfPointer(p, o), {}, false});
  }

  const SharedMemoryModel &shm;
  const SourceManager &sm;
};

// The memory belongs to one child alone: an element picked by the child's own index
// (slots[i] where i counts the forks, or a parameter that receives it).
bool ownedByIndex(const Expr *e, PostForkModel &post, const SharedMemoryModel &shm,
                  unsigned depth = 0) {
  if (!e || depth > 6)
    return false;
  e = e->IgnoreParenCasts();
  if (const auto *ase = dyn_cast<ArraySubscriptExpr>(e))
    return post.onlyForkIdentities(ase->getIdx()) ||
           ownedByIndex(ase->getBase(), post, shm, depth + 1);
  if (const auto *me = dyn_cast<MemberExpr>(e))
    return ownedByIndex(me->getBase(), post, shm, depth + 1);
  if (const auto *uo = dyn_cast<UnaryOperator>(e))
    return (uo->getOpcode() == UO_AddrOf || uo->getOpcode() == UO_Deref) &&
           ownedByIndex(uo->getSubExpr(), post, shm, depth + 1);
  if (const auto *bo = dyn_cast<BinaryOperator>(e)) {
    if (!bo->isAdditiveOp())
      return false;
    const Expr *ptr = bo->getLHS()->getType()->isPointerType() ? bo->getLHS() : bo->getRHS();
    const Expr *idx = ptr == bo->getLHS() ? bo->getRHS() : bo->getLHS();
    return post.onlyForkIdentities(idx) || ownedByIndex(ptr, post, shm, depth + 1);
  }
  if (const auto *ref = dyn_cast<DeclRefExpr>(e)) {
    // struct slot *mine = &shm->slots[i];
    llvm::ArrayRef<const Expr *> vals = shm.valuesOf(ref->getDecl());
    if (vals.empty() || !ref->getType()->isPointerType())
      return false;
    for (const Expr *v : vals)
      if (!ownedByIndex(v, post, shm, depth + 1))
        return false;
    return true;
  }
  return false;
}

// The write comes before its function makes the lock the processes share (a SysV semaphore set
// with IPC_CREAT, a named semaphore with O_CREAT, a process-shared sem_t or mutex): whoever
// attaches the segment by name waits for that lock, so the write initialises the segment.
bool beforeLockIsMade(const Expr *write, ASTContext &ast, const UseIndex &uses) {
  const FunctionDecl *fn = enclosingFunction(ast, write);
  const SourceManager &sm = ast.getSourceManager();
  for (const CallExpr *call : uses.allCalls()) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd || !fd->getIdentifier() || enclosingFunction(ast, call) != fn ||
        !sm.isBeforeInTranslationUnit(write->getBeginLoc(), call->getBeginLoc()) ||
        !sm.isInSystemHeader(sm.getExpansionLoc(fd->getLocation())))
      continue;
    StringRef name = fd->getName();
    Expr::EvalResult flags;
    if (name == "semget" && call->getNumArgs() >= 3 && call->getArg(2)->EvaluateAsInt(flags, ast) &&
        (flags.Val.getInt().getExtValue() & IPC_CREAT))
      return true;
    if (name == "sem_open" && call->getNumArgs() >= 2 &&
        call->getArg(1)->EvaluateAsInt(flags, ast) && (flags.Val.getInt().getExtValue() & O_CREAT))
      return true;
    if (name == "sem_init" || name == "pthread_mutex_init")
      return true;
  }
  return false;
}

} // namespace

void UnsynchronizedSharedWriteCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const SharedMemoryModel &shm = ctx.sharedMemory();
  if (shm.empty())
    return;
  const SourceManager &sm = ctx.sourceManager();
  PostForkModel &post = ctx.postFork();
  LockRegions &locks = ctx.lockRegions();

  AccessCollector collector(shm, sm);
  collector.TraverseDecl(ctx.ast().getTranslationUnitDecl());

  // Who touches each piece of shared memory after a fork: the children, the parent.
  llvm::DenseMap<const void *, const Access *> childUse, parentUse;
  for (Access &a : collector.accesses) {
    a.where = post.whereRuns(a.at);
    if (!a.where.outcomes)
      continue;
    // A mapping made after the fork belongs to the process that made it.
    if (a.where.inForkFunction() && !a.origin->attachedByName &&
        a.where.region->outcomesAt(a.origin->root))
      a.where.outcomes = 0;
    if (a.where.inForkFunction() && a.where.outcomes == OutParent &&
        post.afterReaping(*a.where.region, a.at))
      a.afterReaping = true;
    if (a.where.outcomes & OutChild)
      childUse.try_emplace(a.key, &a);
    if ((a.where.outcomes & OutParent) && !a.afterReaping)
      parentUse.try_emplace(a.key, &a);
  }

  // Children of different forks that touch the same memory run side by side.
  llvm::DenseSet<const void *> manyRegions;
  llvm::DenseMap<const void *, const ForkRegion *> childRegion;
  for (const Access &a : collector.accesses)
    if (a.where.outcomes & OutChild) {
      auto [it, inserted] = childRegion.try_emplace(a.key, a.where.region);
      if (!inserted && it->second != a.where.region &&
          post.mayOverlap(*it->second, *a.where.region))
        manyRegions.insert(a.key);
    }

  llvm::DenseSet<std::pair<const void *, const void *>> reported;
  for (const Access &a : collector.accesses) {
    if (!a.write || a.afterReaping)
      continue;
    const Access *other = nullptr;
    bool byName = a.origin->attachedByName;
    if (a.where.outcomes & OutChild) {
      other = parentUse.lookup(a.key);
      if (!other && !post.manyChildren(*a.where.region) && !manyRegions.count(a.key) && !byName)
        continue; // one child, and the parent leaves this memory alone until it has reaped it
    } else if (a.where.outcomes & OutParent) {
      other = childUse.lookup(a.key);
      if (!other && !byName)
        continue;
    } else if (!byName || beforeLockIsMade(a.at, ctx.ast(), ctx.uses())) {
      continue; // before any fork, or before the lock exists: initialization
    }
    if (ownedByIndex(a.target, post, shm))
      continue;
    if (locks.mayHoldLockAt(a.at))
      continue;
    bool lockedByCaller = false;
    for (const CallExpr *c : a.where.calls)
      if (locks.mayHoldLockAt(c))
        lockedByCaller = true;
    if (lockedByCaller)
      continue;
    const FunctionDecl *fn = enclosingFunction(ctx.ast(), a.at);
    if (!reported.insert({fn, a.key}).second)
      continue;

    bool byChild = a.where.outcomes & OutChild, byParent = a.where.outcomes & OutParent;
    std::string who = byChild && byParent ? "both the parent and the child"
                      : byChild           ? "the child"
                      : byParent          ? "the parent"
                                          : "this process";
    std::string message = "write to shared memory by " + who +
                          " without a process-shared lock while another process may use it; "
                          "hold a PTHREAD_PROCESS_SHARED mutex or a semaphore around it, or make "
                          "it atomic";
    Finding &f = diag(a.at->getBeginLoc(), message);
    f.notes.push_back(
        {a.origin->root->getBeginLoc(),
         "the memory is shared by " + a.origin->describe() + " here" +
             (a.origin->attachedByName ? ", attached by name: other programs map it too" : "")});
    if (a.where.region)
      f.notes.push_back({a.where.region->site().call->getBeginLoc(),
                         "after this " + a.where.region->site().callee->getNameAsString() +
                             "() another process shares it"});
    for (const CallExpr *c : a.where.calls)
      f.notes.push_back({c->getBeginLoc(), "called after the fork here"});
    if (other)
      f.notes.push_back(
          {other->at->getExprLoc(),
           std::string((other->where.outcomes & OutChild) ? "a child" : "the parent") +
               (other->write ? " writes" : " reads") + " the same memory here"});
    else if (a.where.outcomes & OutChild)
      f.notes.push_back({a.at->getExprLoc(), "several children run this code at the same time"});
  }
}

} // namespace analyzer
} // namespace procsan
