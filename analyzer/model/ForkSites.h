// The fork-site model: every call that creates a child process by fork semantics (fork, vfork,
// and functions that return the result of one), and how the returned pid is used: where it is
// stored, which tests tell the child, the parent and the error path apart, whether it leaves
// what the model can follow. Checks ask this model instead of matching statement shapes.
#ifndef PROCSAN_ANALYZER_MODEL_FORKSITES_H
#define PROCSAN_ANALYZER_MODEL_FORKSITES_H

#include "Check.h"
#include "model/UseIndex.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseSet.h"

#include <optional>
#include <vector>

namespace procsan {
namespace analyzer {

// The three outcomes of a fork, as bits of an outcome set.
enum Outcome : uint8_t {
  OutError = 1,  // fork failed: -1
  OutChild = 2,  // in the child: 0
  OutParent = 4, // in the parent: the child's pid
  OutAll = 7
};

// A test of a pid value, and which of the three outcomes of fork it tells apart:
// the error path (-1), the child (0) and the parent (> 0).
struct PidTest {
  const clang::Expr *expr = nullptr;      // the comparison, condition or switch subject
  const clang::Expr *condition = nullptr; // the expression a branch tests (null for switch)
  const clang::SwitchStmt *switchStmt = nullptr;
  uint8_t trueOutcomes = 0;    // outcomes for which `condition` is true
  bool separatesChild = false; // child and parent take different branches
  bool separatesError = false; // the error path takes a branch neither of the others takes
};

// The values a fork-like call returns on each outcome: fork()'s -1, 0 and a pid (1 stands for
// any pid), or the status codes of a portability layer's fork (APR's APR_INCHILD and
// APR_INPARENT, an errno on failure).
struct ForkValues {
  int64_t error = -1, child = 0, parent = 1;
};

struct ForkSite {
  const clang::CallExpr *call = nullptr;
  const clang::FunctionDecl *callee = nullptr; // fork, vfork or a wrapper
  const clang::FunctionDecl *enclosing = nullptr;
  const clang::CallExpr *wrappedFork = nullptr; // for a wrapper call: the fork it returns
  // For a wrapper call: the wrapper already sent the child elsewhere (it tests the pid itself),
  // so this call returns only in the parent (or on error).
  bool childHandledInWrapper = false;
  // For a wrapper call: the wrapper ends its own error path, so this call never returns -1.
  bool errorHandledInWrapper = false;

  bool discarded = false;                         // the call's value is thrown away
  const clang::ValueDecl *storage = nullptr;      // first variable or field the pid is stored in
  std::vector<const clang::ValueDecl *> storages; // every variable, parameter, field it reaches
  std::vector<PidTest> tests;                     // every test the pid reaches
  bool escapes = false;  // flows where the model cannot follow: the pid may be tested there
  bool returned = false; // returned to the caller: the enclosing function is a fork wrapper
  // `pid--;` / `pid++;` statements: tests after them see the values shifted.
  std::vector<std::pair<const clang::Expr *, int>> adjustments;
  // The call returns a status naming the process, not a pid (apr_proc_fork: the pid goes into
  // the apr_proc_t): checks that follow the pid to waits and kills leave it alone.
  bool roleValues = false;
  ForkValues values;

  bool testsChild() const;
  bool testsError() const;
};

class AnalysisContext;
class ProgramView;

// The project's own fork functions and never-returning functions: the options ForkFunctions
// and NoReturnFunctions (names separated by ';' or ','), global keys of CheckOptions. Every
// check that asks the fork-site model reads them and hands them to the model before it is built.
struct ForkModelOptions {
  explicit ForkModelOptions(const CheckOptions &options);
  void applyTo(AnalysisContext &ctx) const;
  std::string forkFunctions, noReturnFunctions;
};

class ForkSiteModel {
public:
  // With a program view, calls of fork wrappers defined in other TUs are fork sites too.
  ForkSiteModel(clang::ASTContext &ctx, const UseIndex &uses, ProgramView *program = nullptr);

  const std::vector<ForkSite> &sites() const { return all; }
  // Functions whose return value is the result of a fork (directly or through other wrappers).
  bool isForkWrapper(const clang::FunctionDecl *fd) const;
  // A wrapper that sends the child elsewhere itself (returns only in the parent or on error).
  bool wrapperDivertsChild(const clang::FunctionDecl *fd) const;
  const ForkSite *siteFor(const clang::CallExpr *call) const;

  // fork() or vfork() of the C library (not a user function that happens to share the name).
  static bool isForkFunction(const clang::FunctionDecl *fd);

private:
  void trace(ForkSite &site, const clang::Expr *value, llvm::DenseSet<const void *> &seen,
             unsigned depth);
  void traceStorage(ForkSite &site, const clang::ValueDecl *d, llvm::DenseSet<const void *> &seen,
                    unsigned depth);
  PidTest classifyTest(const ValueUse &use, int delta, const ForkValues &values) const;

  clang::ASTContext &ctx;
  const UseIndex &uses;
  std::vector<ForkSite> all;
  llvm::DenseSet<const clang::FunctionDecl *> wrappers;
  llvm::DenseSet<const clang::FunctionDecl *> divertingWrappers;
};

// Library functions that take a pid without telling child from parent (they act on it, print it).
bool consumesPidWithoutTesting(const clang::FunctionDecl *fd);

// The label of a switch on the pid that the child reaches (`case 0:`, or `default:` when no case
// takes it), or null when none does or a case value is not a constant.
const clang::SwitchCase *childSwitchLabel(clang::ASTContext &ctx, const ForkValues &values,
                                          const clang::SwitchStmt *sw);
// The outcomes a switch on a pid sends to the case (or default) labelled `label`.
uint8_t switchLabelOutcomes(clang::ASTContext &ctx, const ForkValues &values,
                            const clang::SwitchStmt *sw, const clang::SwitchCase *label);

// `lhs OP rhs` for a comparison operator; nullopt for any other operator.
std::optional<bool> evalCompare(clang::BinaryOperatorKind op, int64_t lhs, int64_t rhs);

} // namespace analyzer
} // namespace procsan

#endif
