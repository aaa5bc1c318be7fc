#include "model/LockRegions.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringSwitch.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

const uint8_t kMaxCount = 8;

uint8_t applyEffect(uint8_t value, int effect) {
  if (effect > 0)
    return value < kMaxCount ? value + 1 : value;
  if (effect < 0)
    return value > 0 ? value - 1 : 0;
  return value;
}

bool isLibrary(const Decl *d, const SourceManager &sm) {
  return sm.isInSystemHeader(sm.getExpansionLoc(d->getCanonicalDecl()->getLocation()));
}

std::optional<int64_t> intArg(const CallExpr *call, unsigned i, ASTContext &ctx) {
  if (call->getNumArgs() <= i)
    return std::nullopt;
  Expr::EvalResult r;
  if (!call->getArg(i)->EvaluateAsInt(r, ctx))
    return std::nullopt;
  return r.Val.getInt().getExtValue();
}

// The l_type last stored into the struct flock a fcntl() call passes, before the call.
std::optional<int64_t> flockType(const CallExpr *call, ASTContext &ctx) {
  if (call->getNumArgs() < 3)
    return std::nullopt;
  const auto *addr = dyn_cast<UnaryOperator>(call->getArg(2)->IgnoreParenCasts());
  if (!addr || addr->getOpcode() != UO_AddrOf)
    return std::nullopt;
  const auto *var = dyn_cast<DeclRefExpr>(addr->getSubExpr()->IgnoreParenImpCasts());
  const auto *vd = var ? dyn_cast<VarDecl>(var->getDecl()) : nullptr;
  if (!vd)
    return std::nullopt;
  const SourceManager &sm = ctx.getSourceManager();
  std::optional<int64_t> last;
  SourceLocation lastLoc;
  auto consider = [&](const Expr *value, SourceLocation at) {
    Expr::EvalResult r;
    if (!value->EvaluateAsInt(r, ctx) || !sm.isBeforeInTranslationUnit(at, call->getBeginLoc()))
      return;
    if (last && sm.isBeforeInTranslationUnit(at, lastLoc))
      return;
    last = r.Val.getInt().getExtValue();
    lastLoc = at;
  };
  // Designated or positional initializer: struct flock fl = {.l_type = F_WRLCK, ...}.
  if (const auto *init = dyn_cast_or_null<InitListExpr>(vd->getInit()))
    if (const RecordDecl *rd = vd->getType()->getAsRecordDecl())
      for (const FieldDecl *f : rd->fields())
        if (f->getName() == "l_type" && f->getFieldIndex() < init->getNumInits())
          consider(init->getInit(f->getFieldIndex()), vd->getLocation());
  // Assignments fl.l_type = ... anywhere before the call (the nearest one wins).
  const FunctionDecl *fn = enclosingFunction(ctx, call);
  if (!fn || !fn->getBody())
    return last;
  struct Finder : RecursiveASTVisitor<Finder> {
    const VarDecl *vd;
    std::function<void(const Expr *, SourceLocation)> consider;
    bool VisitBinaryOperator(BinaryOperator *bo) {
      if (bo->getOpcode() != BO_Assign)
        return true;
      const auto *me = dyn_cast<MemberExpr>(bo->getLHS()->IgnoreParenImpCasts());
      if (!me || me->getMemberDecl()->getName() != "l_type")
        return true;
      const auto *base = dyn_cast<DeclRefExpr>(me->getBase()->IgnoreParenImpCasts());
      if (base && base->getDecl() == vd)
        consider(bo->getRHS(), bo->getBeginLoc());
      return true;
    }
  } finder;
  finder.vd = vd;
  finder.consider = consider;
  finder.TraverseStmt(const_cast<Stmt *>(fn->getBody()));
  return last;
}

