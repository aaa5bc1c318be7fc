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
#include <optional>
#include <set>
#include <string>
#include <vector>

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

  // For the summary a TU exports: answer as if every function defined in another file of the
  // program never returns, and remember which ones each answer relied on. The merge of all
  // files confirms or drops the facts so obtained (ProgramSummaries::finish).
  void assumeOtherFilesNeverReturn() { optimistic = true; }
  // The functions of other files (their keys) the answers about fd relied on.
  const std::set<std::string> &reliedOn(const clang::FunctionDecl *fd);
  // While a collector is pushed, every call found to end a path adds what it relied on to it.
  void pushCollector(std::set<std::string> *into) { collecting.push_back(into); }
  void popCollector() { collecting.pop_back(); }

  // Fork wrappers of this TU, as their fork regions find them: whether the fork's error path
  // (-1) reaches the wrapper's return. Unknown (nullopt) until the wrapper's region was built.
  void noteWrapperMayFail(const clang::FunctionDecl *wrapper, bool mayFail);
  std::optional<bool> wrapperMayFail(const clang::FunctionDecl *wrapper) const;

private:
  void noteRelied(const std::set<std::string> &keys);

  clang::ASTContext &ctx;
  ProgramView *program = nullptr;
  bool optimistic = false;
  std::vector<std::set<std::string> *> collecting;
  llvm::DenseMap<const clang::FunctionDecl *, std::set<std::string>> relied;
  llvm::DenseMap<const clang::FunctionDecl *, bool> wrapperFails;
  llvm::DenseMap<const clang::Decl *, std::unique_ptr<clang::CFG>> cfgs;
  enum class State { Computing, Returns, NeverReturns };
  llvm::DenseMap<const clang::FunctionDecl *, State> noReturn;
};

} // namespace analyzer
} // namespace procsan

#endif
