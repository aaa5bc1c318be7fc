#include "checks/UnreapedChildCheck.h"

#include "AnalysisContext.h"
#include "model/ForkRegions.h"
#include "model/ProgramSummaries.h"
#include "model/SpawnApis.h"
#include "model/Summaries.h"
#include "model/UseIndex.h"
#include "model/WaitCalls.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

// The parent leaves after the fork (daemonizing: `if (fork() > 0) exit(0);`), or returns from
// main: its children are then re-parented and reaped by init.
bool parentExitsAtOnce(const ForkRegion &region, FunctionSummaries &summaries) {
  if (region.parentReachesExit())
    return region.site().enclosing->isMain();
  for (const Stmt *s : region.parentOnlyStatements())
    if (const auto *call = dyn_cast<CallExpr>(s))
      if (summaries.callNeverReturns(call))
        return true;
  return false;
}

// posix_spawn(&pid, ...) / posix_spawnp(NULL, ...) whose pid is thrown away: NULL, or a local
// variable nothing else ever reads. Returns the call's pid argument's variable (or null for NULL)
// through `kept`.
bool spawnPidDropped(const CallExpr *call, AnalysisContext &ctx, const VarDecl *&kept) {
  kept = nullptr;
  if (call->getNumArgs() < 1)
    return false;
  const Expr *arg = call->getArg(0)->IgnoreParenCasts();
  if (arg->isNullPointerConstant(ctx.ast(), Expr::NPC_ValueDependentIsNotNull))
    return true;
  const auto *addr = dyn_cast<UnaryOperator>(arg);
  if (!addr || addr->getOpcode() != UO_AddrOf)
    return false;
  const auto *ref = dyn_cast<DeclRefExpr>(addr->getSubExpr()->IgnoreParenImpCasts());
  const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
  if (!vd || !vd->hasLocalStorage())
    return false;
  for (const Expr *use : ctx.uses().referencesTo(vd))
    if (use != ref)
      return false;
  kept = vd;
  return true;
}

using CallsByFunction = llvm::DenseMap<const FunctionDecl *, std::vector<const CallExpr *>>;

// The calls made in `fn` that satisfy `pred` themselves or through the functions they call (two
// levels deep).
template <typename Pred>
bool reaches(const CallsByFunction &calls, const FunctionDecl *fn, Pred &pred, unsigned depth) {
  const FunctionDecl *def = nullptr;
  if (!fn || depth > 2 || !fn->hasBody(def) || !def)
    return false;
  auto it = calls.find(def);
  if (it == calls.end())
    return false;
  for (const CallExpr *call : it->second)
    if (pred(call) || reaches(calls, call->getDirectCallee(), pred, depth + 1))
      return true;
  return false;
}

template <typename Pred>
std::vector<const CallExpr *> callsIn(const CallsByFunction &calls, const FunctionDecl *fn,
                                      Pred pred) {
  std::vector<const CallExpr *> out;
  auto it = calls.find(fn);
  if (it == calls.end())
    return out;
  for (const CallExpr *call : it->second)
    if (pred(call) || reaches(calls, call->getDirectCallee(), pred, 1))
      out.push_back(call);
  return out;
}