// The sem_op of the sembuf a semop()/semtimedop() call passes: from its initializer
// ({0, -1, SEM_UNDO}, {.sem_op = 1}) or the nearest assignment before the call (sb.sem_op = -1).
// P (a negative sem_op) takes the semaphore, V (positive) gives it back; 0 waits for zero.
std::optional<int64_t> semopValue(const CallExpr *call, ASTContext &ctx) {
  if (call->getNumArgs() < 2)
    return std::nullopt;
  const Expr *arg = call->getArg(1)->IgnoreParenCasts();
  if (const auto *addr = dyn_cast<UnaryOperator>(arg); addr && addr->getOpcode() == UO_AddrOf)
    arg = addr->getSubExpr()->IgnoreParenImpCasts();
  const auto *ref = dyn_cast<DeclRefExpr>(arg);
  const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
  if (!vd)
    return std::nullopt;
  const SourceManager &sm = ctx.getSourceManager();
  std::optional<int64_t> last;
  SourceLocation lastLoc;
  auto consider = [&](const Expr *value, SourceLocation at) {
    Expr::EvalResult r;
    if (!value || !value->EvaluateAsInt(r, ctx) ||
        !sm.isBeforeInTranslationUnit(at, call->getBeginLoc()))
      return;
    if (last && sm.isBeforeInTranslationUnit(at, lastLoc))
      return;
    last = r.Val.getInt().getExtValue();
    lastLoc = at;
  };
  // struct sembuf p = {0, -1, SEM_UNDO}; or an array of one.
  const auto *init = dyn_cast_or_null<InitListExpr>(vd->getInit());
  if (init && vd->getType()->isArrayType())
    init = init->getNumInits() ? dyn_cast<InitListExpr>(init->getInit(0)) : nullptr;
  if (init)
    if (const RecordDecl *rd = init->getType()->getAsRecordDecl())
      for (const FieldDecl *f : rd->fields())
        if (f->getName() == "sem_op" && f->getFieldIndex() < init->getNumInits())
          consider(init->getInit(f->getFieldIndex()), vd->getLocation());
  const FunctionDecl *fn = enclosingFunction(ctx, call);
  if (!fn || !fn->getBody())
    return last;
  struct Finder : RecursiveASTVisitor<Finder> {
    const VarDecl *vd;
    std::function<void(const Expr *, SourceLocation)> consider;
    bool VisitBinaryOperator(BinaryOperator *bo) {
      if (bo->getOpcode() != BO_Assign)
        return true;
      const auto *me = dyn_cast<MemberExpr>(bo->getLHS()->IgnoreParenImpCasts());
      if (!me || me->getMemberDecl()->getName() != "sem_op")
        return true;
      const Expr *base = me->getBase()->IgnoreParenImpCasts();
      if (const auto *ase = dyn_cast<ArraySubscriptExpr>(base))
        base = ase->getBase()->IgnoreParenImpCasts();
      const auto *dre = dyn_cast<DeclRefExpr>(base);
      if (dre && dre->getDecl() == vd)
        consider(bo->getRHS(), bo->getBeginLoc());
      return true;
    }
  } finder;
  finder.vd = vd;
  finder.consider = consider;
  finder.TraverseStmt(const_cast<Stmt *>(fn->getBody()));
  return last;
}

// RAII lock guards of the standard library and Boost.Interprocess, by name.
bool isLibraryGuard(const CXXRecordDecl *rd) {
  if (!rd || !rd->getIdentifier())
    return false;
  StringRef name = rd->getName();
  bool guardName = name == "lock_guard" || name == "unique_lock" || name == "scoped_lock" ||
                   name == "shared_lock" || name == "sharable_lock" || name == "upgradable_lock";
  if (!guardName)
    return false;
  if (rd->isInStdNamespace())
    return true;
  for (const DeclContext *dc = rd->getDeclContext(); dc; dc = dc->getParent())
    if (const auto *ns = dyn_cast<NamespaceDecl>(dc))
      if (ns->getName() == "boost")
        return true;
  return false;
}

int methodNameEffect(StringRef name) {
  return llvm::StringSwitch<int>(name)
      .Cases("lock", "try_lock", "lock_shared", "try_lock_shared", "timed_lock", 1)
      .Cases("try_lock_for", "try_lock_until", "lock_sharable", "try_lock_sharable", 1)
      .Cases("unlock", "unlock_shared", "unlock_sharable", -1)
      .Default(0);
}

} // namespace

