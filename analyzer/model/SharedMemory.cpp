#include "model/SharedMemory.h"

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

const Decl *flowKey(const Decl *d) {
  if (!d)
    return nullptr;
  if (isa<FunctionDecl>(d) || (isa<VarDecl>(d) && !isa<ParmVarDecl>(d)))
    return d->getCanonicalDecl();
  return d;
}

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
  if (const auto *call = dyn_cast<CallExpr>(root)) {
    if (isMappedRegionAddress(call))
      return "a mapped_region";
    if (const FunctionDecl *fd = call->getDirectCallee())
      if (fd->getName() == "shmat")
        return "shmat()";
  }
  return anonymous ? "mmap(MAP_SHARED|MAP_ANONYMOUS)" : "mmap(MAP_SHARED)";
}

class SharedEdgeCollector : public RecursiveASTVisitor<SharedEdgeCollector> {
public:
  SharedEdgeCollector(SharedMemoryModel &model) : model(model), sm(model.ctx.getSourceManager()) {}
  bool shouldVisitTemplateInstantiations() const { return true; }

  bool TraverseDecl(Decl *d) {
    if (d && !isa<TranslationUnitDecl>(d) && d->getLocation().isValid() &&
        sm.isInSystemHeader(sm.getExpansionLoc(d->getLocation())))
      return true; // the library's own code holds none of the program's shared memory
    bool isFunction = d && isa<FunctionDecl>(d);
    if (isFunction)
      functions.push_back(cast<FunctionDecl>(d));
    bool result = RecursiveASTVisitor::TraverseDecl(d);
    if (isFunction)
      functions.pop_back();
    return result;
  }
  bool TraverseLambdaExpr(LambdaExpr *e) {
    functions.push_back(e->getCallOperator());
    bool result = RecursiveASTVisitor::TraverseLambdaExpr(e);
    functions.pop_back();
    return result;
  }

  bool VisitVarDecl(VarDecl *vd) {
    if (const Expr *init = vd->getInit())
      add(vd, init);
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *bo) {
    if (bo->getOpcode() != BO_Assign)
      return true;
    const Expr *lhs = bo->getLHS()->IgnoreParenImpCasts();
    if (const auto *ref = dyn_cast<DeclRefExpr>(lhs))
      add(ref->getDecl(), bo->getRHS());
    else if (const auto *me = dyn_cast<MemberExpr>(lhs))
      add(me->getMemberDecl(), bo->getRHS());
    return true;
  }
  bool VisitCallExpr(CallExpr *call) {
    StringRef name;
    if (isMappedRegionAddress(call)) {
      candidates.push_back(call);
    } else if (isLibraryCall(call, sm, name)) {
      if (name == "mmap" || name == "mmap64" || name == "shmat")
        candidates.push_back(call);
      return true;
    }
    if (const FunctionDecl *fd = call->getDirectCallee())
      passArguments(fd, call->arguments());
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *e) {
    passArguments(e->getConstructor(), e->arguments());
    return true;
  }
  bool VisitCXXConstructorDecl(CXXConstructorDecl *cd) {
    for (const CXXCtorInitializer *init : cd->inits())
      if (init->isMemberInitializer() && init->getInit())
        add(init->getMember(), init->getInit());
    return true;
  }
  bool VisitReturnStmt(ReturnStmt *rs) {
    if (!functions.empty() && rs->getRetValue())
      add(functions.back(), rs->getRetValue());
    return true;
  }

  std::vector<const CallExpr *> candidates;

private:
  void add(const Decl *d, const Expr *value) {
    if (d)
      model.values[flowKey(d)].push_back(value);
  }
  template <typename Args> void passArguments(const FunctionDecl *fd, Args args) {
    const FunctionDecl *def = nullptr;
    if (!fd || !fd->hasBody(def) || !def)
      return;
    unsigned i = 0;
    for (const Expr *arg : args) {
      if (i >= def->getNumParams())
        break;
      add(def->getParamDecl(i++), arg);
    }
  }

  SharedMemoryModel &model;
  const SourceManager &sm;
  std::vector<const FunctionDecl *> functions;
};

SharedMemoryModel::SharedMemoryModel(ASTContext &ctx, const UseIndex &uses) : ctx(ctx), uses(uses) {
  SharedEdgeCollector collector(*this);
  collector.TraverseDecl(ctx.getTranslationUnitDecl());
  for (const CallExpr *call : collector.candidates)
    addRoot(call);
  if (origins.empty())
    return;
  for (unsigned round = 0; round < 8; ++round) {
    bool changed = false;
    for (const auto &entry : values) {
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

bool SharedMemoryModel::fdAttachedByName(const Expr *fd, bool sysv) const {
  std::vector<const Expr *> sources;
  const Expr *e = fd->IgnoreParenImpCasts();
  if (const auto *ref = dyn_cast<DeclRefExpr>(e))
    sources = values.lookup(flowKey(ref->getDecl()));
  else
    sources.push_back(e);
  const SourceManager &sm = ctx.getSourceManager();
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
      if (call->getArg(0)->EvaluateAsInt(key, ctx) && key.Val.getInt() != IPC_PRIVATE &&
          call->getArg(2)->EvaluateAsInt(flags, ctx) &&
          !(flags.Val.getInt().getExtValue() & IPC_CREAT))
        return true;
      continue;
    }
    if (name != "shm_open" && name != "open" && name != "open64" && name != "openat")
      continue;
    Expr::EvalResult flags;
    if (call->getNumArgs() > flagArg && call->getArg(flagArg)->EvaluateAsInt(flags, ctx) &&
        !(flags.Val.getInt().getExtValue() & O_CREAT))
      return true;
  }
  return false;
}

llvm::ArrayRef<const Expr *> SharedMemoryModel::valuesOf(const Decl *d) const {
  auto it = values.find(flowKey(d));
  if (it == values.end())
    return {};
  return it->second;
}

const SharedOrigin *SharedMemoryModel::declOrigin(const Decl *d) const {
  return shared.lookup(flowKey(d));
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
