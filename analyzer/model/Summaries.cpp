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
  options.AddInitializers = true; // a constructor's member initializers run first: `: pid_(fork())`
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
  if (!neverReturns(fd))
    return false;
  if (!collecting.empty())
    noteRelied(reliedOn(fd));
  return true;
}

void FunctionSummaries::noteRelied(const std::set<std::string> &keys) {
  if (!collecting.empty() && collecting.back())
    collecting.back()->insert(keys.begin(), keys.end());
}

const std::set<std::string> &FunctionSummaries::reliedOn(const FunctionDecl *fd) {
  static const std::set<std::string> none;
  const FunctionDecl *def = nullptr;
  if (!fd || !fd->hasBody(def) || !def) {
    // A function of another file assumed never to return relies on itself.
    if (!optimistic || !fd || (program && program->neverReturns(fd, ctx.getSourceManager())))
      return none;
    auto it = relied.find(fd->getCanonicalDecl());
    if (it == relied.end()) {
      std::string key = ProgramView::externalKey(fd, ctx.getSourceManager());
      it = relied.try_emplace(fd->getCanonicalDecl()).first;
      if (!key.empty())
        it->second.insert(key);
    }
    return it->second;
  }
  auto it = relied.find(def);
  return it == relied.end() ? none : it->second;
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
  if (program && program->configuredNoReturn(fd))
    return true;
  if (!fd->hasBody(def) || !def) {
    if (program && program->neverReturns(fd, ctx.getSourceManager()))
      return true;
    return optimistic && !ProgramView::externalKey(fd, ctx.getSourceManager()).empty();
  }
  auto it = noReturn.find(def);
  if (it != noReturn.end())
    return it->second == State::NeverReturns; // Computing: assume it returns (recursion)
  noReturn[def] = State::Computing;
  std::set<std::string> reliedHere;
  if (optimistic)
    collecting.push_back(&reliedHere);
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
  if (optimistic) {
    collecting.pop_back();
    if (!exitReached)
      relied[def] = std::move(reliedHere);
  }
  noReturn[def] = exitReached ? State::Returns : State::NeverReturns;
  return !exitReached;
}

void FunctionSummaries::noteWrapperMayFail(const FunctionDecl *wrapper, bool mayFail) {
  if (wrapper)
    wrapperFails[wrapper->getCanonicalDecl()] |= mayFail;
}

std::optional<bool> FunctionSummaries::wrapperMayFail(const FunctionDecl *wrapper) const {
  auto it = wrapper ? wrapperFails.find(wrapper->getCanonicalDecl()) : wrapperFails.end();
  if (it == wrapperFails.end())
    return std::nullopt;
  return it->second;
}

} // namespace analyzer
} // namespace procsan