// A pool rebuilt on reload: `for (i..) kill(workers[i], SIGTERM); start_pool();` signals the old
// workers and overwrites their pids with the new ones, with no wait for them in between. The
// program waits for `workers` elsewhere (at shutdown), but the old generation is lost: one
// zombie per worker per reload. Returns the refill call and the kill it follows.
std::pair<const CallExpr *, const CallExpr *>
refillWithoutWait(AnalysisContext &ctx, const ForkSite &site, const ValueDecl *storage) {
  const SourceManager &sm = ctx.sourceManager();
  auto kills = [&](const CallExpr *c) {
    const FunctionDecl *fd = c->getDirectCallee();
    return fd && fd->getIdentifier() && (fd->getName() == "kill" || fd->getName() == "killpg") &&
           c->getNumArgs() > 0 && storageOf(c->getArg(0)) == storage;
  };
  // Any wait between the signal and the refill may collect the old children.
  auto waits = [&](const CallExpr *c) { return isWaitFunction(c->getDirectCallee()); };
  // The old pids copied elsewhere first (old[i] = workers[i]) may be waited for from there.
  for (const Expr *ref : ctx.uses().referencesTo(storage)) {
    ValueUse use = classifyUse(ctx.ast(), ref);
    if (use.kind == ValueUse::StoredTo && use.target != storage)
      return {nullptr, nullptr};
  }
  auto refills = [&](const CallExpr *c) {
    return c == site.call || c->getDirectCallee() == site.enclosing ||
           (site.enclosing && c->getDirectCallee() &&
            c->getDirectCallee()->getCanonicalDecl() == site.enclosing->getCanonicalDecl());
  };
  CallsByFunction calls;
  std::vector<const FunctionDecl *> ordered;
  for (const CallExpr *c : ctx.uses().allCalls())
    if (const FunctionDecl *fn = enclosingFunction(ctx.ast(), c)) {
      auto &v = calls[fn];
      if (v.empty())
        ordered.push_back(fn);
      v.push_back(c);
    }
  llvm::sort(ordered, [&](const FunctionDecl *a, const FunctionDecl *b) {
    return sm.isBeforeInTranslationUnit(a->getLocation(), b->getLocation());
  });
  for (const FunctionDecl *fn : ordered) {
    if (fn == site.enclosing)
      continue;
    std::vector<const CallExpr *> k = callsIn(calls, fn, kills);
    if (k.empty())
      continue;
    std::vector<const CallExpr *> r = callsIn(calls, fn, refills);
    std::vector<const CallExpr *> w = callsIn(calls, fn, waits);
    // A call that does several of these (reload() inside the main loop) is judged in its own
    // function; here only plain kills and plain refills count.
    auto only = [](std::vector<const CallExpr *> &v, const std::vector<const CallExpr *> &a,
                   const std::vector<const CallExpr *> &b) {
      llvm::erase_if(v, [&](const CallExpr *c) {
        return llvm::is_contained(a, c) || llvm::is_contained(b, c);
      });
    };
    std::vector<const CallExpr *> k0 = k, r0 = r;
    only(k, r0, w);
    only(r, k0, w);
    for (const CallExpr *refill : r) {
      const CallExpr *lastKill = nullptr;
      for (const CallExpr *kc : k)
        if (sm.isBeforeInTranslationUnit(kc->getBeginLoc(), refill->getBeginLoc()))
          lastKill = kc;
      if (!lastKill)
        continue;
      bool waitedBetween = false;
      for (const CallExpr *wc : w)
        waitedBetween |= sm.isBeforeInTranslationUnit(lastKill->getBeginLoc(), wc->getBeginLoc()) &&
                         sm.isBeforeInTranslationUnit(wc->getBeginLoc(), refill->getBeginLoc());
      if (!waitedBetween)
        return {refill, lastKill};
    }
  }
  return {nullptr, nullptr};
}

} // namespace

void UnreapedChildCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const WaitModel &waits = ctx.waits();
  // A program that reaps any child somewhere (a SIGCHLD handler, a wait() loop), or lets the
  // kernel do it (SIGCHLD ignored, SA_NOCLDWAIT), reaps these children too.
  if (waits.reapsElsewhere())
    return;
  const SourceManager &sm = ctx.sourceManager();
  for (const ForkRegion &region : ctx.forkRegions()) {
    const ForkSite &site = region.site();
    // A wrapper hands the pid to its caller; a pid that escapes may be waited for elsewhere.
    // APR keeps the pid in its apr_proc_t and reaps with apr_proc_wait: not modelled.
    if (!isReportable(region, sm) || site.returned || site.escapes || site.roleValues)
      continue;
    if (parentExitsAtOnce(region, ctx.summaries()))
      continue;
    bool waited = false;
    for (const ValueDecl *d : site.storages)
      waited |= waits.waitsFor(d);
    if (waited) {
      // Waited for at some point, but maybe not every generation: a pool rebuilt on reload.
      for (const ValueDecl *d : site.storages) {
        const auto *vd = dyn_cast<VarDecl>(d);
        if (!waits.waitsFor(d) || (!isa<FieldDecl>(d) && !(vd && vd->hasGlobalStorage())))
          continue;
        auto [refill, kill] = refillWithoutWait(ctx, site, d);
        if (!refill || !ctx.program().reapsElsewhere().empty())
          continue;
        Finding &f = diag(refill->getBeginLoc(),
                          "the children signalled before this call are never waited for: their "
                          "pids in '" +
                              d->getNameAsString() +
                              "' are overwritten by the new ones, so each stays a zombie and its "
                              "exit status is lost");
        f.notes.push_back({kill->getBeginLoc(), "the old children are signalled here"});
        f.notes.push_back({site.call->getBeginLoc(), "the new children are made here"});
        break;
      }
      continue;
    }
    // Another file of the program reaps any child (asked only now: the answer matters here).
    if (!ctx.program().reapsElsewhere().empty())
      continue;
    std::string callee = site.callee->getNameAsString() + "()";
    Finding &f = diag(site.call->getBeginLoc(),
                      "the child process made by " + callee +
                          " is never waited for: it stays a zombie while the parent runs, and "
                          "its exit status is lost");
    if (site.storage)
      f.notes.push_back({site.storage->getLocation(), "its pid is kept in '" +
                                                          site.storage->getNameAsString() +
                                                          "', but no wait call uses it"});
    else
      f.notes.push_back({site.call->getBeginLoc(),
                         "its pid is not kept, so only a wait for any child could reap it"});
  }

  // posix_spawn children are children too; a pid thrown away cannot be waited for.
  for (const CallExpr *call : ctx.uses().allCalls()) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd || !fd->getIdentifier() ||
        (fd->getName() != "posix_spawn" && fd->getName() != "posix_spawnp") ||
        sm.isInSystemHeader(sm.getExpansionLoc(call->getBeginLoc())))
      continue;
    const VarDecl *kept = nullptr;
    if (!spawnPidDropped(call, ctx, kept))
      continue;
    // main spawning once and leaving: init reaps the child.
    const FunctionDecl *fn = enclosingFunction(ctx.ast(), call);
    if (fn && fn->isMain() && !insideLoop(ctx.ast(), call))
      continue;
    if (!ctx.program().reapsElsewhere().empty())
      continue;
    Finding &f = diag(call->getBeginLoc(),
                      "the child process made by " + fd->getNameAsString() +
                          "() is never waited for: it stays a zombie while the parent runs, and "
                          "its exit status is lost");
    if (kept)
      f.notes.push_back({kept->getLocation(), "its pid is stored in '" + kept->getNameAsString() +
                                                  "', which nothing reads"});
    else
      f.notes.push_back({call->getArg(0)->getBeginLoc(),
                         "its pid is not kept, so only a wait for any child could reap it"});
  }

  // GLib reaps the children it starts unless told not to (G_SPAWN_DO_NOT_REAP_CHILD): then the
  // program must, through the pid it was given (g_child_watch_add, waitpid).
  for (const CallExpr *call : ctx.uses().allCalls()) {
    const SpawnApi *api = spawnApiOf(call, sm);
    if (!api || api->pidArg < 0 || sm.isInSystemHeader(sm.getExpansionLoc(call->getBeginLoc())))
      continue;
    if (spawnLeavesChildUnreaped(ctx.ast(), call, *api) != std::optional<bool>(true))
      continue;
    bool isNull = false;
    const Expr *arg = call->getArg(api->pidArg);
    const VarDecl *kept = outVariable(ctx.ast(), arg, isNull);
    if (!isNull && (!kept || pidMayBeReaped(ctx.uses(), kept, arg)))
      continue; // the pid goes somewhere: a child watch, a wait, a table of children
    if (!ctx.program().reapsElsewhere().empty())
      continue;
    std::string fn = call->getDirectCallee()->getNameAsString() + "()";
    Finding &f = diag(call->getBeginLoc(),
                      "the child process made by " + fn +
                          " with G_SPAWN_DO_NOT_REAP_CHILD is never reaped: GLib leaves that to "
                          "the program, and it stays a zombie while the parent runs");
    if (kept)
      f.notes.push_back({kept->getLocation(), "its pid is stored in '" + kept->getNameAsString() +
                                                  "', which is never given to "
                                                  "g_child_watch_add() or waitpid()"});
    else
      f.notes.push_back({arg->getBeginLoc(), "its pid is not kept, so neither "
                                             "g_child_watch_add() nor waitpid() can collect it"});
  }

  // APR records the child in an apr_proc_t; apr_proc_wait reaps it, or the pool's cleanup once
  // apr_pool_note_subprocess has handed it over.
  for (const CallExpr *call : ctx.uses().allCalls()) {
    AprProcCall kind = aprProcCallOf(call);
    if (kind == AprProcCall::None || sm.isInSystemHeader(sm.getExpansionLoc(call->getBeginLoc())))
      continue;
    const VarDecl *proc = nullptr;
    if (aprProcFate(ctx.ast(), ctx.uses(), call, proc) != AprProcFate::Dropped)
      continue;
    const FunctionDecl *fn = enclosingFunction(ctx.ast(), call);
    if (kind == AprProcCall::Create && fn && fn->isMain() && !insideLoop(ctx.ast(), call))
      continue; // main starting one program and leaving: init reaps it
    bool parentLeaves = false;
    for (const ForkRegion &region : ctx.forkRegions())
      if (region.site().call == call)
        parentLeaves = parentExitsAtOnce(region, ctx.summaries());
    if (parentLeaves || !ctx.program().reapsElsewhere().empty())
      continue;
    std::string callee = call->getDirectCallee()->getNameAsString() + "()";
    Finding &f = diag(call->getBeginLoc(),
                      "the child process made by " + callee +
                          " is never waited for: it stays a zombie while the parent runs, and "
                          "its exit status is lost");
    f.notes.push_back({proc->getLocation(), "it is recorded in '" + proc->getNameAsString() +
                                                "', which is never given to apr_proc_wait() or "
                                                "apr_pool_note_subprocess()"});
  }
}

} // namespace analyzer
} // namespace procsan
