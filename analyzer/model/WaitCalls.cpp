#include "model/WaitCalls.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

#include <csignal>
#include <sys/wait.h>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

bool isCLibrary(const FunctionDecl *fd) {
  const DeclContext *dc = fd->getDeclContext()->getRedeclContext();
  return dc->isTranslationUnit() || dc->isExternCContext() || fd->isExternC() ||
         dc->isStdNamespace();
}

bool evalInt(const Expr *e, ASTContext &ctx, int64_t &out) {
  Expr::EvalResult r;
  if (!e || e->isValueDependent() || !e->EvaluateAsInt(r, ctx))
    return false;
  out = r.Val.getInt().getExtValue();
  return true;
}

bool isNullPointer(const Expr *e, ASTContext &ctx) {
  return e && e->IgnoreParenCasts()->isNullPointerConstant(ctx, Expr::NPC_ValueDependentIsNull);
}

// A handler function named by an expression: `on_chld`, `&on_chld`.
const FunctionDecl *functionNamed(const Expr *e) {
  if (!e)
    return nullptr;
  e = e->IgnoreParenImpCasts();
  if (const auto *uo = dyn_cast<UnaryOperator>(e))
    if (uo->getOpcode() == UO_AddrOf)
      e = uo->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *dre = dyn_cast<DeclRefExpr>(e))
    return dyn_cast<FunctionDecl>(dre->getDecl());
  return nullptr;
}

// The variable at the root of an lvalue: sa, sa.sa_flags, act->x, arr[i].
const ValueDecl *rootVariable(const Expr *e) {
  for (int depth = 0; e && depth < 16; ++depth) {
    e = e->IgnoreParenImpCasts();
    if (const auto *dre = dyn_cast<DeclRefExpr>(e))
      return dre->getDecl();
    if (const auto *me = dyn_cast<MemberExpr>(e))
      e = me->getBase();
    else if (const auto *ase = dyn_cast<ArraySubscriptExpr>(e))
      e = ase->getBase();
    else
      return nullptr;
  }
  return nullptr;
}

// The expression is spelled with a signal's macro: SIGCHLD, SIGTERM, ...
bool spelledAsSignal(const Expr *e, ASTContext &ctx, int64_t &sig) {
  SourceLocation loc = e->IgnoreParenImpCasts()->getBeginLoc();
  if (!loc.isMacroID() || !evalInt(e, ctx, sig))
    return false;
  StringRef macro = Lexer::getImmediateMacroName(loc, ctx.getSourceManager(), ctx.getLangOpts());
  return macro.starts_with("SIG") && macro.size() > 3 && isUppercase(macro[3]);
}

bool isSigIgn(const Expr *e, ASTContext &ctx) {
  // SIG_IGN is ((__sighandler_t) 1).
  int64_t v;
  const Expr *inner = e ? e->IgnoreParenCasts() : nullptr;
  return inner && evalInt(inner, ctx, v) && v == 1;
}

} // namespace

bool isWaitFunction(const FunctionDecl *fd) {
  if (!fd || !fd->getIdentifier() || !isCLibrary(fd))
    return false;
  StringRef n = fd->getName();
  return n == "wait" || n == "waitpid" || n == "wait3" || n == "wait4" || n == "waitid" ||
         n == "apr_proc_wait" || n == "apr_proc_wait_all_procs";
}

