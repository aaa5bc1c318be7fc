#include "checks/ExitInChildCheck.h"

#include "AnalysisContext.h"
#include "model/CallChains.h"
#include "model/ForkRegions.h"
#include "model/PostFork.h"
#include "model/ProgramSummaries.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Support/Path.h"

#include <optional>
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
    : Check(Id, options), modelOptions(options), maxCallDepth(3) {
  unsigned depth = 0;
  if (!StringRef(option("MaxCallDepth", "3")).getAsInteger(10, depth))
    maxCallDepth = depth;
}

namespace {

// Why exit() in this child would do something a second time: the notes that show it, or none.
struct TwiceEvidence {
  bool vforked = false; // the child shares the parent's memory: exit() works on the parent's state
  std::vector<DiagNote> notes;
  bool any() const { return vforked || !notes.empty(); }
};

bool isVfork(const ForkSite &site) {
  const CallExpr *root = site.wrappedFork ? site.wrappedFork : site.call;
  const FunctionDecl *fd = root->getDirectCallee();
  return fd && fd->getIdentifier() && fd->getName() == "vfork";
}

} // namespace

void ExitInChildCheck::checkTranslationUnit(AnalysisContext &ctx) {
  modelOptions.applyTo(ctx); // clang-tidy runs no registerMatchers of ours
  const SourceManager &sm = ctx.sourceManager();
  std::set<const Stmt *> reported;
  ensureLocalOrder(ctx);
  for (const ForkRegion &region : ctx.forkRegions()) {
    if (!isReportable(region, sm) || !region.hasChildOnlyCode())
      continue;
    const ForkSite &site = region.site();
    std::string forkName = site.callee->getNameAsString() + "()";
    // exit() only hurts when it runs or flushes something the parent left behind: exit handlers,
    // static destructors, output still in the stdio buffers at the fork. Known lazily.
    std::optional<TwiceEvidence> evidence;
    auto twice = [&]() -> const TwiceEvidence & {
      if (evidence)
        return *evidence;
      evidence.emplace();
      evidence->vforked = isVfork(site);
      // Handlers registered where they may have run before this fork in the same process: not
      // one that another program of the database, or another applet of a multi-call binary,
      // registers.
      std::string handler = ctx.program().exitHandlerBefore(site.enclosing, sm);
      // A fork in a function the call graph cannot name (a constructor, an operator): any
      // handler this file registers counts, as before the graph was asked.
      if (handler.empty() && ProgramView::functionKey(site.enclosing, sm).empty() &&
          !(site.enclosing && site.enclosing->isMain()))
        for (const ExitHandlerSite &h : exitHandlersIn(ctx.ast(), ctx.uses())) {
          handler = sm.getFilename(sm.getExpansionLoc(h.at)).str();
          handler = llvm::sys::path::filename(handler).str() + ":" +
                    std::to_string(sm.getExpansionLineNumber(h.at));
          break;
        }
      if (!handler.empty())
        evidence->notes.push_back({site.call->getBeginLoc(),
                                   "an exit handler registered at " + handler +
                                       " (atexit, on_exit or a static object's destructor) may "
                                       "have been registered before this fork: exit() runs it in "
                                       "both processes"});
      if (const Expr *w = pendingStdioAtFork(ctx, region))
        evidence->notes.push_back({w->getBeginLoc(),
                                   "output written here may still be in the parent's stdio buffer "
                                   "at the fork; the child's exit() writes it again"});
      return *evidence;
    };
    // The child's own buffered output needs exit()'s flush: _exit() alone would lose it.
    std::optional<bool> childWrites;
    auto report = [&](const Stmt *at, const std::string &message) -> Finding * {
      const TwiceEvidence &ev = twice();
      if (!ev.any())
        return nullptr;
      if (!childWrites)
        childWrites = childMayWriteStdio(ctx, region);
      Finding &f = diag(at->getBeginLoc(), message);
      if (*childWrites)
        f.notes.push_back({at->getBeginLoc(),
                           "the child may have output of its own in its stdio buffers: flush "
                           "the parent's before the fork and the child's with fflush() before "
                           "_exit() (no fix-it: _exit() alone would lose it)"});
      if (ev.vforked)
        f.notes.push_back({site.call->getBeginLoc(),
                           "a vfork() child runs in the parent's memory: exit() runs the parent's "
                           "handlers and flushes its buffers"});
      for (const DiagNote &n : ev.notes)
        f.notes.push_back(n);
      return &f;
    };
    for (const Stmt *s : region.childOnlyStatements()) {
      const auto *call = dyn_cast<CallExpr>(s);
      if (!call || reported.count(call))
        continue;
      const FunctionDecl *fd = call->getDirectCallee();
      if (isLibcExit(fd)) {
        reported.insert(call);
        Finding *f = report(call, "exit() in the child of " + forkName +
                                      " runs the parent's atexit handlers and flushes its stdio "
                                      "buffers a second time; use _exit()");
        if (!f)
          continue;
        CharSourceRange name = CharSourceRange::getTokenRange(call->getCallee()->getSourceRange());
        // A fix-it must not lose the child's output.
        if (!*childWrites && name.getBegin().isFileID() && name.getEnd().isFileID())
          f->fixits.push_back({name, "_exit"});
        addChildPathNotes(*f, region);
        continue;
      }
      if (fd && !fd->hasBody() && ctx.program().callsExit(fd, sm)) {
        reported.insert(call);
        Finding *f = report(call, "'" + fd->getNameAsString() + "' (another file) calls exit() " +
                                      "in the child of " + forkName +
                                      ", which runs atexit handlers and flushes stdio buffers a "
                                      "second time; use _exit() in the child");
        if (f)
          addChildPathNotes(*f, region);
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
      Finding *f =
          report(call, "'" + fd->getNameAsString() + "' calls exit() in the child of " + forkName +
                           ", which runs atexit handlers and flushes stdio buffers "
                           "a second time; use _exit() in the child");
      if (!f)
        continue;
      for (size_t i = 0; i < chain.path.size(); ++i)
        f->notes.push_back({chain.path[i]->getBeginLoc(),
                            i + 1 == chain.path.size() ? chain.what : "which calls this"});
      addChildPathNotes(*f, region);
    }
    if (!isProcessEntry(ctx.ast(), ctx.uses(), site.enclosing))
      continue;
    for (const ChildExit &ce : region.childExits()) {
      if (!ce.leavesFunction || region.childReachesForkAgain())
        continue;
      const Stmt *at = ce.returnStmt ? static_cast<const Stmt *>(ce.returnStmt) : ce.lastStmt;
      if (!at || !reported.insert(at).second)
        continue;
      std::string from = site.enclosing->isMain() ? std::string("main")
                                                  : "'" + site.enclosing->getNameAsString() +
                                                        "', whose value is the exit status,";
      Finding *f = report(at, std::string(ce.returnStmt ? "returning" : "falling off the end") +
                                  " from " + from + " in the child of " + forkName +
                                  " runs atexit handlers and flushes stdio buffers a second time; "
                                  "end the child with _exit()");
      if (f)
        addChildPathNotes(*f, region);
    }
  }
}

} // namespace analyzer
} // namespace procsan
