#include "checks/PipeEndNotClosedCheck.h"

#include "AnalysisContext.h"
#include "model/ForkRegions.h"
#include "model/Pipes.h"
#include "model/ProgramSummaries.h"

#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

void PipeEndNotClosedCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const SourceManager &sm = ctx.sourceManager();
  std::vector<PipeSite> pipes = findPipes(ctx.ast(), ctx.uses(), &ctx.program());
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
        // A close of the write end in this process, or anything the model cannot follow (a
        // helper that may close it or pass it on, a use of the array as a whole), counts as
        // handling it. A helper whose summary shows it only reads, writes or tests the fd does
        // not, nor does dup2 (the end is then open twice).
        bool handled = false;
        const Expr *duplicated = nullptr;
        for (const PipeEndUse &u : pipe.uses) {
          if (u.end == 0)
            continue;
          uint8_t o = region.outcomesAt(u.at);
          bool here = o == 0 || (o & mine); // before the fork (o == 0) or in this process
          if (u.end != 1 || u.kind == PipeEndUse::Close || u.kind == PipeEndUse::Other)
            handled |= here;
          if (u.kind == PipeEndUse::Dup && here && o != 0)
            duplicated = u.at;
        }
        if (handled)
          continue;
        std::string who = parentReads ? "the parent" : "the child";
        Finding &f = diag(read.at->getBeginLoc(),
                          who + " reads '" + pipe.name +
                              "[0]' until end-of-file but never closes its own copy of the "
                              "write end '" +
                              pipe.name + "[1]': end-of-file never comes");
        if (read.through)
          f.notes.push_back({read.through->getBeginLoc(),
                             "the fd it reads is a copy of '" + pipe.name + "[0]' made here"});
        if (duplicated)
          f.notes.push_back({duplicated->getBeginLoc(),
                             "the write end is duplicated here: both copies stay open"});
        if (read.helper)
          f.notes.push_back(
              {read.helper->getLocation(), "'" + read.helper->getNameAsString() +
                                               "' reads its fd parameter until end-of-file"});
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
