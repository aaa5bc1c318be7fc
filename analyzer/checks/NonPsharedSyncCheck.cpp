#include "checks/NonPsharedSyncCheck.h"

#include "AnalysisContext.h"
#include "model/AsyncSignalSafety.h"
#include "model/SharedMemory.h"
#include "model/UseIndex.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

struct Family {
  const char *init;      // pthread_mutex_init
  const char *setShared; // pthread_mutexattr_setpshared
  const char *attrInit;  // pthread_mutexattr_init
  const char *what;      // mutex
};

const Family families[] = {
    {"pthread_mutex_init", "pthread_mutexattr_setpshared", "pthread_mutexattr_init", "mutex"},
    {"pthread_cond_init", "pthread_condattr_setpshared", "pthread_condattr_init",
     "condition variable"},
    {"pthread_rwlock_init", "pthread_rwlockattr_setpshared", "pthread_rwlockattr_init", "rwlock"},
    {"pthread_barrier_init", "pthread_barrierattr_setpshared", "pthread_barrierattr_init",
     "barrier"},
};

// The C library's own function (not a program function of the same name).
bool isLibrary(const FunctionDecl *fd, const SourceManager &sm) {
  return isLibraryFunction(fd, sm) && fd->getIdentifier();
}

// The variable an attribute argument names: &attr, or a pointer parameter/variable.
const ValueDecl *attrVariable(const Expr *arg) {
  const Expr *e = arg->IgnoreParenCasts();
  if (const auto *uo = dyn_cast<UnaryOperator>(e))
    if (uo->getOpcode() == UO_AddrOf)
      e = uo->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *ref = dyn_cast<DeclRefExpr>(e))
    return ref->getDecl();
  if (const auto *me = dyn_cast<MemberExpr>(e))
    return me->getMemberDecl();
  return nullptr;
}

// What the program does to an attribute object: makes it process-shared, makes a mutex robust.
struct AttrFacts {
  bool shared = false;
  bool privateSet = false;
  bool robust = false;
  bool unknownUse = false; // passed to a function the model cannot see into
};

class AttrSummary {
public:
  AttrSummary(const UseIndex &uses, const SourceManager &sm, ASTContext &ctx)
      : uses(uses), sm(sm), ctx(ctx) {}

  // Facts about attribute variable v (a local, global, field or parameter), following helpers
  // it is passed to (init_attr(&a) that calls pthread_mutexattr_setpshared on its parameter).
  AttrFacts factsFor(const ValueDecl *v, const Family &family, unsigned depth = 0) {
    AttrFacts facts;
    if (!v || depth > 3)
      return facts;
    for (const CallExpr *call : uses.allCalls()) {
      const FunctionDecl *fd = call->getDirectCallee();
      for (unsigned i = 0; i < call->getNumArgs(); ++i) {
        if (attrVariable(call->getArg(i)) != v)
          continue;
        if (isLibrary(fd, sm)) {
          StringRef name = fd->getName();
          Expr::EvalResult value;
          bool known = call->getNumArgs() > 1 && call->getArg(1)->EvaluateAsInt(value, ctx);
          if (name == family.setShared && i == 0) {
            if (!known || value.Val.getInt() != 0)
              facts.shared = true; // PTHREAD_PROCESS_SHARED (or a value we cannot read)
            else
              facts.privateSet = true;
          } else if (name == "pthread_mutexattr_setrobust" && i == 0) {
            facts.robust = facts.robust || !known || value.Val.getInt() != 0;
          }
          continue;
        }
        const FunctionDecl *def = nullptr;
        if (fd && fd->hasBody(def) && def && i < def->getNumParams()) {
          AttrFacts inner = factsFor(def->getParamDecl(i), family, depth + 1);
          facts.shared |= inner.shared;
          facts.privateSet |= inner.privateSet;
          facts.robust |= inner.robust;
          facts.unknownUse |= inner.unknownUse;
        } else {
          facts.unknownUse = true;
        }
      }
    }
    // A parameter: what its callers pass.
    if (const auto *pv = dyn_cast<ParmVarDecl>(v))
      if (const auto *fn = dyn_cast<FunctionDecl>(pv->getDeclContext())) {
        llvm::ArrayRef<const CallExpr *> callers = uses.callsTo(fn);
        if (callers.empty())
          facts.unknownUse = true;
        for (const CallExpr *c : callers) {
          unsigned idx = pv->getFunctionScopeIndex();
          if (idx >= c->getNumArgs())
            continue;
          AttrFacts outer = factsFor(attrVariable(c->getArg(idx)), family, depth + 1);
          if (!attrVariable(c->getArg(idx)))
            outer.unknownUse = true;
          facts.shared |= outer.shared;
          facts.robust |= outer.robust;
          facts.unknownUse |= outer.unknownUse;
        }
      }
    return facts;
  }

private:
  const UseIndex &uses;
  const SourceManager &sm;
  ASTContext &ctx;
};

