#include "model/SpawnApis.h"

#include "model/WaitCalls.h"

#include "clang/AST/Decl.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

// Argument positions from GLib's gspawn.h and libuv's uv.h.
const SpawnApi kApis[] = {
    // g_spawn_async (wd, argv, envp, flags, setup, data, child_pid, error)
    {"g_spawn_async", 6, 3, -1, -1},
    // g_spawn_async_with_pipes (wd, argv, envp, flags, setup, data, child_pid, in, out, err, error)
    {"g_spawn_async_with_pipes", 6, 3, -1, -1},
    // g_spawn_async_with_fds (wd, argv, envp, flags, setup, data, child_pid, in, out, err, error)
    {"g_spawn_async_with_fds", 6, 3, -1, -1},
    // g_spawn_async_with_pipes_and_fds (wd, argv, envp, flags, setup, data, stdin_fd, stdout_fd,
    //   stderr_fd, source_fds, target_fds, n_fds, child_pid_out, ...)
    {"g_spawn_async_with_pipes_and_fds", 12, 3, -1, -1},
    // g_spawn_sync (wd, argv, envp, flags, setup, data, out, err, wait_status, error)
    {"g_spawn_sync", -1, -1, 8, -1},
    // g_spawn_command_line_sync (command, out, err, wait_status, error)
    {"g_spawn_command_line_sync", -1, -1, 3, -1},
    // uv_spawn (loop, handle, options)
    {"uv_spawn", -1, -1, -1, 2},
};

constexpr int64_t kDoNotReapChild = 1 << 1; // G_SPAWN_DO_NOT_REAP_CHILD

} // namespace

const SpawnApi *spawnApiOf(const CallExpr *call, const SourceManager &sm) {
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd || !fd->getIdentifier() || fd->hasBody())
    return nullptr;
  // Declared in a header (GLib and libuv are often included with -I, not as system headers),
  // not in the file being analyzed: the library's function, not one of the program's own.
  SourceLocation decl = sm.getExpansionLoc(fd->getCanonicalDecl()->getLocation());
  if (decl.isInvalid() || sm.isWrittenInMainFile(decl))
    return nullptr;
  for (const SpawnApi &api : kApis)
    if (fd->getName() == api.name) {
      int needed = std::max({api.pidArg, api.flagsArg, api.statusArg, api.optionsArg});
      return (int)call->getNumArgs() > needed ? &api : nullptr;
    }
  return nullptr;
}

std::optional<bool> spawnLeavesChildUnreaped(const ASTContext &ctx, const CallExpr *call,
                                             const SpawnApi &api) {
  if (api.flagsArg < 0)
    return false;
  Expr::EvalResult r;
  const Expr *flags = call->getArg(api.flagsArg);
  if (flags->isValueDependent() || !flags->EvaluateAsInt(r, ctx))
    return std::nullopt;
  return (r.Val.getInt().getExtValue() & kDoNotReapChild) != 0;
}

namespace {
const CallExpr *callTaking(ASTContext &ctx, const Expr *arg);
} // namespace

const VarDecl *outVariable(ASTContext &ctx, const Expr *arg, bool &isNull) {
  arg = arg->IgnoreParenCasts();
  isNull = arg->isNullPointerConstant(ctx, Expr::NPC_ValueDependentIsNotNull);
  if (isNull)
    return nullptr;
  const auto *addr = dyn_cast<UnaryOperator>(arg);
  if (!addr || addr->getOpcode() != UO_AddrOf)
    return nullptr;
  const auto *ref = dyn_cast<DeclRefExpr>(addr->getSubExpr()->IgnoreParenImpCasts());
  const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
  return vd && vd->hasLocalStorage() ? vd : nullptr;
}

