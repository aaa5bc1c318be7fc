#include "model/SpawnApis.h"

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

} // namespace analyzer
} // namespace procsan
