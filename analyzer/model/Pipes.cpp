#include "model/Pipes.h"
#include "model/ForkRegions.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"

#include <fcntl.h>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

bool inLoop(ASTContext &ctx, const Stmt *s) {
  DynTypedNodeList parents = ctx.getParents(*s);
  for (unsigned depth = 0; !parents.empty() && depth < 64; ++depth) {
    if (parents[0].get<FunctionDecl>())
      return false;
    const Stmt *p = parents[0].get<Stmt>();
    if (!p) {
      if (const Decl *d = parents[0].get<Decl>()) {
        parents = ctx.getParents(*d);
        continue;
      }
      return false;
    }
    if (isa<ForStmt>(p) || isa<WhileStmt>(p) || isa<DoStmt>(p) || isa<CXXForRangeStmt>(p))
      return true;
    parents = ctx.getParents(*p);
  }
  return false;
}

PipeEndUse::Kind kindOfCall(const CallExpr *call, unsigned argIndex) {
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd || !fd->getIdentifier() || argIndex != 0)
    return PipeEndUse::Other;
  StringRef n = fd->getName();
  if (n == "read" || n == "readv" || n == "recv" || n == "recvfrom" || n == "recvmsg")
    return PipeEndUse::Read;
  if (n == "write" || n == "writev" || n == "send" || n == "sendto" || n == "sendmsg")
    return PipeEndUse::Write;
  if (n == "close")
    return PipeEndUse::Close;
  return PipeEndUse::Other;
}

} // namespace

std::vector<PipeSite> findPipes(ASTContext &ctx, const UseIndex &uses) {
  std::vector<PipeSite> pipes;
  for (const CallExpr *call : uses.allCalls()) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd || !fd->getIdentifier() || call->getNumArgs() < 1)
      continue;
    StringRef name = fd->getName();
    if (name != "pipe" && name != "pipe2")
      continue;
    const auto *dre = dyn_cast<DeclRefExpr>(call->getArg(0)->IgnoreParenImpCasts());
    const auto *vd = dre ? dyn_cast<VarDecl>(dre->getDecl()) : nullptr;
    if (!vd || !vd->hasLocalStorage() || !vd->getType()->isConstantArrayType())
      continue;
    PipeSite site;
    site.call = call;
    site.fds = vd;
    Expr::EvalResult flags;
    if (name == "pipe2" && call->getNumArgs() > 1 && call->getArg(1)->EvaluateAsInt(flags, ctx))
      site.closeOnExec = (flags.Val.getInt().getExtValue() & O_CLOEXEC) != 0;
    for (const Expr *ref : uses.referencesTo(vd)) {
      if (ref == dre)
        continue;
      PipeEndUse use;
      use.at = ref;
      // fds[0] / fds[1]: the parent of the reference's decay is the subscript.
      const Expr *value = ref;
      DynTypedNodeList parents = ctx.getParents(*ref);
      if (!parents.empty())
        if (const auto *cast = parents[0].get<ImplicitCastExpr>()) {
          DynTypedNodeList up = ctx.getParents(*cast);
          if (!up.empty())
            if (const auto *ase = up[0].get<ArraySubscriptExpr>()) {
              Expr::EvalResult idx;
              if (ase->getIdx()->EvaluateAsInt(idx, ctx))
                use.end = (int)idx.Val.getInt().getExtValue();
              value = ase;
            }
        }
      if (use.end >= 0) {
        ValueUse vu = classifyUse(ctx, value);
        if (vu.kind == ValueUse::Argument) {
          use.kind = kindOfCall(vu.call, vu.argIndex);
          use.at = vu.call;
          use.inLoop = inLoop(ctx, vu.call);
        }
      }
      site.uses.push_back(use);
    }
    pipes.push_back(std::move(site));
  }
  return pipes;
}

bool sharedByFork(ASTContext &ctx, const PipeSite &pipe, const ForkRegion &region) {
  const ForkSite &site = region.site();
  return region.outcomesAt(pipe.call) == 0 && enclosingFunction(ctx, pipe.call) == site.enclosing &&
         ctx.getSourceManager().isBeforeInTranslationUnit(pipe.call->getBeginLoc(),
                                                          site.call->getBeginLoc());
}

} // namespace analyzer
} // namespace procsan
