#include "model/CallChains.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"

#include <set>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

class Finder : public RecursiveASTVisitor<Finder> {
public:
  Finder(const SourceManager &sm, const CallChainQuery &q, unsigned depth,
         std::set<const FunctionDecl *> &seen)
      : sm(sm), q(q), depth(depth), seen(seen) {}
  bool shouldVisitImplicitCode() const { return false; }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }

  bool VisitExpr(Expr *e) {
    if (chain.found() || stopped)
      return false;
    std::string what = q.match(e);
    if (!what.empty()) {
      chain.path.push_back(e);
      chain.what = what;
      return false;
    }
    const auto *call = dyn_cast<CallExpr>(e);
    if (!call)
      return true;
    if (q.stopAfter && q.stopAfter(call)) {
      stopped = true;
      return false;
    }
    CallChain inner = follow(call->getDirectCallee());
    if (inner.found()) {
      chain.path.push_back(call);
      chain.path.insert(chain.path.end(), inner.path.begin(), inner.path.end());
      chain.what = inner.what;
      return false;
    }
    return true;
  }

  CallChain follow(const FunctionDecl *fd) {
    const FunctionDecl *def = nullptr;
    if (depth == 0 || !fd || !fd->hasBody(def) || !def || sm.isInSystemHeader(def->getLocation()) ||
        !seen.insert(def).second)
      return {};
    Finder inner(sm, q, depth - 1, seen);
    inner.TraverseStmt(def->getBody());
    return inner.chain;
  }

  CallChain chain;

private:
  const SourceManager &sm;
  const CallChainQuery &q;
  unsigned depth;
  std::set<const FunctionDecl *> &seen;
  bool stopped = false;
};

} // namespace

CallChain findThroughCalls(const FunctionDecl *fd, const SourceManager &sm,
                           const CallChainQuery &query) {
  std::set<const FunctionDecl *> seen;
  Finder finder(sm, query, query.maxDepth, seen);
  return finder.follow(fd);
}

} // namespace analyzer
} // namespace procsan
