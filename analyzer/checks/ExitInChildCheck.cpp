#include "checks/ExitInChildCheck.h"

#include "AnalysisContext.h"
#include "model/CallChains.h"
#include "model/ForkRegions.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

#include <set>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

bool isLibcExit(const FunctionDecl *fd) {
  if (!fd || !fd->getIdentifier() || fd->getName() != "exit")
    return false;
  const DeclContext *dc = fd->getDeclContext()->getRedeclContext();
  return dc->isTranslationUnit() || dc->isExternCContext() || fd->isExternC() ||
         dc->isStdNamespace();
}

} // namespace

ExitInChildCheck::ExitInChildCheck(const CheckOptions &options)
    : Check(Id, options), maxCallDepth(3) {
  unsigned depth = 0;
  if (!StringRef(option("MaxCallDepth", "3")).getAsInteger(10, depth))
    maxCallDepth = depth;
}

void ExitInChildCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const SourceManager &sm = ctx.sourceManager();
  std::set<const Stmt *> reported;
  for (const ForkRegion &region : ctx.forkRegions()) {
    if (!isReportable(region, sm) || !region.hasChildOnlyCode())
      continue;
    const ForkSite &site = region.site();
    std::string forkName = site.callee->getNameAsString() + "()";
    for (const Stmt *s : region.childOnlyStatements()) {
      const auto *call = dyn_cast<CallExpr>(s);
      if (!call || reported.count(call))
        continue;
      const FunctionDecl *fd = call->getDirectCallee();
      if (isLibcExit(fd)) {
        reported.insert(call);
        Finding &f = diag(call->getBeginLoc(),
                          "exit() in the child of " + forkName +
                              " runs the parent's atexit handlers and flushes its stdio "
                              "buffers a second time; use _exit()");
        CharSourceRange name = CharSourceRange::getTokenRange(call->getCallee()->getSourceRange());
        if (name.getBegin().isFileID() && name.getEnd().isFileID())
          f.fixits.push_back({name, "_exit"});
        addChildPathNotes(f, region);
        continue;
      }
      CallChainQuery query;
      query.maxDepth = maxCallDepth;
      query.match = [](const Expr *e) -> std::string {
        const auto *c = dyn_cast<CallExpr>(e);
        return c && isLibcExit(c->getDirectCallee()) ? "exit() is called here" : "";
      };
      CallChain chain = findThroughCalls(fd, sm, query);
      if (!chain.found())
        continue;
      reported.insert(call);
      Finding &f = diag(call->getBeginLoc(),
                        "'" + fd->getNameAsString() + "' calls exit() in the child of " + forkName +
                            ", which runs atexit handlers and flushes stdio buffers "
                            "a second time; use _exit() in the child");
      for (size_t i = 0; i < chain.path.size(); ++i)
        f.notes.push_back({chain.path[i]->getBeginLoc(),
                           i + 1 == chain.path.size() ? chain.what : "which calls this"});
      addChildPathNotes(f, region);
    }
    if (!site.enclosing->isMain())
      continue;
    for (const ChildExit &ce : region.childExits()) {
      if (!ce.leavesFunction || region.childReachesForkAgain())
        continue;
      const Stmt *at = ce.returnStmt ? static_cast<const Stmt *>(ce.returnStmt) : ce.lastStmt;
      if (!at || !reported.insert(at).second)
        continue;
      Finding &f = diag(at->getBeginLoc(),
                        std::string(ce.returnStmt ? "returning" : "falling off the end") +
                            " from main in the child of " + forkName +
                            " runs atexit handlers and flushes stdio buffers a second time; "
                            "end the child with _exit()");
      addChildPathNotes(f, region);
    }
  }
}

} // namespace analyzer
} // namespace procsan
