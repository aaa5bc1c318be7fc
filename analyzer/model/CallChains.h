// Following calls into the functions a translation unit defines, the way clang-tidy's
// bugprone-signal-handler does: find the first expression a predicate names, anywhere in a call
// tree, and the chain of calls that leads to it (for notes).
#ifndef PROCSAN_ANALYZER_MODEL_CALLCHAINS_H
#define PROCSAN_ANALYZER_MODEL_CALLCHAINS_H

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"

#include <functional>
#include <string>
#include <vector>

namespace procsan {
namespace analyzer {

struct CallChain {
  std::vector<const clang::Expr *> path; // calls from the start down to the matched expression
  std::string what;                      // the predicate's description of the match
  bool found() const { return !path.empty(); }
};

struct CallChainQuery {
  // A non-empty description marks the expression sought.
  std::function<std::string(const clang::Expr *)> match;
  // Calls after which the rest of a body is not looked at (exec: what follows runs only if it
  // failed). Optional.
  std::function<bool(const clang::CallExpr *)> stopAfter;
  unsigned maxDepth = 3;
};

// Searches the body of fd and, through calls, the functions defined in this translation unit
// (not in system headers). Lambdas defined in a body are not entered: defining one runs nothing.
CallChain findThroughCalls(const clang::FunctionDecl *fd, const clang::SourceManager &sm,
                           const CallChainQuery &query);

} // namespace analyzer
} // namespace procsan

#endif
