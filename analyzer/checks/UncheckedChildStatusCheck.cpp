#include "checks/UncheckedChildStatusCheck.h"

#include "AnalysisContext.h"
#include "model/AsyncSignalSafety.h"
#include "model/ForkRegions.h"
#include "model/SpawnApis.h"
#include "model/UseIndex.h"
#include "model/WaitCalls.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

// The fork region whose pid this wait names, if the model knows it.
const ForkRegion *regionWaitedFor(AnalysisContext &ctx, const WaitCall &w) {
  if (!w.pid)
    return nullptr;
  const ValueDecl *d = storageOf(w.pid);
  if (!d)
    return nullptr;
  for (const ForkRegion &r : ctx.forkRegions())
    for (const ValueDecl *s : r.site().storages)
      if (s == d)
        return &r;
  return nullptr;
}

bool childOnlyExecs(const ForkRegion &r) {
  for (const Stmt *s : r.childOnlyStatements())
    if (const auto *call = dyn_cast<CallExpr>(s))
      if (isExecFunction(call->getDirectCallee()))
        return true;
  return false;
}

bool callsNamed(const std::vector<const Stmt *> &stmts, std::initializer_list<StringRef> names) {
  for (const Stmt *s : stmts)
    if (const auto *call = dyn_cast<CallExpr>(s))
      if (const FunctionDecl *fd = call->getDirectCallee(); fd && fd->getIdentifier())
        for (StringRef n : names)
          if (fd->getName() == n)
            return true;
  return false;
}

// The child's job ends the machine or the process image on success (reboot, kexec): there is no
// status to look at, only the failure the child reports itself.
bool childNeverReturns(const ForkRegion &r) {
  return callsNamed(r.childOnlyStatements(), {"reboot", "kexec_load", "kexec_file_load"});
}

// The child sends its result (a byte, an fd with SCM_RIGHTS, a report) and the parent reads it:
// a child that died shows up as a short read there, so the outcome is examined elsewhere.
// A program the child execs talks through the fds it inherits: a parent that receives an fd or
// a message from it (recvmsg, the project's receive_fd) learns the outcome there.
bool outcomeSentBack(const ForkRegion &r) {
  std::vector<const Stmt *> parent = r.parentOnlyStatements();
  bool receives = false;
  for (const Stmt *s : parent)
    if (const auto *call = dyn_cast<CallExpr>(s))
      if (const FunctionDecl *fd = call->getDirectCallee(); fd && fd->getIdentifier()) {
        std::string n = fd->getName().lower();
        receives |= StringRef(n).contains("recv") || StringRef(n).contains("receive");
      }
  if (receives && childOnlyExecs(r))
    return true;
  return callsNamed(r.childOnlyStatements(),
                    {"write", "send", "sendmsg", "sendto", "writev", "fwrite"}) &&
         (receives || callsNamed(parent, {"read", "readv", "fread"}));
}

// The wait is the last thing before the program exits with a status it computed itself
// (`exit(err == 0 ? 0 : 1)`): the child is collected on the way out, the result is the
// program's own accounting. A constant exit (exit(0)) after it would hide a crash: reported.
bool collectedOnTheWayOut(ASTContext &ast, const CallExpr *wait) {
  const Stmt *cur = wait;
  for (int depth = 0; depth < 12; ++depth) {
    DynTypedNodeList parents = ast.getParents(*cur);
    if (parents.empty())
      return false;
    const Stmt *p = parents[0].get<Stmt>();
    if (!p)
      return false;
    if (const auto *cs = dyn_cast<CompoundStmt>(p)) {
      const Stmt *const *it = llvm::find(cs->body(), cur);
      if (it == cs->body_end() || it + 1 == cs->body_end())
        return false;
      const auto *call = dyn_cast<CallExpr>(*(it + 1));
      const FunctionDecl *fd = call ? call->getDirectCallee() : nullptr;
      if (!fd || !fd->getIdentifier() || call->getNumArgs() != 1 ||
          (fd->getName() != "exit" && fd->getName() != "_exit"))
        return false;
      return !call->getArg(0)->isEvaluatable(ast);
    }
    cur = p;
  }
  return false;
}

// The program forks again and again (in a loop, or from a function called in one): a prefork
// server that replaces the workers it loses.
bool respawns(AnalysisContext &ctx) {
  for (const ForkRegion &r : ctx.forkRegions()) {
    if (insideLoop(ctx.ast(), r.site().call))
      return true;
    if (const FunctionDecl *fn = r.site().enclosing)
      for (const CallExpr *c : ctx.uses().callsTo(fn))
        if (insideLoop(ctx.ast(), c))
          return true;
  }
  return false;
}

