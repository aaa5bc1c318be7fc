#include "checks/JoinBeforeDrainCheck.h"

#include "AnalysisContext.h"
#include "model/ForkRegions.h"
#include "model/Pipes.h"
#include "model/ProgramSummaries.h"
#include "model/WaitCalls.h"

#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

constexpr int64_t kPipeBuffer = 4096; // POSIX guarantees PIPE_BUF; Linux holds 64 KiB by default

// A write the child may repeat, or one larger than a pipe is sure to hold.
bool mayOverfill(ASTContext &ctx, const PipeEndUse &w) {
  // dup2(fds[1], 1): whatever the child (or the program it execs) prints goes into the pipe.
  if (w.inLoop || w.kind == PipeEndUse::Dup)
    return true;
  const auto *call = dyn_cast<CallExpr>(w.at);
  if (!call || call->getNumArgs() < 3)
    return false;
  Expr::EvalResult size;
  if (!call->getArg(2)->EvaluateAsInt(size, ctx))
    return true; // unknown size: could be anything
  return size.Val.getInt().getExtValue() > kPipeBuffer;
}

} // namespace

void JoinBeforeDrainCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const SourceManager &sm = ctx.sourceManager();
  std::vector<PipeSite> pipes = findPipes(ctx.ast(), ctx.uses(), &ctx.program());
  if (pipes.empty())
    return;
  const WaitModel &waits = ctx.waits();
  for (const ForkRegion &region : ctx.forkRegions()) {
    if (!isReportable(region, sm))
      continue;
    const ForkSite &site = region.site();
    for (const PipeSite &pipe : pipes) {
      if (!sharedByFork(ctx.ast(), pipe, region))
        continue;
      const PipeEndUse *childWrite = nullptr;
      const Expr *firstParentRead = nullptr;
      for (const PipeEndUse &u : pipe.uses) {
        uint8_t o = region.outcomesAt(u.at);
        if ((u.kind == PipeEndUse::Write || u.kind == PipeEndUse::Dup) && u.end == 1 &&
            isChildOnly(o) && mayOverfill(ctx.ast(), u))
          childWrite = &u;
        if (u.kind == PipeEndUse::Read && u.end == 0 && (o & OutParent) && !(o & OutChild) &&
            (!firstParentRead ||
             sm.isBeforeInTranslationUnit(u.at->getBeginLoc(), firstParentRead->getBeginLoc())))
          firstParentRead = u.at;
      }
      if (!childWrite || !firstParentRead)
        continue;
      for (const WaitCall &w : waits.calls()) {
        if (w.noHang || w.enclosing != site.enclosing)
          continue;
        uint8_t o = region.outcomesAt(w.call);
        if (!(o & OutParent) || (o & OutChild))
          continue;
        bool forThisChild = w.anyChild;
        for (const ValueDecl *d : site.storages)
          forThisChild |= w.pid && storageOf(w.pid) == d;
        if (!forThisChild ||
            !sm.isBeforeInTranslationUnit(w.call->getBeginLoc(), firstParentRead->getBeginLoc()))
          continue;
        Finding &f = diag(w.call->getBeginLoc(),
                          "the parent waits for the child before reading '" + pipe.name +
                              "[0]', which the child fills: once the pipe is full the child "
                              "blocks in write and neither can go on; read to end-of-file "
                              "first, then wait");
        f.notes.push_back({childWrite->at->getBeginLoc(),
                           childWrite->kind == PipeEndUse::Dup
                               ? "the child sends its output into the pipe here: it may be "
                                 "more than the pipe holds"
                               : "the child may write more than the pipe holds here"});
        f.notes.push_back({firstParentRead->getBeginLoc(), "the parent reads only here"});
      }
    }
  }
}

} // namespace analyzer
} // namespace procsan