WaitModel::WaitModel(ASTContext &ctx, const UseIndex &uses) : ctx(ctx), uses(uses) {
  for (const CallExpr *call : uses.allCalls()) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd || !fd->getIdentifier())
      continue;
    StringRef name = fd->getName();
    if (isWaitFunction(fd)) {
      WaitCall w;
      w.call = call;
      w.enclosing = enclosingFunction(ctx, call);
      unsigned n = call->getNumArgs();
      int64_t v = 0;
      if (name == "wait" && n >= 1) {
        w.status = call->getArg(0);
        w.anyChild = true;
      } else if (name == "wait3" && n >= 2) {
        w.status = call->getArg(0);
        w.anyChild = true;
        w.noHang = evalInt(call->getArg(1), ctx, v) && (v & WNOHANG);
        w.stops = evalInt(call->getArg(1), ctx, v) && (v & (WUNTRACED | WCONTINUED));
      } else if ((name == "waitpid" || name == "wait4") && n >= 3) {
        w.pid = call->getArg(0);
        w.status = call->getArg(1);
        w.anyChild = evalInt(w.pid, ctx, v) && v <= 0;
        w.noHang = evalInt(call->getArg(2), ctx, v) && (v & WNOHANG);
        w.stops = evalInt(call->getArg(2), ctx, v) && (v & (WUNTRACED | WCONTINUED));
      } else if (name == "waitid" && n >= 4) {
        w.anyChild = evalInt(call->getArg(0), ctx, v) && v == P_ALL;
        if (!w.anyChild)
          w.pid = call->getArg(1);
        w.noHang = evalInt(call->getArg(3), ctx, v) && (v & WNOHANG);
        // waitid reports exits only with WEXITED; without it the caller waits for stops.
        w.stops =
            evalInt(call->getArg(3), ctx, v) && (v & (WSTOPPED | WCONTINUED)) && !(v & WEXITED);
      } else if (name == "apr_proc_wait" && n >= 4) {
        // apr_proc_wait(proc, &exitcode, &exitwhy, APR_WAIT | APR_NOWAIT): the apr_proc_t
        // names the child.
        w.pid = call->getArg(0);
        if (const auto *uo = dyn_cast<UnaryOperator>(w.pid->IgnoreParenImpCasts());
            uo && uo->getOpcode() == UO_AddrOf)
          w.pid = uo->getSubExpr();
        w.status = call->getArg(1);
        w.why = call->getArg(2);
        w.noHang = evalInt(call->getArg(3), ctx, v) && v == 1; // APR_NOWAIT
        w.apr = true;
      } else if (name == "apr_proc_wait_all_procs" && n >= 4) {
        w.status = call->getArg(1);
        w.why = call->getArg(2);
        w.anyChild = true;
        w.noHang = evalInt(call->getArg(3), ctx, v) && v == 1;
        w.apr = true;
      } else {
        continue;
      }
      {
        DynTypedNodeList parents = ctx.getParents(*call);
        const Stmt *p = parents.empty() ? nullptr : parents[0].get<Stmt>();
        while (p && (isa<ParenExpr>(p) || isa<ImplicitCastExpr>(p))) {
          DynTypedNodeList up = ctx.getParents(*p);
          p = up.empty() ? nullptr : up[0].get<Stmt>();
        }
        if (const auto *cast = dyn_cast_or_null<ExplicitCastExpr>(p))
          w.voided = cast->getType()->isVoidType();
      }
      reapAny |= w.anyChild;
      if (w.pid)
        if (const ValueDecl *d = storageOf(w.pid))
          waitedStorages.insert(d);
      waits.push_back(w);
      continue;
    }
    if (!isCLibrary(fd) || !ctx.getSourceManager().isInSystemHeader(
                               ctx.getSourceManager().getExpansionLoc(fd->getLocation()))) {
      scanInstaller(call);
      continue;
    }
    // signal(SIGCHLD, handler | SIG_IGN)
    int64_t sig = 0;
    if ((name == "signal" || name == "sigset" || name == "bsd_signal") && call->getNumArgs() == 2) {
      if (const FunctionDecl *h = functionNamed(call->getArg(1)))
        handlers.insert(h->getCanonicalDecl());
      if (evalInt(call->getArg(0), ctx, sig) && sig == SIGCHLD && isSigIgn(call->getArg(1), ctx))
        kernelReaps = true;
    }
  }
  // sigaction(SIGCHLD, &sa, ...): what was stored in that struct's handler and flags.
  llvm::DenseSet<const ValueDecl *> sigchldActions;
  for (const CallExpr *call : uses.allCalls()) {
    const FunctionDecl *fd = call->getDirectCallee();
    int64_t sig = 0;
    if (!fd || !fd->getIdentifier() || fd->getName() != "sigaction" || call->getNumArgs() < 2 ||
        !evalInt(call->getArg(0), ctx, sig) || sig != SIGCHLD)
      continue;
    if (const auto *uo = dyn_cast<UnaryOperator>(call->getArg(1)->IgnoreParenImpCasts()))
      if (uo->getOpcode() == UO_AddrOf)
        if (const ValueDecl *d = rootVariable(uo->getSubExpr()))
          sigchldActions.insert(d);
  }
  for (const auto &entry : sigchldActions) {
    if (const auto *vd = dyn_cast<VarDecl>(entry))
      if (const auto *init = dyn_cast_or_null<InitListExpr>(vd->getInit()))
        scanSigactionInit(init);
    for (const Expr *ref : uses.referencesTo(entry)) {
      // Walk up sa.__sigaction_handler.sa_handler = ... (glibc's macro) to the assignment.
      const Expr *cur = ref;
      const MemberExpr *member = nullptr;
      for (int depth = 0; depth < 4; ++depth) {
        DynTypedNodeList parents = ctx.getParents(*cur);
        if (parents.empty())
          break;
        const Stmt *p = parents[0].get<Stmt>();
        if (const auto *me = dyn_cast_or_null<MemberExpr>(p)) {
          member = me;
          cur = me;
          continue;
        }
        if (const auto *ic = dyn_cast_or_null<ImplicitCastExpr>(p)) {
          cur = ic;
          continue;
        }
        const auto *bo = dyn_cast_or_null<BinaryOperator>(p);
        if (!bo || !bo->isAssignmentOp() || !member ||
            bo->getLHS()->IgnoreParenImpCasts() != member)
          break;
        StringRef field = member->getMemberDecl()->getName();
        if ((field == "sa_handler" || field == "sa_sigaction") && isSigIgn(bo->getRHS(), ctx))
          kernelReaps = true;
        int64_t flags = 0;
        if (field == "sa_flags" && evalInt(bo->getRHS(), ctx, flags) && (flags & SA_NOCLDWAIT))
          kernelReaps = true;
        break;
      }
    }
  }
  // Handlers installed through any sigaction struct.
  class Handlers : public RecursiveASTVisitor<Handlers> {
  public:
    explicit Handlers(WaitModel &m) : m(m) {}
    bool VisitBinaryOperator(BinaryOperator *bo) {
      const auto *me = dyn_cast<MemberExpr>(bo->getLHS()->IgnoreParenImpCasts());
      if (bo->isAssignmentOp() && me && me->getMemberDecl()->getIdentifier() &&
          (me->getMemberDecl()->getName() == "sa_handler" ||
           me->getMemberDecl()->getName() == "sa_sigaction"))
        if (const FunctionDecl *h = functionNamed(bo->getRHS()))
          m.handlers.insert(h->getCanonicalDecl());
      return true;
    }
    WaitModel &m;
  };
  Handlers handlersVisitor(*this);
  handlersVisitor.TraverseDecl(ctx.getTranslationUnitDecl());
}

