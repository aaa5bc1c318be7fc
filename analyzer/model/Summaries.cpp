#include "model/Summaries.h"
#include "model/ProgramSummaries.h"

#include "clang/AST/Expr.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/SmallVector.h"

using namespace clang;

namespace procsan {
namespace analyzer {

const CFG *FunctionSummaries::cfgForBody(const Decl *d, Stmt *body) {
  if (!d || !body)
    return nullptr;
  auto it = cfgs.find(d);
  if (it != cfgs.end())
    return it->second.get();
  CFG::BuildOptions options;
  options.setAllAlwaysAdd();
  options.AddImplicitDtors = true;
  options.AddTemporaryDtors = true;
  options.PruneTriviallyFalseEdges = true;
  std::unique_ptr<CFG> cfg = CFG::buildCFG(d, body, &ctx, options);
  const CFG *result = cfg.get();
  cfgs[d] = std::move(cfg);
  return result;
}

const CFG *FunctionSummaries::cfgFor(const FunctionDecl *fd) {
  const FunctionDecl *def = nullptr;
  if (!fd || !fd->hasBody(def) || !def)
    return nullptr;
  return cfgForBody(def, def->getBody());
}

bool FunctionSummaries::callNeverReturns(const CallExpr *call) {
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd)
    return false;
  if (fd->isNoReturn())
    return true;
  return neverReturns(fd);
}

bool FunctionSummaries::blockEndsPath(const CFGBlock &block) {
  if (block.hasNoReturnElement())
    return true;
  for (const CFGElement &e : block) {
    if (auto s = e.getAs<CFGStmt>())
      if (const auto *call = dyn_cast<CallExpr>(s->getStmt()))
        if (callNeverReturns(call))
          return true;
  }
  return false;
}

bool FunctionSummaries::neverReturns(const FunctionDecl *fd) {
  if (!fd)
    return false;
  if (fd->isNoReturn())
    return true;
  const FunctionDecl *def = nullptr;
  if (!fd->hasBody(def) || !def)
    return program && program->neverReturns(fd, ctx.getSourceManager());
  auto it = noReturn.find(def);
  if (it != noReturn.end())
    return it->second == State::NeverReturns; // Computing: assume it returns (recursion)
  noReturn[def] = State::Computing;
  const CFG *cfg = cfgFor(def);
  bool exitReached = true;
  if (cfg) {
    llvm::BitVector seen(cfg->getNumBlockIDs());
    llvm::SmallVector<const CFGBlock *, 16> work;
    work.push_back(&cfg->getEntry());
    seen.set(cfg->getEntry().getBlockID());
    exitReached = false;
    while (!work.empty() && !exitReached) {
      const CFGBlock *b = work.pop_back_val();
      if (b == &cfg->getExit()) {
        exitReached = true;
        break;
      }
      if (blockEndsPath(*b))
        continue;
      for (const CFGBlock::AdjacentBlock &succ : b->succs()) {
        const CFGBlock *s = succ.getReachableBlock();
        if (s && !seen.test(s->getBlockID())) {
          seen.set(s->getBlockID());
          work.push_back(s);
        }
      }
    }
  }
  noReturn[def] = exitReached ? State::Returns : State::NeverReturns;
  return !exitReached;
}

} // namespace analyzer
} // namespace procsan
