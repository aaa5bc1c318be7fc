#include "checks/ForkInLoopCheck.h"

#include "AnalysisContext.h"
#include "model/ForkRegions.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

const Stmt *enclosingLoop(ASTContext &ctx, const Stmt *s) {
  DynTypedNodeList parents = ctx.getParents(*s);
  for (unsigned depth = 0; !parents.empty() && depth < 256; ++depth) {
    if (const Decl *d = parents[0].get<Decl>()) {
      if (isa<FunctionDecl>(d))
        return nullptr;
      parents = ctx.getParents(*d); // `pid_t pid = fork();` inside the loop
      continue;
    }
    const Stmt *p = parents[0].get<Stmt>();
    if (!p)
      return nullptr;
    if (isa<ForStmt>(p) || isa<WhileStmt>(p) || isa<DoStmt>(p) || isa<CXXForRangeStmt>(p))
      return p;
    parents = ctx.getParents(*p);
  }
  return nullptr;
}

} // namespace

void ForkInLoopCheck::checkTranslationUnit(AnalysisContext &ctx) {
  modelOptions.applyTo(ctx); // clang-tidy runs no registerMatchers of ours
  const SourceManager &sm = ctx.sourceManager();
  for (const ForkRegion &region : ctx.forkRegions()) {
    if (!isReportable(region, sm) || !region.childReachesForkAgain())
      continue;
    const ForkSite &site = region.site();
    std::string callee = site.callee->getNameAsString() + "()";
    Finding &f =
        diag(site.call->getBeginLoc(), "the child process stays in the loop and calls " + callee +
                                           " again: the number of processes grows exponentially");
    if (const Stmt *loop = enclosingLoop(ctx.ast(), site.call))
      f.notes.push_back({loop->getBeginLoc(), "the loop the child goes around"});
    for (const ChildExit &ce : region.childExits()) {
      if (ce.lastStmt) {
        f.notes.push_back(
            {ce.lastStmt->getBeginLoc(), "the child's branch ends here without _exit() or exec"});
        break;
      }
    }
  }
}

} // namespace analyzer
} // namespace procsan