// The program's own wrapper of sigaction/signal (xsignal(SIGCHLD, on_chld), wherever it is
// defined): a call that names a signal by its macro and a function installs that function as
// its handler; with SIG_IGN for SIGCHLD, the kernel reaps.
void WaitModel::scanInstaller(const CallExpr *call) {
  int64_t sig = 0;
  bool named = false, sigchld = false;
  for (const Expr *arg : call->arguments())
    if (spelledAsSignal(arg, ctx, sig)) {
      named = true;
      sigchld |= sig == SIGCHLD;
    }
  if (!named)
    return;
  for (const Expr *arg : call->arguments()) {
    if (const FunctionDecl *h = functionNamed(arg))
      handlers.insert(h->getCanonicalDecl());
    else if (sigchld && arg->getType()->isPointerType() && isSigIgn(arg, ctx) &&
             arg->IgnoreParenImpCasts()->getBeginLoc().isMacroID())
      kernelReaps = true;
  }
}

// struct sigaction sa = {.sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT};
void WaitModel::scanSigactionInit(const InitListExpr *init) {
  const RecordDecl *rd = init->getType()->getAsRecordDecl();
  if (!rd)
    return;
  if (rd->isUnion()) {
    if (const FieldDecl *f = init->getInitializedFieldInUnion())
      if (init->getNumInits() == 1 && f->getIdentifier() &&
          (f->getName() == "sa_handler" || f->getName() == "sa_sigaction") &&
          isSigIgn(init->getInit(0), ctx))
        kernelReaps = true;
    return;
  }
  unsigned i = 0;
  for (const FieldDecl *f : rd->fields()) {
    if (i >= init->getNumInits())
      break;
    const Expr *value = init->getInit(i++);
    if (const auto *nested = dyn_cast<InitListExpr>(value->IgnoreParenImpCasts())) {
      scanSigactionInit(nested);
      continue;
    }
    if (!f->getIdentifier())
      continue;
    int64_t flags = 0;
    if ((f->getName() == "sa_handler" || f->getName() == "sa_sigaction") && isSigIgn(value, ctx))
      kernelReaps = true;
    if (f->getName() == "sa_flags" && evalInt(value, ctx, flags) && (flags & SA_NOCLDWAIT))
      kernelReaps = true;
  }
}