int libraryLockEffect(const CallExpr *call, ASTContext &ctx) {
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd || !fd->getIdentifier() || !isLibrary(fd, ctx.getSourceManager()))
    return 0;
  StringRef name = fd->getName();
  int effect = llvm::StringSwitch<int>(name)
                   .Cases("sem_wait", "sem_timedwait", "sem_clockwait", "sem_trywait", 1)
                   .Cases("pthread_mutex_lock", "pthread_mutex_trylock", 1)
                   .Cases("pthread_mutex_timedlock", "pthread_mutex_clocklock", 1)
                   .Cases("pthread_rwlock_rdlock", "pthread_rwlock_wrlock", 1)
                   .Cases("pthread_rwlock_tryrdlock", "pthread_rwlock_trywrlock", 1)
                   .Cases("pthread_rwlock_timedrdlock", "pthread_rwlock_timedwrlock", 1)
                   .Cases("pthread_rwlock_clockrdlock", "pthread_rwlock_clockwrlock", 1)
                   .Cases("pthread_spin_lock", "pthread_spin_trylock", 1)
                   .Cases("sem_post", "pthread_mutex_unlock", "pthread_rwlock_unlock", -1)
                   .Case("pthread_spin_unlock", -1)
                   .Default(0);
  if (effect)
    return effect;
  if (name == "semop" || name == "semtimedop") {
    // An operation the model cannot read counts as taking the semaphore (may hold).
    std::optional<int64_t> op = semopValue(call, ctx);
    return !op || *op < 0 ? 1 : *op > 0 ? -1 : 0;
  }
  if (name == "flock") {
    std::optional<int64_t> op = intArg(call, 1, ctx);
    if (!op)
      return 0;
    return (*op & 8) ? -1 : (*op & 3) ? 1 : 0; // LOCK_UN; LOCK_SH, LOCK_EX
  }
  if (name == "lockf") {
    std::optional<int64_t> cmd = intArg(call, 1, ctx);
    if (!cmd)
      return 0;
    return *cmd == 0 ? -1 : (*cmd == 1 || *cmd == 2) ? 1 : 0; // F_ULOCK; F_LOCK, F_TLOCK
  }
  if (name == "fcntl" || name == "fcntl64") {
    std::optional<int64_t> cmd = intArg(call, 1, ctx);
    if (!cmd || !(*cmd == 6 || *cmd == 7 || *cmd == 37 || *cmd == 38)) // F_SETLK(W), F_OFD_*
      return 0;
    std::optional<int64_t> type = flockType(call, ctx);
    return type && *type == 2 ? -1 : 1; // F_UNLCK; unknown counts as a lock (may hold)
  }
  return 0;
}

LockRegions::LockRegions(ASTContext &ctx, const UseIndex &uses, FunctionSummaries &summaries)
    : ctx(ctx), uses(uses), summaries(summaries) {}

LockRegions::~LockRegions() = default;

int LockRegions::callEffect(const FunctionDecl *fd, const Expr *call) {
  if (!fd)
    return 0;
  if (const auto *ce = dyn_cast_or_null<CallExpr>(call))
    if (int e = libraryLockEffect(ce, ctx))
      return e;
  const SourceManager &sm = ctx.getSourceManager();
  if (const auto *ctor = dyn_cast<CXXConstructorDecl>(fd)) {
    if (ctor->isCopyOrMoveConstructor())
      return 0;
    if (isLibraryGuard(ctor->getParent())) {
      // std::unique_lock(m, std::defer_lock) does not lock.
      if (const auto *ce = dyn_cast_or_null<CXXConstructExpr>(call))
        for (const Expr *arg : ce->arguments())
          if (const CXXRecordDecl *rd = arg->getType()->getAsCXXRecordDecl())
            if (rd->getIdentifier() && rd->getName() == "defer_lock_t")
              return 0;
      return 1;
    }
  }
  if (const auto *dtor = dyn_cast<CXXDestructorDecl>(fd))
    if (isLibraryGuard(dtor->getParent()))
      return -1;
  if (const auto *md = dyn_cast<CXXMethodDecl>(fd))
    if (md->getIdentifier() && (isLibrary(md, sm) || !md->hasBody()))
      return methodNameEffect(md->getName());
  return summaryEffect(fd);
}

// A function defined in another file: its name is the only evidence (fio_sem_down,
// lock_stats, pool_release). Reading it as a lock keeps checks quiet, the safe direction.
int externalNameEffect(const FunctionDecl *fd) {
  if (!fd->getIdentifier())
    return 0;
  std::string name = fd->getName().lower();
  StringRef n(name);
  if (n.contains("unlock") || n.contains("release") || n.ends_with("_up") || n.ends_with("_post") ||
      n.ends_with("_leave"))
    return -1;
  if (n.contains("lock") || n.contains("acquire") || n.ends_with("_down") || n.ends_with("_enter"))
    return 1;
  return 0;
}

