#include "model/SharedMemory.h"
#include "model/ProgramSummaries.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/mman.h>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

bool holdsPointer(const Decl *d) {
  QualType t;
  if (const auto *fd = dyn_cast<FunctionDecl>(d))
    t = fd->getReturnType();
  else if (const auto *vd = dyn_cast<ValueDecl>(d))
    t = vd->getType();
  else
    return false;
  return t->isPointerType() || t->isReferenceType();
}

bool isLibraryCall(const CallExpr *call, const SourceManager &sm, StringRef &name) {
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd || !fd->getIdentifier())
    return false;
  if (!sm.isInSystemHeader(sm.getExpansionLoc(fd->getCanonicalDecl()->getLocation())))
    return false;
  name = fd->getName();
  return true;
}

bool isMappedRegionAddress(const CallExpr *call) {
  const auto *mc = dyn_cast<CXXMemberCallExpr>(call);
  if (!mc || !mc->getMethodDecl() || !mc->getMethodDecl()->getIdentifier() ||
      mc->getMethodDecl()->getName() != "get_address")
    return false;
  const CXXRecordDecl *rd = mc->getRecordDecl();
  return rd && rd->getIdentifier() &&
         (rd->getName() == "mapped_region" || rd->getName() == "managed_shared_memory");
}

} // namespace

std::string SharedOrigin::describe() const {
  if (fromOtherFile) {
    const ValueDecl *d = nullptr;
    if (const auto *call = dyn_cast<CallExpr>(root); call && call->getDirectCallee())
      return "'" + call->getDirectCallee()->getNameAsString() +
             "()', which returns shared memory mapped in another file";
    if (const auto *me = dyn_cast<MemberExpr>(root))
      d = me->getMemberDecl();
    else if (const auto *ref = dyn_cast<DeclRefExpr>(root))
      d = ref->getDecl();
    if (d)
      return "'" + d->getNameAsString() + "', which another file sets to shared memory";
  }
  if (const auto *call = dyn_cast<CallExpr>(root)) {
    if (isMappedRegionAddress(call))
      return "a mapped_region";
    if (const FunctionDecl *fd = call->getDirectCallee())
      if (fd->getName() == "shmat")
        return "shmat()";
  }
  return anonymous ? "mmap(MAP_SHARED|MAP_ANONYMOUS)" : "mmap(MAP_SHARED)";
}

SharedMemoryModel::SharedMemoryModel(ASTContext &ctx, const UseIndex &uses, ProgramView *program)
    : ctx(ctx), uses(uses) {
  const SourceManager &sm = ctx.getSourceManager();
  for (const CallExpr *call : uses.allCalls()) {
    StringRef name;
    if (sm.isInSystemHeader(sm.getExpansionLoc(call->getBeginLoc())))
      continue; // the library's own code holds none of the program's shared memory
    if (isMappedRegionAddress(call) ||
        (isLibraryCall(call, sm, name) && (name == "mmap" || name == "mmap64" || name == "shmat")))
      addRoot(call);
    else if (program && call->getDirectCallee()->getReturnType()->isPointerType())
      if (uint32_t facts = program->returnsShared(call->getDirectCallee(), sm))
        addWrapperRoot(call, facts);
  }
  // Fields and globals another file stores shared memory into (nginx's ngx_shm_alloc filling
  // shm->addr): their first reference here stands for the root.
  if (program) {
    std::vector<std::pair<const ValueDecl *, size_t>> referenced;
    uses.forEachReference([&](const ValueDecl *d, size_t) {
      if ((isa<FieldDecl>(d) || isa<VarDecl>(d)) && d->getType()->isPointerType())
        referenced.push_back({d, 0});
    });
    llvm::sort(referenced, [&](const auto &a, const auto &b) {
      return sm.isBeforeInTranslationUnit(a.first->getLocation(), b.first->getLocation());
    });
    for (const auto &entry : referenced) {
      const ValueDecl *d = entry.first;
      const Decl *key = valueKey(d);
      if (shared.count(key))
        continue;
      uint32_t facts = program->holdsShared(d, sm);
      llvm::ArrayRef<const Expr *> refs = uses.referencesTo(d);
      if (!facts || refs.empty())
        continue;
      SharedOrigin origin;
      origin.root = refs.front();
      origin.fromOtherFile = true;
      origin.anonymous = facts & FactReturnsSharedAnonymous;
      origin.attachedByName = facts & FactReturnsSharedAttached;
      origins.push_back(origin);
      shared[key] = &origins.back();
    }
  }
  if (origins.empty())
    return;
  for (unsigned round = 0; round < 8; ++round) {
    bool changed = false;
    for (const auto &entry : uses.storedValues()) {
      if (shared.count(entry.first) || !holdsPointer(entry.first))
        continue;
      bool reference = false;
      if (const auto *vd = dyn_cast<ValueDecl>(entry.first))
        reference = vd->getType()->isReferenceType();
      if (const auto *fd = dyn_cast<FunctionDecl>(entry.first))
        reference = fd->getReturnType()->isReferenceType();
      for (const Expr *v : entry.second) {
        const SharedOrigin *o = reference ? lvalueOrigin(v) : pointerOrigin(v);
        if (o) {
          shared[entry.first] = o;
          changed = true;
          break;
        }
      }
    }
    if (!changed)
      break;
  }
}