bool WaitModel::waitsFor(const ValueDecl *pidStorage) const {
  return pidStorage && waitedStorages.count(pidStorage);
}

bool WaitModel::isSignalHandler(const FunctionDecl *fd) const {
  return fd && handlers.count(fd->getCanonicalDecl());
}

bool WaitModel::killedBeforeWait(const WaitCall &w) const {
  const ValueDecl *target = w.pid ? storageOf(w.pid) : nullptr;
  if (!target) {
    // while (waitpid(-1, &st, 0) != victim): the wait is for the pid its result is compared to.
    ValueUse use = classifyUse(ctx, w.call);
    if (use.kind == ValueUse::Compared)
      target = storageOf(use.other);
  }
  if (!target)
    return false;
  const SourceManager &sm = ctx.getSourceManager();
  for (const Expr *ref : uses.referencesTo(target)) {
    ValueUse use = classifyUse(ctx, ref);
    // apr_proc_kill(&proc, SIGTERM): the apr_proc_t by address.
    if (use.kind == ValueUse::Other && use.user)
      if (const auto *uo = dyn_cast<UnaryOperator>(use.user); uo && uo->getOpcode() == UO_AddrOf)
        use = classifyUse(ctx, uo);
    if (use.kind != ValueUse::Argument || use.argIndex != 0)
      continue;
    const FunctionDecl *fd = use.call->getDirectCallee();
    if (!fd || !fd->getIdentifier())
      continue;
    StringRef name = fd->getName();
    if ((name == "kill" || name == "killpg" || name == "sigqueue" || name == "apr_proc_kill") &&
        enclosingFunction(ctx, use.call) == w.enclosing &&
        sm.isBeforeInTranslationUnit(use.call->getBeginLoc(), w.call->getBeginLoc()))
      return true;
  }
  return false;
}