// The handler tells the rest of the program that a child ended (a flag, a count, a slot freed),
// but not why.
bool announcesDeath(const FunctionDecl *handler) {
  struct Finder : RecursiveASTVisitor<Finder> {
    bool found = false;
    void add(const Expr *lv) {
      const Expr *e = lv->IgnoreParenImpCasts();
      while (true) {
        if (const auto *me = dyn_cast<MemberExpr>(e))
          e = me->getBase()->IgnoreParenImpCasts();
        else if (const auto *ase = dyn_cast<ArraySubscriptExpr>(e))
          e = ase->getBase()->IgnoreParenImpCasts();
        else
          break;
      }
      if (const auto *dre = dyn_cast<DeclRefExpr>(e))
        if (const auto *vd = dyn_cast<VarDecl>(dre->getDecl()))
          found |= vd->hasGlobalStorage();
    }
    bool VisitBinaryOperator(BinaryOperator *bo) {
      if (bo->isAssignmentOp())
        add(bo->getLHS());
      return true;
    }
    bool VisitUnaryOperator(UnaryOperator *uo) {
      if (uo->isIncrementDecrementOp())
        add(uo->getSubExpr());
      return true;
    }
  } finder;
  const FunctionDecl *def = nullptr;
  if (handler && handler->hasBody(def) && def)
    finder.TraverseStmt(def->getBody());
  return finder.found;
}

} // namespace

UncheckedChildStatusCheck::UncheckedChildStatusCheck(const CheckOptions &options)
    : Check(Id, options), ignoreExecChildren(boolOption("IgnoreExecChildren", false)) {}

void UncheckedChildStatusCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const WaitModel &waits = ctx.waits();
  const SourceManager &sm = ctx.sourceManager();
  for (const WaitCall &w : waits.calls()) {
    if (sm.isInSystemHeader(sm.getExpansionLoc(w.call->getBeginLoc())))
      continue;
    bool discarded = waits.statusDiscarded(w);
    bool examined = !discarded && waits.statusIsRead(w);
    // Zombie reapers (a SIGCHLD handler, a WNOHANG sweep for any child) only collect; but a
    // handler that tells the main loop a worker is gone, in a program that forks a replacement,
    // is where the death is handled: if it never looks why, a worker that crashes on every
    // request is restarted forever unseen.
    bool handler = waits.isSignalHandler(w.enclosing);
    bool respawnUnseen =
        handler && !examined && w.anyChild && announcesDeath(w.enclosing) && respawns(ctx);
    if ((handler || (w.anyChild && w.noHang)) && !respawnUnseen)
      continue;
    // kill(pid, SIGTERM); waitpid(pid, NULL, 0): ended on purpose, collected only.
    if (waits.killedBeforeWait(w))
      continue;
    if (examined)
      continue;
    // Deliberately not looked at: `(void)waitpid(...)`, a wait for a stop handshake
    // (WUNTRACED), `while (wait(NULL) != pid)` collecting until one child is gone.
    if (w.voided || w.stops || waits.reapsUntil(w))
      continue;
    // A liveness probe: `waitpid(pid, NULL, WNOHANG) == 0`, APR's `apr_proc_wait(proc, NULL, NULL,
    // APR_NOWAIT) != APR_CHILD_NOTDONE` in a cleanup. The status is refused on purpose; what the
    // caller wants is whether the child is still there.
    if (discarded && w.noHang && !w.anyChild) {
      ValueUse use = classifyUse(ctx.ast(), w.call);
      if (use.kind == ValueUse::Compared || use.kind == ValueUse::Truthiness ||
          use.kind == ValueUse::Switched)
        continue;
    }
    const ForkRegion *region = regionWaitedFor(ctx, w);
    if (ignoreExecChildren && region && childOnlyExecs(*region))
      continue;
    if (region && (childNeverReturns(*region) || outcomeSentBack(*region)))
      continue;
    if (collectedOnTheWayOut(ctx.ast(), w.call))
      continue;
    std::string fn = w.call->getDirectCallee()->getNameAsString() + "()";
    std::string test = w.apr ? "test the exit code and exitwhy (APR_PROC_CHECK_SIGNALED)"
                             : "test it with WIFSIGNALED/WIFEXITED";
    std::string message =
        respawnUnseen
            ? "the SIGCHLD handler reaps with " + fn +
                  " and lets the program start a replacement, but never looks why the child "
                  "ended: a worker that crashes on every request is restarted forever unseen; "
                  "test the status with WIFSIGNALED/WIFEXITED and report it"
        : discarded ? fn +
                          " discards the child's exit status: a child that crashes or fails goes "
                          "unnoticed; " +
                          test
                    : "the status " + fn +
                          " stores is never examined: a child that crashes or fails goes "
                          "unnoticed; " +
                          test;
    Finding &f = diag(w.call->getBeginLoc(), message);
    if (region)
      f.notes.push_back({region->site().call->getBeginLoc(), "the child is created here"});
  }
  checkSpawnApis(ctx);
}