int LockRegions::summaryEffect(const FunctionDecl *fd) {
  const FunctionDecl *def = nullptr;
  if (isLibrary(fd, ctx.getSourceManager()))
    return 0;
  if (!fd->hasBody(def) || !def)
    return externalNameEffect(fd);
  auto it = effects.find(def);
  if (it != effects.end())
    return it->second == int(State::Computing) ? 0 : it->second;
  effects[def] = int(State::Computing);
  int effect = 0;
  if (const CFG *cfg = summaries.cfgFor(def)) {
    auto transfer = [this](const CFGElement &e, uint8_t v) {
      return applyEffect(v, elementEffect(e));
    };
    ByteFlow acquires(*cfg, ByteFlow::Max, 0, transfer);
    if (acquires.atExit() > 0) {
      effect = 1;
    } else {
      // Entered with the caller's lock held: some path gives it up.
      ByteFlow releases(*cfg, ByteFlow::Min, 1, transfer);
      if (releases.atExit() == 0)
        effect = -1;
    }
  }
  effects[def] = effect;
  return effect;
}

int LockRegions::elementEffect(const CFGElement &e) {
  if (auto s = e.getAs<CFGStmt>()) {
    const Stmt *st = s->getStmt();
    if (const auto *call = dyn_cast<CallExpr>(st))
      return callEffect(call->getDirectCallee(), call);
    if (const auto *ctor = dyn_cast<CXXConstructExpr>(st))
      return callEffect(ctor->getConstructor(), ctor);
    return 0;
  }
  if (auto d = e.getAs<CFGAutomaticObjDtor>()) {
    const CXXRecordDecl *rd = d->getVarDecl()->getType()->getAsCXXRecordDecl();
    if (rd && rd->hasDefinition())
      if (const CXXDestructorDecl *dtor = rd->getDestructor())
        return callEffect(dtor, nullptr);
  }
  return 0;
}

const ByteFlow *LockRegions::flowFor(const FunctionDecl *fd) {
  auto it = flows.find(fd);
  if (it != flows.end())
    return it->second.get();
  std::unique_ptr<ByteFlow> flow;
  if (const CFG *cfg = summaries.cfgFor(fd))
    flow =
        std::make_unique<ByteFlow>(*cfg, ByteFlow::Max, 0, [this](const CFGElement &e, uint8_t v) {
          return applyEffect(v, elementEffect(e));
        });
  const ByteFlow *result = flow.get();
  flows[fd] = std::move(flow);
  return result;
}

bool LockRegions::mayHoldLockInFunction(const Stmt *s) {
  const FunctionDecl *fd = enclosingFunction(ctx, s);
  if (!fd)
    return false;
  const ByteFlow *flow = flowFor(fd);
  if (!flow)
    return false;
  std::optional<uint8_t> v = flow->before(s);
  return v && *v > 0;
}

bool LockRegions::mayHoldLockAt(const Stmt *s) { return mayHoldLockAt(s, 0); }

bool LockRegions::mayHoldLockAt(const Stmt *s, unsigned depth) {
  if (mayHoldLockInFunction(s))
    return true;
  const FunctionDecl *fd = enclosingFunction(ctx, s);
  return fd && calledWithLockHeld(fd, depth);
}

bool LockRegions::calledWithLockHeld(const FunctionDecl *fd) { return calledWithLockHeld(fd, 0); }

bool LockRegions::calledWithLockHeld(const FunctionDecl *fd, unsigned depth) {
  if (depth > 4 || !fd)
    return false;
  llvm::ArrayRef<const CallExpr *> calls = uses.callsTo(fd);
  if (calls.empty())
    return false;
  // Any reference that is not the callee of a direct call takes the function's address.
  llvm::DenseSet<const Expr *> callees;
  for (const CallExpr *c : calls)
    callees.insert(c->getCallee()->IgnoreParenImpCasts());
  for (const FunctionDecl *rd : fd->redecls())
    for (const Expr *ref : uses.referencesTo(rd))
      if (!callees.count(ref))
        return false;
  for (const CallExpr *c : calls)
    if (!mayHoldLockAt(c, depth + 1))
      return false;
  return true;
}

} // namespace analyzer
} // namespace procsan