bool variableIsRead(const UseIndex &uses, const VarDecl *vd, const Expr *except) {
  const Expr *skip = except ? except->IgnoreParenCasts() : nullptr;
  if (const auto *addr = dyn_cast_or_null<UnaryOperator>(skip))
    skip = addr->getSubExpr()->IgnoreParenImpCasts();
  for (const Expr *ref : uses.referencesTo(vd)) {
    if (ref == skip)
      continue;
    const auto &parents = uses.ast().getParents(*ref);
    if (!parents.empty()) {
      if (const auto *bo = parents[0].get<BinaryOperator>();
          bo && bo->getOpcode() == BO_Assign && bo->getLHS()->IgnoreParenImpCasts() == ref)
        continue;
      // Handed as the out-parameter of another spawn: written there, not read.
      if (const auto *uo = parents[0].get<UnaryOperator>(); uo && uo->getOpcode() == UO_AddrOf)
        if (const CallExpr *c = callTaking(uses.ast(), uo))
          if (const SpawnApi *api = spawnApiOf(c, uses.ast().getSourceManager()))
            if ((api->pidArg >= 0 && c->getArg(api->pidArg)->IgnoreParenCasts() == uo) ||
                (api->statusArg >= 0 && c->getArg(api->statusArg)->IgnoreParenCasts() == uo))
              continue;
    }
    return true;
  }
  return false;
}

namespace {

const FunctionDecl *functionNamed(ASTContext &ctx, const Expr *e) {
  if (!e)
    return nullptr;
  e = e->IgnoreParenCasts();
  if (e->isNullPointerConstant(ctx, Expr::NPC_ValueDependentIsNotNull))
    return nullptr;
  if (const auto *uo = dyn_cast<UnaryOperator>(e); uo && uo->getOpcode() == UO_AddrOf)
    e = uo->getSubExpr()->IgnoreParenImpCasts();
  const auto *ref = dyn_cast<DeclRefExpr>(e);
  return ref ? dyn_cast<FunctionDecl>(ref->getDecl()) : nullptr;
}

// The call an argument expression is given to (through casts), or null.
const CallExpr *callTaking(ASTContext &ctx, const Expr *arg) {
  const Expr *e = arg;
  for (int i = 0; i < 4; ++i) {
    const auto &ps = ctx.getParents(*e);
    if (ps.empty())
      return nullptr;
    if (const auto *c = ps[0].get<CallExpr>())
      return c;
    const Expr *up = ps[0].get<Expr>();
    if (!up || !isa<ImplicitCastExpr, CStyleCastExpr, ParenExpr>(up))
      return nullptr;
    e = up;
  }
  return nullptr;
}

} // namespace

ExitCallback uvExitCallback(ASTContext &ctx, const UseIndex &uses, const CallExpr *spawn,
                            const SpawnApi &api) {
  ExitCallback out;
  if (api.optionsArg < 0)
    return out;
  bool isNull = false;
  const VarDecl *opts = outVariable(ctx, spawn->getArg(api.optionsArg), isNull);
  const RecordDecl *rd =
      opts ? opts->getType()->getAsRecordDecl() : nullptr; // uv_process_options_t
  if (!opts || !rd)
    return out;
  const FieldDecl *field = nullptr;
  for (const FieldDecl *f : rd->fields())
    if (f->getIdentifier() && f->getName() == "exit_cb")
      field = f;
  if (!field)
    return out;
  // The options must not escape to code that could set the callback unseen: only member
  // accesses, the spawn itself, and memset(&opts, 0, ...) are followed.
  for (const Expr *ref : uses.referencesTo(opts)) {
    const auto &ps = ctx.getParents(*ref);
    if (ps.empty())
      return out;
    if (ps[0].get<MemberExpr>())
      continue;
    const auto *uo = ps[0].get<UnaryOperator>();
    if (!uo || uo->getOpcode() != UO_AddrOf)
      return out;
    const CallExpr *call = callTaking(ctx, uo);
    const FunctionDecl *fd = call ? call->getDirectCallee() : nullptr;
    bool ok = call && (spawnApiOf(call, ctx.getSourceManager()) == &api ||
                       (fd && fd->getIdentifier() && fd->getName() == "memset"));
    if (!ok)
      return out;
  }
  // Options made by a call or copied from others: what they hold is not seen here.
  if (opts->hasInit() && !isa<InitListExpr>(opts->getInit()->IgnoreImplicit()))
    return out;
  out.known = true;
  if (opts->hasInit())
    if (const auto *init = dyn_cast<InitListExpr>(opts->getInit()->IgnoreImplicit())) {
      unsigned i = field->getFieldIndex();
      if (i < init->getNumInits() && !isa<ImplicitValueInitExpr>(init->getInit(i))) {
        out.callback = functionNamed(ctx, init->getInit(i));
        out.where = init->getInit(i);
      }
    }
  for (const Expr *ref : uses.referencesTo(field)) {
    const auto *me = dyn_cast<MemberExpr>(ref);
    const auto *base = me ? dyn_cast<DeclRefExpr>(me->getBase()->IgnoreParenImpCasts()) : nullptr;
    if (!base || base->getDecl() != opts)
      continue;
    const auto &ps = ctx.getParents(*me);
    if (ps.empty())
      continue;
    if (const auto *bo = ps[0].get<BinaryOperator>();
        bo && bo->getOpcode() == BO_Assign && bo->getLHS()->IgnoreParenImpCasts() == me) {
      out.callback = functionNamed(ctx, bo->getRHS());
      out.where = bo;
      if (!out.callback && !bo->getRHS()->IgnoreParenCasts()->isNullPointerConstant(
                               ctx, Expr::NPC_ValueDependentIsNotNull)) {
        out.known = false; // a callback held in a variable: not followed
        return out;
      }
    }
  }
  return out;
}

