#include "checks/PipeEndNotClosedCheck.h"

#include "AnalysisContext.h"
#include "model/AsyncSignalSafety.h"
#include "model/CallChains.h"
#include "model/ForkRegions.h"
#include "model/Pipes.h"
#include "model/ProgramSummaries.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

// exec* proper (posix_spawn starts another process and leaves this one alone).
bool replacesImage(const FunctionDecl *fd, const SourceManager &sm) {
  if (!fd || !fd->getIdentifier() || !isLibraryFunction(fd, sm))
    return false;
  return fd->getName().starts_with("exec") || fd->getName() == "fexecve";
}

// The call that may close every fd above some number: close_range/closefrom, or close() of an
// fd that is not a constant inside a loop (`for (fd = 3; fd < max; ++fd) close(fd);`).
std::string closesManyFds(ASTContext &ctx, const Expr *e) {
  const auto *call = dyn_cast<CallExpr>(e);
  const FunctionDecl *fd = call ? call->getDirectCallee() : nullptr;
  if (!fd || !fd->getIdentifier())
    return {};
  StringRef n = fd->getName();
  if (n == "close_range" || n == "closefrom")
    return n.str();
  if (n != "close" || call->getNumArgs() != 1 || call->getArg(0)->isEvaluatable(ctx))
    return {};
  if (isa<ArraySubscriptExpr>(call->getArg(0)->IgnoreParenImpCasts()))
    return {};
  DynTypedNodeList parents = ctx.getParents(*call);
  for (unsigned depth = 0; !parents.empty() && depth < 16; ++depth) {
    const Stmt *p = parents[0].get<Stmt>();
    if (!p)
      return {};
    if (isa<ForStmt>(p) || isa<WhileStmt>(p) || isa<DoStmt>(p))
      return "close() in a loop";
    parents = ctx.getParents(*p);
  }
  return {};
}

// A call in the child before the exec that may close the pipe's ends without naming them: a
// close-everything call, here or in a function it calls (3 deep), or a call of the program's own
// code the analyzer cannot read (declared, defined in another file).
bool mayCloseAllFds(ASTContext &ctx, const Expr *e, const SourceManager &sm) {
  if (!closesManyFds(ctx, e).empty())
    return true;
  const auto *call = dyn_cast<CallExpr>(e);
  if (!call)
    return false;
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd)
    return true; // through a pointer: anything
  if (isLibraryFunction(fd, sm) || fd->getBuiltinID())
    return false;
  const FunctionDecl *def = nullptr;
  if (!fd->hasBody(def))
    return true;
  CallChainQuery query;
  query.match = [&ctx, &sm](const Expr *x) -> std::string {
    if (!closesManyFds(ctx, x).empty())
      return "closes";
    const auto *c = dyn_cast<CallExpr>(x);
    if (!c)
      return {};
    const FunctionDecl *callee = c->getDirectCallee();
    if (!callee)
      return "indirect";
    const FunctionDecl *d = nullptr;
    if (!isLibraryFunction(callee, sm) && !callee->getBuiltinID() && !callee->hasBody(d))
      return "unknown";
    return {};
  };
  return findThroughCalls(def, sm, query).found();
}

// Code before this fork that only the child of an earlier fork runs (a pipeline's producer
// closing its ends before its exec) does not run in this process.
bool inAnotherChild(AnalysisContext &ctx, const ForkRegion &region, const Expr *at) {
  for (const ForkRegion &other : ctx.forkRegions())
    if (&other != &region && isChildOnly(other.outcomesAt(at)))
      return true;
  return false;
}

} // namespace

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
          // before the fork (o == 0) in this process, or after it in this process
          bool here = (o == 0 && !inAnotherChild(ctx, region, u.at)) || (o & mine);
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
    checkExecLeaks(ctx, region, pipes);
  }
}