// Children started by a library: GLib's synchronous spawns wait for the child and hand its
// status back through an out-parameter; libuv reaps its children and hands the status to the
// exit callback of the options.
void UncheckedChildStatusCheck::checkSpawnApis(AnalysisContext &ctx) {
  const SourceManager &sm = ctx.sourceManager();
  for (const CallExpr *call : ctx.uses().allCalls()) {
    // GLib reaps a watched child and hands its wait status to the watch's callback.
    if (const FunctionDecl *cb = childWatchCallback(ctx.ast(), call)) {
      const FunctionDecl *def = nullptr;
      if (sm.isInSystemHeader(sm.getExpansionLoc(call->getBeginLoc())) || !cb->hasBody(def) ||
          !def || def->getNumParams() < 2 || !ctx.uses().referencesTo(def->getParamDecl(1)).empty())
        continue;
      Finding &f = diag(call->getBeginLoc(),
                        "the child watch callback '" + def->getNameAsString() +
                            "' never looks at the wait status GLib hands it: a child that fails "
                            "or crashes goes unnoticed; check it with g_spawn_check_wait_status()");
      f.notes.push_back({def->getParamDecl(1)->getLocation(), "the status parameter is unused"});
      continue;
    }
    const SpawnApi *api = spawnApiOf(call, sm);
    if (!api || sm.isInSystemHeader(sm.getExpansionLoc(call->getBeginLoc())))
      continue;
    std::string fn = call->getDirectCallee()->getNameAsString() + "()";
    if (api->statusArg >= 0) {
      bool isNull = false;
      const Expr *arg = call->getArg(api->statusArg);
      const VarDecl *status = outVariable(ctx.ast(), arg, isNull);
      if (isNull)
        diag(call->getBeginLoc(),
             fn + " is given no place for the child's wait status: a command that fails or "
                  "crashes looks like success (its result and GError only say whether it "
                  "started); pass &status and check it with g_spawn_check_wait_status()");
      else if (status && !variableIsRead(ctx.uses(), status, arg))
        diag(call->getBeginLoc(), "the wait status " + fn + " stores in '" +
                                      status->getNameAsString() +
                                      "' is never examined: a command that fails or crashes "
                                      "looks like success; check it with "
                                      "g_spawn_check_wait_status()");
    }
    if (api->optionsArg >= 0) {
      ExitCallback cb = uvExitCallback(ctx.ast(), ctx.uses(), call, *api);
      if (!cb.known)
        continue;
      if (!cb.callback) {
        Finding &f = diag(call->getBeginLoc(),
                          fn + " with no exit_cb: libuv reaps the child and nobody learns how "
                               "it ended; set exit_cb in the options and test its exit_status "
                               "and term_signal");
        if (cb.where && isa<BinaryOperator>(cb.where)) // not for `= {0}`
          f.notes.push_back({cb.where->getBeginLoc(), "exit_cb is set to NULL here"});
        continue;
      }
      const FunctionDecl *def = nullptr;
      if (!cb.callback->hasBody(def) || !def || def->getNumParams() < 3)
        continue;
      if (!ctx.uses().referencesTo(def->getParamDecl(1)).empty() ||
          !ctx.uses().referencesTo(def->getParamDecl(2)).empty())
        continue;
      Finding &f = diag(call->getBeginLoc(),
                        "the exit_cb '" + def->getNameAsString() + "' of this " + fn +
                            " never looks at exit_status or term_signal: a child that fails or "
                            "crashes goes unnoticed");
      f.notes.push_back({def->getLocation(), "the callback is defined here"});
    }
  }
}

} // namespace analyzer
} // namespace procsan
