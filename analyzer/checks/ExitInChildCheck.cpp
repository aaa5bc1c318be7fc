#include "checks/ExitInChildCheck.h"

#include "AnalysisContext.h"
#include "model/ForkRegions.h"

#include "clang/AST/RecursiveASTVisitor.h"
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

// Finds a call of exit() in a function body, following calls of functions defined in the
// translation unit up to a depth. Records the chain of calls that leads to it.
class ExitFinder : public RecursiveASTVisitor<ExitFinder> {
public:
  ExitFinder(const SourceManager &sm, unsigned depth, std::set<const FunctionDecl *> &seen)
      : sm(sm), depth(depth), seen(seen) {}

  bool VisitCallExpr(CallExpr *call) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (isLibcExit(fd)) {
      chain.push_back(call);
      return false;
    }
    const FunctionDecl *def = nullptr;
    if (depth == 0 || !fd || !fd->hasBody(def) || !def || sm.isInSystemHeader(def->getLocation()) ||
        !seen.insert(def).second)
      return true;
    ExitFinder inner(sm, depth - 1, seen);
    inner.TraverseStmt(def->getBody());
    if (!inner.chain.empty()) {
      chain.push_back(call);
      chain.insert(chain.end(), inner.chain.begin(), inner.chain.end());
      return false;
    }
    return true;
  }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; } // not run by the call itself

  std::vector<const CallExpr *> chain;

private:
  const SourceManager &sm;
  unsigned depth;
  std::set<const FunctionDecl *> &seen;
};

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
    if (!region.valid() || !region.hasChildOnlyCode())
      continue;
    const ForkSite &site = region.site();
    if (sm.isInSystemHeader(sm.getExpansionLoc(site.call->getBeginLoc())))
      continue;
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
        f.notes.push_back({site.call->getBeginLoc(), "child of this " + forkName});
        continue;
      }
      std::set<const FunctionDecl *> seen;
      ExitFinder finder(sm, maxCallDepth, seen);
      finder.TraverseStmt(const_cast<CallExpr *>(call));
      if (finder.chain.size() < 2)
        continue;
      reported.insert(call);
      Finding &f = diag(call->getBeginLoc(),
                        "'" + fd->getNameAsString() + "' calls exit() in the child of " + forkName +
                            ", which runs atexit handlers and flushes stdio buffers "
                            "a second time; use _exit() in the child");
      for (size_t i = 1; i < finder.chain.size(); ++i)
        f.notes.push_back({finder.chain[i]->getBeginLoc(), i + 1 == finder.chain.size()
                                                               ? "exit() is called here"
                                                               : "which calls this"});
      f.notes.push_back({site.call->getBeginLoc(), "child of this " + forkName});
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
      f.notes.push_back({site.call->getBeginLoc(), "child of this " + forkName});
    }
  }
}

} // namespace analyzer
} // namespace procsan
