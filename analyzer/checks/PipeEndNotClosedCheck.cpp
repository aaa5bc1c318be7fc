#include "checks/PipeEndNotClosedCheck.h"

#include "AnalysisContext.h"
#include "model/ForkRegions.h"
#include "model/Pipes.h"

#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

void PipeEndNotClosedCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const SourceManager &sm = ctx.sourceManager();
  std::vector<PipeSite> pipes = findPipes(ctx.ast(), ctx.uses());
  if (pipes.empty())
    return;
  for (const ForkRegion &region : ctx.forkRegions()) {
    if (!isReportable(region, sm))
      continue;
    const ForkSite &site = region.site();
    for (const PipeSite &pipe : pipes) {
      // The pipe must exist before the fork, in the same function, so both processes hold it.
      if (!sharedByFork(ctx.ast(), pipe, region))
        continue;
      // Which process reads the pipe to its end: the child, or the parent.
      for (const PipeEndUse &read : pipe.uses) {
        if (read.kind != PipeEndUse::Read || read.end != 0 || !read.inLoop)
          continue;
        uint8_t reader = region.outcomesAt(read.at);
        bool parentReads = (reader & OutParent) && !(reader & OutChild);
        bool childReads = isChildOnly(reader);
        if (!parentReads && !childReads)
          continue;
        uint8_t mine = parentReads ? OutParent : OutChild;
        // Anything this process does with the write end (close, dup2, a helper) counts as
        // handling it; so does any use of the array as a whole.
        bool handled = false;
        for (const PipeEndUse &u : pipe.uses) {
          if (u.end == 0)
            continue;
          if (u.end != 1 || u.kind == PipeEndUse::Close || u.kind == PipeEndUse::Other) {
            uint8_t o = region.outcomesAt(u.at);
            if (o == 0 || (o & mine))
              handled = true; // before the fork (o == 0) or in this process
          }
        }
        if (handled)
          continue;
        std::string who = parentReads ? "the parent" : "the child";
        Finding &f = diag(read.at->getBeginLoc(),
                          who + " reads '" + pipe.fds->getNameAsString() +
                              "[0]' until end-of-file but never closes its own copy of the "
                              "write end '" +
                              pipe.fds->getNameAsString() + "[1]': end-of-file never comes");
        f.notes.push_back({pipe.call->getBeginLoc(), "the pipe is created here"});
        f.notes.push_back(
            {site.call->getBeginLoc(),
             "after this " + site.callee->getNameAsString() + "() both processes hold both ends"});
      }
    }
  }
}

} // namespace analyzer
} // namespace procsan