void PipeEndNotClosedCheck::checkExecLeaks(AnalysisContext &ctx, const ForkRegion &region,
                                           const std::vector<PipeSite> &pipes) {
  ASTContext &ast = ctx.ast();
  const SourceManager &sm = ctx.sourceManager();
  std::vector<const Stmt *> child = region.childOnlyStatements();
  const CallExpr *exec = nullptr;
  for (const Stmt *s : child)
    if (const auto *call = dyn_cast<CallExpr>(s))
      if (replacesImage(call->getDirectCallee(), sm) &&
          (!exec || sm.isBeforeInTranslationUnit(call->getBeginLoc(), exec->getBeginLoc())))
        exec = call;
  if (!exec)
    return;
  auto beforeExec = [&](const Stmt *s) {
    return sm.isBeforeInTranslationUnit(s->getBeginLoc(), exec->getBeginLoc());
  };
  for (const Stmt *s : child)
    if (const auto *e = dyn_cast<Expr>(s); e && beforeExec(e) && mayCloseAllFds(ast, e, sm))
      return;
  const ForkSite &site = region.site();
  std::string execName = exec->getDirectCallee()->getNameAsString();
  for (const PipeSite &pipe : pipes) {
    if (pipe.closeOnExec || !sharedByFork(ast, pipe, region))
      continue;
    bool open[2] = {true, true};
    bool readsItself = false; // the read end moved onto stdin/stdout/stderr for the program
    const Expr *dup[2] = {nullptr, nullptr};
    for (const PipeEndUse &u : pipe.uses) {
      uint8_t o = region.outcomesAt(u.at);
      bool inChild =
          o == 0 ? sm.isBeforeInTranslationUnit(u.at->getBeginLoc(), site.call->getBeginLoc()) &&
                       !inAnotherChild(ctx, region, u.at)
                 : (o & OutChild) && beforeExec(u.at);
      if (!inChild)
        continue;
      // Closed, marked close-on-exec (fcntl), or handed to something the model cannot follow;
      // or moved onto stdin/stdout/stderr: then the exec'd program is meant to have it.
      bool handled = u.kind == PipeEndUse::Close || u.kind == PipeEndUse::Other ||
                     (u.kind == PipeEndUse::Dup && u.dupTarget >= 0 && u.dupTarget <= 2);
      if (u.kind == PipeEndUse::Dup && u.dupTarget > 2)
        dup[u.end < 0 ? 0 : u.end] = u.at;
      if (u.kind == PipeEndUse::Dup && u.end == 0 && u.dupTarget >= 0 && u.dupTarget <= 2)
        readsItself = true;
      if (!handled)
        continue;
      if (u.end < 0)
        open[0] = open[1] = false;
      else if (u.end < 2)
        open[u.end] = false;
    }
    for (int end = 0; end < 2; ++end) {
      if (!open[end])
        continue;
      std::string fd = pipe.name + "[" + std::to_string(end) + "]";
      std::string effect =
          end == 1 && readsItself
              ? "that program reads this same pipe and never sees end-of-file: it waits for "
                "more input after every writer is done"
          : end == 1 ? "whoever reads the pipe sees end-of-file only after that program exits"
                     : "whoever writes the pipe gets no EPIPE when its reader goes away, and may "
                       "block on a full pipe instead";
      Finding &f =
          diag(exec->getBeginLoc(), "the " + std::string(end == 1 ? "write" : "read") + " end '" +
                                        fd + "' is still open in the child at " + execName +
                                        "(): the program it runs inherits it; " + effect);
      if (dup[end])
        f.notes.push_back(
            {dup[end]->getBeginLoc(), "duplicated here, but '" + fd + "' itself stays open"});
      f.notes.push_back(
          {pipe.call->getBeginLoc(), "the pipe is created here without O_CLOEXEC; close '" + fd +
                                         "' in the child, or use pipe2(.., O_CLOEXEC)"});
      addChildPathNotes(f, region);
    }
  }
}

} // namespace analyzer
} // namespace procsan