void SharedMemoryModel::addRoot(const Expr *e) {
  const auto *call = cast<CallExpr>(e);
  SharedOrigin origin;
  origin.root = call;
  if (isMappedRegionAddress(call)) {
    origins.push_back(origin);
    roots[call] = &origins.back();
    return;
  }
  StringRef name = call->getDirectCallee()->getName();
  if (name == "shmat") {
    if (call->getNumArgs() < 1)
      return;
    origin.attachedByName = fdAttachedByName(call->getArg(0), true);
  } else {
    Expr::EvalResult flags;
    if (call->getNumArgs() < 6 || !call->getArg(3)->EvaluateAsInt(flags, ctx))
      return;
    int64_t f = flags.Val.getInt().getExtValue();
    if ((f & MAP_TYPE) != MAP_SHARED && (f & MAP_TYPE) != MAP_SHARED_VALIDATE)
      return;
    origin.anonymous = f & MAP_ANONYMOUS;
    if (!origin.anonymous)
      origin.attachedByName = fdAttachedByName(call->getArg(4), false);
  }
  origins.push_back(origin);
  roots[call] = &origins.back();
}

void SharedMemoryModel::addWrapperRoot(const CallExpr *call, uint32_t facts) {
  SharedOrigin origin;
  origin.root = call;
  origin.fromOtherFile = true;
  origin.anonymous = facts & FactReturnsSharedAnonymous;
  origin.attachedByName = facts & FactReturnsSharedAttached;
  origins.push_back(origin);
  roots[call] = &origins.back();
}

bool SharedMemoryModel::fdAttachedByName(const Expr *fd, bool sysv) const {
  std::vector<const Expr *> sources;
  const Expr *e = fd->IgnoreParenImpCasts();
  if (const auto *ref = dyn_cast<DeclRefExpr>(e)) {
    llvm::ArrayRef<const Expr *> stored = uses.valuesOf(ref->getDecl());
    sources.assign(stored.begin(), stored.end());
  } else {
    sources.push_back(e);
  }
  // Attached by name when the program opens it without creating it; a program that creates it
  // when missing (`if ((id = shmget(key, n, 0)) < 0) id = shmget(key, n, IPC_CREAT | 0600);`)
  // is its creator, as with IPC_CREAT alone.
  const SourceManager &sm = ctx.getSourceManager();
  bool attaches = false;
  for (const Expr *s : sources) {
    const auto *call = dyn_cast<CallExpr>(s->IgnoreParenCasts());
    StringRef name;
    if (!call || !isLibraryCall(call, sm, name))
      continue;
    unsigned flagArg = name == "openat" ? 2 : 1;
    if (sysv) {
      if (name != "shmget" || call->getNumArgs() < 3)
        continue;
      Expr::EvalResult key, flags;
      if (!call->getArg(0)->EvaluateAsInt(key, ctx) || key.Val.getInt() == IPC_PRIVATE ||
          !call->getArg(2)->EvaluateAsInt(flags, ctx))
        continue;
      if (flags.Val.getInt().getExtValue() & IPC_CREAT)
        return false;
      attaches = true;
      continue;
    }
    if (name != "shm_open" && name != "open" && name != "open64" && name != "openat")
      continue;
    // MAP_SHARED of /dev/zero is the old spelling of an anonymous shared mapping: nobody else
    // can attach it.
    unsigned pathArg = name == "openat" ? 1 : 0;
    if (call->getNumArgs() > pathArg)
      if (const auto *lit = dyn_cast<StringLiteral>(call->getArg(pathArg)->IgnoreParenCasts()))
        if (lit->getBytes() == "/dev/zero")
          return false;
    Expr::EvalResult flags;
    if (call->getNumArgs() <= flagArg || !call->getArg(flagArg)->EvaluateAsInt(flags, ctx))
      continue;
    if (flags.Val.getInt().getExtValue() & O_CREAT)
      return false;
    attaches = true;
  }
  return attaches;
}