bool isNullPointer(const Expr *e, ASTContext &ctx) {
  return e->IgnoreParenCasts()->isNullPointerConstant(ctx, Expr::NPC_ValueDependentIsNotNull) !=
         Expr::NPCK_NotNull;
}

// A standard-library synchronization type somewhere in t (members, bases, arrays).
const CXXRecordDecl *findStdSync(QualType t, unsigned depth = 0) {
  if (depth > 6)
    return nullptr;
  t = t.getCanonicalType();
  while (const ArrayType *at = t->getAsArrayTypeUnsafe())
    t = at->getElementType().getCanonicalType();
  const CXXRecordDecl *rd = t->getAsCXXRecordDecl();
  if (!rd || !rd->hasDefinition())
    return nullptr;
  if (rd->isInStdNamespace() && rd->getIdentifier()) {
    StringRef n = rd->getName();
    if (n == "mutex" || n == "recursive_mutex" || n == "timed_mutex" ||
        n == "recursive_timed_mutex" || n == "shared_mutex" || n == "shared_timed_mutex" ||
        n == "condition_variable" || n == "condition_variable_any" || n == "counting_semaphore" ||
        n == "binary_semaphore" || n == "barrier" || n == "latch")
      return rd;
    return nullptr;
  }
  for (const CXXBaseSpecifier &b : rd->bases())
    if (const CXXRecordDecl *found = findStdSync(b.getType(), depth + 1))
      return found;
  for (const FieldDecl *f : rd->fields())
    if (const CXXRecordDecl *found = findStdSync(f->getType(), depth + 1))
      return found;
  return nullptr;
}

} // namespace

NonPsharedSyncCheck::NonPsharedSyncCheck(const CheckOptions &options)
    : Check(Id, options), suggestRobust(boolOption("SuggestRobust", true)) {}

void NonPsharedSyncCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const SharedMemoryModel &shm = ctx.sharedMemory();
  if (shm.empty())
    return;
  const SourceManager &sm = ctx.sourceManager();
  ASTContext &ast = ctx.ast();
  AttrSummary attrs(ctx.uses(), sm, ast);
  auto inProgram = [&](const Expr *e) {
    return !sm.isInSystemHeader(sm.getExpansionLoc(e->getBeginLoc()));
  };

  for (const CallExpr *call : ctx.uses().allCalls()) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!isLibrary(fd, sm) || !inProgram(call) || call->getNumArgs() < 2)
      continue;
    StringRef name = fd->getName();
    if (name == "sem_init") {
      const SharedOrigin *o = shm.pointerOrigin(call->getArg(0));
      Expr::EvalResult pshared;
      if (!o || !call->getArg(1)->EvaluateAsInt(pshared, ast) || pshared.Val.getInt() != 0)
        continue;
      Finding &f = diag(call->getArg(1)->getBeginLoc(),
                        "semaphore in shared memory is initialized with pshared 0: it works "
                        "only between threads of one process, and posts from other processes "
                        "may never wake a waiter; pass 1");
      f.notes.push_back({o->root->getBeginLoc(), "the memory is shared by " + o->describe()});
      CharSourceRange range = CharSourceRange::getTokenRange(call->getArg(1)->getSourceRange());
      if (!range.getBegin().isMacroID() && !range.getEnd().isMacroID())
        f.fixits.push_back({range, "1"});
      continue;
    }
    for (const Family &family : families) {
      if (name != family.init)
        continue;
      const SharedOrigin *o = shm.pointerOrigin(call->getArg(0));
      if (!o)
        break;
      const Expr *attrArg = call->getArg(1);
      bool isMutex = StringRef(family.what) == "mutex";
      AttrFacts facts;
      if (!isNullPointer(attrArg, ast)) {
        const ValueDecl *attr = attrVariable(attrArg);
        if (!attr)
          break; // an attribute the model cannot name: may be shared
        facts = attrs.factsFor(attr, family);
        if (facts.shared || (facts.unknownUse && !facts.privateSet))
          break;
      }
      std::string what = family.what;
      Finding &f = diag(call->getBeginLoc(),
                        what + " in shared memory is initialized without "
                               "PTHREAD_PROCESS_SHARED: using it from more than one process is "
                               "undefined (lost wake-ups, deadlocks)");
      f.notes.push_back({o->root->getBeginLoc(), "the memory is shared by " + o->describe()});
      f.notes.push_back({attrArg->getBeginLoc(), std::string("pass an attribute set with ") +
                                                     family.setShared +
                                                     "(&attr, PTHREAD_PROCESS_SHARED)"});
      if (isMutex && suggestRobust && !facts.robust)
        f.notes.push_back({call->getBeginLoc(),
                           "a worker may die holding it: also set "
                           "pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST) and handle "
                           "EOWNERDEAD from pthread_mutex_lock"});
      break;
    }
  }

  // std::mutex and friends placed in shared memory: they are process-private by design.
  llvm::DenseSet<const Decl *> reportedTypes;
  struct News : RecursiveASTVisitor<News> {
    std::vector<const CXXNewExpr *> placements;
    bool shouldVisitTemplateInstantiations() const { return true; }
    bool VisitCXXNewExpr(CXXNewExpr *e) {
      if (e->getNumPlacementArgs() > 0)
        placements.push_back(e);
      return true;
    }
  } news;
  news.TraverseDecl(ast.getTranslationUnitDecl());
  auto reportStd = [&](SourceLocation at, QualType t, const SharedOrigin *o) {
    const CXXRecordDecl *sync = findStdSync(t);
    if (!sync ||
        !reportedTypes
             .insert(t->getAsRecordDecl() ? (const Decl *)t->getAsRecordDecl() : (const Decl *)sync)
             .second)
      return;
    Finding &f =
        diag(at, "std::" + sync->getName().str() + " in shared memory (in '" + t.getAsString() +
                     "') works only within one process: use a pthread mutex or "
                     "condition variable initialized with PTHREAD_PROCESS_SHARED, or a "
                     "semaphore");
    f.notes.push_back({o->root->getBeginLoc(), "the memory is shared by " + o->describe()});
  };
  for (const CXXNewExpr *ne : news.placements) {
    if (!inProgram(ne))
      continue;
    if (const SharedOrigin *o = shm.pointerOrigin(ne->getPlacementArg(0)))
      reportStd(ne->getBeginLoc(), ne->getAllocatedType(), o);
  }
  // T *p = static_cast<T *>(mmap(...)): the memory is used as a T.
  for (const auto &entry : shm.sharedDeclsInOrder()) {
    const auto *vd = dyn_cast<DeclaratorDecl>(entry.first);
    if (!vd || isa<ParmVarDecl>(vd) || !vd->getType()->isPointerType() ||
        sm.isInSystemHeader(sm.getExpansionLoc(vd->getLocation())))
      continue;
    reportStd(vd->getLocation(), vd->getType()->getPointeeType(), entry.second);
  }
}

} // namespace analyzer
} // namespace procsan