namespace {

// A library function: declared in a header, not defined in the code being analyzed.
bool isLibraryFunction(const FunctionDecl *fd, StringRef name) {
  if (!fd || !fd->getIdentifier() || fd->getName() != name || fd->hasBody())
    return false;
  const SourceManager &sm = fd->getASTContext().getSourceManager();
  SourceLocation decl = sm.getExpansionLoc(fd->getCanonicalDecl()->getLocation());
  return decl.isValid() && !sm.isWrittenInMainFile(decl);
}

bool calleeIs(const CallExpr *call, std::initializer_list<StringRef> names) {
  const FunctionDecl *fd = call ? call->getDirectCallee() : nullptr;
  for (StringRef n : names)
    if (isLibraryFunction(fd, n))
      return true;
  return false;
}

// A call that takes a pid and cannot reap with it.
bool cannotReapWith(const CallExpr *call) {
  const FunctionDecl *fd = call ? call->getDirectCallee() : nullptr;
  if (!fd || !fd->getIdentifier())
    return false;
  StringRef n = fd->getName();
  return n == "g_spawn_close_pid" || n == "kill" || n == "killpg" || fd->isVariadic();
}

// The expression an lvalue's value is used as, above parentheses and implicit casts.
const Stmt *userOf(ASTContext &ctx, const Expr *e, const Expr *&outer) {
  outer = e;
  for (int i = 0; i < 8; ++i) {
    const auto &ps = ctx.getParents(*outer);
    if (ps.empty())
      return nullptr;
    const Stmt *p = ps[0].get<Stmt>();
    if (const auto *pe = dyn_cast_or_null<Expr>(p); pe && isa<ParenExpr, ImplicitCastExpr>(pe)) {
      outer = pe;
      continue;
    }
    return p;
  }
  return nullptr;
}

// sizeof(*proc): not a use of the value.
bool inSizeof(ASTContext &ctx, const Expr *e) {
  const Stmt *cur = e;
  for (int i = 0; i < 6; ++i) {
    const auto &ps = ctx.getParents(*cur);
    if (ps.empty() || !ps[0].get<Expr>())
      return false;
    cur = ps[0].get<Expr>();
    if (isa<UnaryExprOrTypeTraitExpr>(cur))
      return true;
  }
  return false;
}

} // namespace

bool pidMayBeReaped(const UseIndex &uses, const VarDecl *pid, const Expr *except) {
  ASTContext &ctx = uses.ast();
  const Expr *skip = except ? except->IgnoreParenCasts() : nullptr;
  if (const auto *addr = dyn_cast_or_null<UnaryOperator>(skip))
    skip = addr->getSubExpr()->IgnoreParenImpCasts();
  for (const Expr *ref : uses.referencesTo(pid)) {
    if (ref == skip)
      continue;
    ValueUse use = classifyUse(ctx, ref);
    if (use.kind == ValueUse::Overwritten)
      continue;
    if (use.kind == ValueUse::Argument && cannotReapWith(use.call))
      continue;
    // Handed as the out-parameter of another spawn: written there, not read.
    if (use.kind == ValueUse::Other && use.user)
      if (const auto *uo = dyn_cast<UnaryOperator>(use.user); uo && uo->getOpcode() == UO_AddrOf)
        if (const CallExpr *c = callTaking(ctx, uo))
          if (const SpawnApi *api = spawnApiOf(c, ctx.getSourceManager());
              api && api->pidArg >= 0 && c->getArg(api->pidArg)->IgnoreParenCasts() == uo)
            continue;
    return true;
  }
  return false;
}

