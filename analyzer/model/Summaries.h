// Function summaries within a translation unit, computed on demand and memoized: facts about a
// function that its callers' analyses need (it never returns, ...). Also owns the per-function
// CFGs the models share.
#ifndef PROCSAN_ANALYZER_MODEL_SUMMARIES_H
#define PROCSAN_ANALYZER_MODEL_SUMMARIES_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"

#include <memory>

namespace procsan {
namespace analyzer {

class ProgramView;

class FunctionSummaries {
public:
  explicit FunctionSummaries(clang::ASTContext &ctx) : ctx(ctx) {}

  // Functions defined in other TUs are looked up in the program's table (see ProgramSummaries).
  void setProgram(ProgramView *view) { program = view; }

  // The CFG of a function's body (every subexpression is an element), or null without a body.
  const clang::CFG *cfgFor(const clang::FunctionDecl *fd);
  // Same for any body-carrying declaration (functions, methods, lambdas' call operators).
  const clang::CFG *cfgForBody(const clang::Decl *d, clang::Stmt *body);

  // No path of the function returns to its caller: every path ends in a noreturn call (_exit,
  // abort, exec* then _exit, a [[noreturn]] function, a function that itself never returns) or
  // loops forever. Without a body here: what the program's table says.
  bool neverReturns(const clang::FunctionDecl *fd);

  // A call that ends the path: to a noreturn function, or to one that never returns.
  bool callNeverReturns(const clang::CallExpr *call);

  // Whether a block ends its path: a noreturn element, or a call that never returns.
  bool blockEndsPath(const clang::CFGBlock &block);

  clang::ASTContext &ast() { return ctx; }

private:
  clang::ASTContext &ctx;
  ProgramView *program = nullptr;
  llvm::DenseMap<const clang::Decl *, std::unique_ptr<clang::CFG>> cfgs;
  enum class State { Computing, Returns, NeverReturns };
  llvm::DenseMap<const clang::FunctionDecl *, State> noReturn;
};

} // namespace analyzer
} // namespace procsan

#endif