std::vector<std::pair<const Decl *, const SharedOrigin *>>
SharedMemoryModel::sharedDeclsInOrder() const {
  std::vector<std::pair<const Decl *, const SharedOrigin *>> decls(shared.begin(), shared.end());
  const SourceManager &sm = ctx.getSourceManager();
  llvm::sort(decls, [&](const auto &a, const auto &b) {
    return sm.isBeforeInTranslationUnit(a.first->getLocation(), b.first->getLocation());
  });
  return decls;
}

const SharedOrigin *SharedMemoryModel::declOrigin(const Decl *d) const {
  return shared.lookup(valueKey(d));
}

const SharedOrigin *SharedMemoryModel::pointerOrigin(const Expr *e) const {
  return e ? pointerOrigin(e, 0) : nullptr;
}

const SharedOrigin *SharedMemoryModel::lvalueOrigin(const Expr *e) const {
  return e ? lvalueOrigin(e, 0) : nullptr;
}

const SharedOrigin *SharedMemoryModel::pointerOrigin(const Expr *e, unsigned depth) const {
  if (origins.empty() || depth > 24)
    return nullptr;
  e = e->IgnoreParenCasts();
  if (const SharedOrigin *o = roots.lookup(e))
    return o;
  if (const auto *call = dyn_cast<CallExpr>(e))
    return call->getDirectCallee() ? declOrigin(call->getDirectCallee()) : nullptr;
  if (e->getType()->isArrayType())
    return lvalueOrigin(e, depth + 1); // a decayed array member of a shared struct
  if (const auto *ref = dyn_cast<DeclRefExpr>(e))
    return declOrigin(ref->getDecl());
  if (const auto *me = dyn_cast<MemberExpr>(e))
    return declOrigin(me->getMemberDecl());
  if (const auto *uo = dyn_cast<UnaryOperator>(e)) {
    if (uo->getOpcode() == UO_AddrOf)
      return lvalueOrigin(uo->getSubExpr(), depth + 1);
    if (uo->isIncrementDecrementOp())
      return pointerOrigin(uo->getSubExpr(), depth + 1);
    return nullptr;
  }
  if (const auto *bo = dyn_cast<BinaryOperator>(e)) {
    if (bo->getOpcode() == BO_Assign || bo->getOpcode() == BO_Comma ||
        bo->getOpcode() == BO_AddAssign || bo->getOpcode() == BO_SubAssign)
      return bo->getOpcode() == BO_Comma || bo->getOpcode() == BO_Assign
                 ? pointerOrigin(bo->getRHS(), depth + 1)
                 : pointerOrigin(bo->getLHS(), depth + 1);
    if (bo->isAdditiveOp()) {
      if (bo->getLHS()->getType()->isPointerType() || bo->getLHS()->getType()->isArrayType())
        return pointerOrigin(bo->getLHS(), depth + 1);
      return pointerOrigin(bo->getRHS(), depth + 1);
    }
    return nullptr;
  }
  if (const auto *co = dyn_cast<AbstractConditionalOperator>(e)) {
    if (const SharedOrigin *o = pointerOrigin(co->getTrueExpr(), depth + 1))
      return o;
    return pointerOrigin(co->getFalseExpr(), depth + 1);
  }
  if (const auto *ne = dyn_cast<CXXNewExpr>(e))
    if (ne->getNumPlacementArgs() > 0)
      return pointerOrigin(ne->getPlacementArg(0), depth + 1);
  return nullptr;
}

const SharedOrigin *SharedMemoryModel::lvalueOrigin(const Expr *e, unsigned depth) const {
  if (origins.empty() || depth > 24)
    return nullptr;
  e = e->IgnoreParenImpCasts();
  if (const auto *me = dyn_cast<MemberExpr>(e))
    return me->isArrow() ? pointerOrigin(me->getBase(), depth + 1)
                         : lvalueOrigin(me->getBase(), depth + 1);
  if (const auto *ase = dyn_cast<ArraySubscriptExpr>(e))
    return pointerOrigin(ase->getBase(), depth + 1);
  if (const auto *uo = dyn_cast<UnaryOperator>(e))
    if (uo->getOpcode() == UO_Deref)
      return pointerOrigin(uo->getSubExpr(), depth + 1);
  if (const auto *ref = dyn_cast<DeclRefExpr>(e))
    if (ref->getDecl()->getType()->isReferenceType())
      return declOrigin(ref->getDecl());
  if (const auto *op = dyn_cast<CXXOperatorCallExpr>(e))
    if (op->getOperator() == OO_Subscript && op->getNumArgs() > 0)
      return lvalueOrigin(op->getArg(0), depth + 1); // std::array in shared memory
  return nullptr;
}

} // namespace analyzer
} // namespace procsan