const FunctionDecl *childWatchCallback(ASTContext &ctx, const CallExpr *call) {
  if (calleeIs(call, {"g_child_watch_add"}) && call->getNumArgs() >= 2)
    return functionNamed(ctx, call->getArg(1));
  if (calleeIs(call, {"g_child_watch_add_full"}) && call->getNumArgs() >= 3)
    return functionNamed(ctx, call->getArg(2));
  return nullptr;
}

AprProcCall aprProcCallOf(const CallExpr *call) {
  if (!call || call->getNumArgs() < 1)
    return AprProcCall::None;
  if (calleeIs(call, {"apr_proc_fork"}))
    return AprProcCall::Fork;
  if (calleeIs(call, {"apr_proc_create"}))
    return AprProcCall::Create;
  return AprProcCall::None;
}

AprProcFate aprProcFate(ASTContext &ctx, const UseIndex &uses, const CallExpr *creation,
                        const VarDecl *&proc) {
  proc = nullptr;
  const Expr *arg = creation->getArg(0)->IgnoreParenCasts();
  bool pointer = true;
  if (const auto *addr = dyn_cast<UnaryOperator>(arg); addr && addr->getOpcode() == UO_AddrOf) {
    arg = addr->getSubExpr()->IgnoreParenImpCasts();
    pointer = false;
  }
  const auto *ref = dyn_cast<DeclRefExpr>(arg);
  const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
  if (!vd || !vd->hasLocalStorage() || isa<ParmVarDecl>(vd) ||
      pointer != vd->getType()->isPointerType())
    return AprProcFate::Unknown;
  // A pointer must point at memory allocated here (apr_pcalloc, malloc): each value it is given
  // is a call's result.
  if (pointer)
    for (const Expr *v : uses.valuesOf(vd))
      if (!isa<CallExpr>(v->IgnoreParenCasts()))
        return AprProcFate::Unknown;
  proc = vd;
  AprProcFate fate = AprProcFate::Dropped;
  for (const Expr *r : uses.referencesTo(vd)) {
    if (r == ref || inSizeof(ctx, r))
      continue;
    const Expr *outer = nullptr;
    const Stmt *user = userOf(ctx, r, outer);
    // A field: proc.pid, procnew->in. Its value given to a wait reaps; stored, returned or
    // given to another function, the pid may be waited for there.
    if (const auto *me = dyn_cast_or_null<MemberExpr>(user)) {
      const ValueDecl *field = me->getMemberDecl();
      if (!field->getIdentifier() || field->getName() != "pid")
        continue; // the pipes' ends: not the child's identity
      ValueUse use = classifyUse(ctx, me);
      if (use.kind == ValueUse::Argument) {
        const FunctionDecl *fd = use.call->getDirectCallee();
        if (isWaitFunction(fd))
          fate = AprProcFate::Waited;
        else if (!cannotReapWith(use.call) && !calleeIs(use.call, {"apr_file_close"}))
          return AprProcFate::Unknown;
        continue;
      }
      if (use.kind == ValueUse::StoredTo || use.kind == ValueUse::Returned)
        return AprProcFate::Unknown;
      continue;
    }
    const Expr *value = outer;
    if (!pointer) {
      const auto *addr = dyn_cast_or_null<UnaryOperator>(user);
      if (!addr || addr->getOpcode() != UO_AddrOf)
        return AprProcFate::Unknown; // copied as a whole
      value = addr;
    } else if (const auto *bo = dyn_cast_or_null<BinaryOperator>(user);
               bo && bo->getOpcode() == BO_Assign && bo->getLHS()->IgnoreParenImpCasts() == r) {
      continue; // given a new allocation
    }
    const CallExpr *call = callTaking(ctx, value);
    if (!call)
      return AprProcFate::Unknown;
    if (calleeIs(call, {"apr_proc_wait", "apr_pool_note_subprocess"}))
      fate = AprProcFate::Waited;
    else if (aprProcCallOf(call) == AprProcCall::None)
      return AprProcFate::Unknown;
  }
  return fate;
}

} // namespace analyzer
} // namespace procsan