bool WaitModel::reapsUntil(const WaitCall &w) const {
  if (w.noHang)
    return false;
  ValueUse use = classifyUse(ctx, w.call);
  // while (1) { pid_t got = wait(NULL); ...; if (got == pid) break; }
  if (use.kind == ValueUse::StoredTo && !use.assignment && use.target)
    for (const Expr *ref : uses.referencesTo(use.target)) {
      ValueUse cmp = classifyUse(ctx, ref);
      if (cmp.kind != ValueUse::Compared || !cmp.other || !storageOf(cmp.other) ||
          (!w.anyChild && (!w.pid || storageOf(w.pid) != storageOf(cmp.other))))
        continue;
      const Stmt *cur = cmp.user;
      for (int depth = 0; cur && depth < 4; ++depth) {
        DynTypedNodeList parents = ctx.getParents(*cur);
        const Stmt *p = parents.empty() ? nullptr : parents[0].get<Stmt>();
        if (const auto *is = dyn_cast_or_null<IfStmt>(p)) {
          const Stmt *then = is->getThen();
          if (const auto *cs = dyn_cast_or_null<CompoundStmt>(then); cs && !cs->body_empty())
            then = cs->body_back();
          if (is->getCond() == cur && then && isa<BreakStmt>(then))
            return true;
          break;
        }
        if (!p || (!isa<ParenExpr>(p) && !isa<ImplicitCastExpr>(p)))
          break;
        cur = p;
      }
    }
  // while ((rc = waitpid(pid, &st, 0)) != pid): through the assignment.
  if (use.kind == ValueUse::StoredTo && use.assignment)
    use = classifyUse(ctx, use.assignment);
  if (use.kind != ValueUse::Compared || !use.other || !storageOf(use.other))
    return false;
  // A wait for one child retried until it returns that child (a tty helper, an emergency
  // shell): the program waits for it to be gone, not for what it reports.
  if (!w.anyChild && (!w.pid || storageOf(w.pid) != storageOf(use.other)))
    return false;
  // The comparison is the condition of a loop: children are collected until that one ends.
  const Stmt *cur = use.user ? use.user : w.call;
  for (int depth = 0; depth < 4; ++depth) {
    DynTypedNodeList parents = ctx.getParents(*cur);
    if (parents.empty())
      return false;
    const Stmt *p = parents[0].get<Stmt>();
    if (!p)
      return false;
    if (const auto *ws = dyn_cast<WhileStmt>(p))
      return ws->getCond() == cur;
    if (const auto *ds = dyn_cast<DoStmt>(p))
      return ds->getCond() == cur;
    if (const auto *fs = dyn_cast<ForStmt>(p))
      return fs->getCond() == cur;
    if (!isa<ParenExpr>(p) && !isa<ImplicitCastExpr>(p) && !isa<BinaryOperator>(p))
      return false;
    cur = p;
  }
  return false;
}

bool WaitModel::statusDiscarded(const WaitCall &w) const {
  return w.status && isNullPointer(w.status, ctx) && (!w.why || isNullPointer(w.why, ctx));
}

bool WaitModel::statusIsRead(const WaitCall &w) const {
  if (!w.status)
    return true;
  // APR hands the status in two parts: the exit code and why the child ended.
  if (w.why && !isNullPointer(w.why, ctx) && outParameterIsRead(w.why))
    return true;
  return !isNullPointer(w.status, ctx) && outParameterIsRead(w.status);
}

bool WaitModel::outParameterIsRead(const Expr *status) const {
  const Expr *arg = status->IgnoreParenImpCasts();
  const auto *addr = dyn_cast<UnaryOperator>(arg);
  if (!addr || addr->getOpcode() != UO_AddrOf)
    return true; // a pointer from elsewhere: the caller reads it
  const ValueDecl *var = storageOf(addr->getSubExpr());
  if (!var)
    return true;
  const auto *vd = dyn_cast<VarDecl>(var);
  if (!vd || !vd->hasLocalStorage())
    return true; // a global or a member: read elsewhere
  for (const Expr *ref : uses.referencesTo(var)) {
    if (ref == addr->getSubExpr()->IgnoreParenImpCasts())
      continue;
    ValueUse use = classifyUse(ctx, ref);
    if (use.kind == ValueUse::Overwritten)
      continue;
    // Another &status passed to a second wait is not a read either.
    if (use.kind == ValueUse::Other && use.user)
      if (const auto *uo = dyn_cast<UnaryOperator>(use.user))
        if (uo->getOpcode() == UO_AddrOf) {
          ValueUse outer = classifyUse(ctx, uo);
          if (outer.kind == ValueUse::Argument && isWaitFunction(outer.call->getDirectCallee()))
            continue;
        }
    return true;
  }
  return false;
}

} // namespace analyzer
} // namespace procsan
