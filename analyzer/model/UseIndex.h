// An index of the translation unit, built in one pass and shared by the models: every reference
// to a variable or field, every call of a function, and where each value flows next.
#ifndef PROCSAN_ANALYZER_MODEL_USEINDEX_H
#define PROCSAN_ANALYZER_MODEL_USEINDEX_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <vector>

namespace procsan {
namespace analyzer {

class UseIndex {
public:
  explicit UseIndex(clang::ASTContext &ctx);

  // References (DeclRefExpr or MemberExpr) to a variable, parameter or field.
  llvm::ArrayRef<const clang::Expr *> referencesTo(const clang::ValueDecl *d) const;
  // Calls whose direct callee is fd (canonical declaration).
  llvm::ArrayRef<const clang::CallExpr *> callsTo(const clang::FunctionDecl *fd) const;
  // Every call with a direct callee, in source order.
  llvm::ArrayRef<const clang::CallExpr *> allCalls() const { return calls; }
  // The values the program stores into a variable, parameter (the arguments of direct calls and
  // constructions), field (assignments, member initializers), or returns from a function; keyed
  // by valueKey. Flow-insensitive: every store anywhere in the translation unit.
  llvm::ArrayRef<const clang::Expr *> valuesOf(const clang::Decl *d) const;
  const llvm::DenseMap<const clang::Decl *, llvm::SmallVector<const clang::Expr *, 2>> &
  storedValues() const {
    return values;
  }

  clang::ASTContext &ast() const { return ctx; }
  // Every referenced variable, parameter, field or function, with its number of references.
  template <typename F> void forEachReference(F f) const {
    for (const auto &kv : refs)
      f(kv.first, kv.second.size());
  }

private:
  friend class UseIndexBuilder;
  clang::ASTContext &ctx;
  llvm::DenseMap<const clang::ValueDecl *, llvm::SmallVector<const clang::Expr *, 4>> refs;
  llvm::DenseMap<const clang::FunctionDecl *, llvm::SmallVector<const clang::CallExpr *, 4>>
      callsByCallee;
  std::vector<const clang::CallExpr *> calls;
  llvm::DenseMap<const clang::Decl *, llvm::SmallVector<const clang::Expr *, 2>> values;
};

// The key of a declaration in valuesOf: a function's or global's first declaration, else itself.
const clang::Decl *valueKey(const clang::Decl *d);

// What happens to the value of an expression: the first place it flows into, looking through
// parentheses, casts and assignments' values.
struct ValueUse {
  enum Kind {
    Discarded,   // evaluated for its side effect only
    Compared,    // an operand of ==, !=, <, <=, >, >= (with `other` the other operand)
    Truthiness,  // if (x), !x, x && y, x ? a : b, while (x)
    Switched,    // switch (x)
    StoredTo,    // assigned to or initialises `target` (a variable, parameter or field)
    Returned,    // returned from the enclosing function
    Argument,    // passed to `call` as argument `argIndex`
    Overwritten, // the expression is the left side of an assignment
    Other        // anything the model does not follow (arithmetic, initializer lists, ...)
  };
  Kind kind = Other;
  const clang::Expr *at = nullptr;          // the outermost expression still carrying the value
  const clang::Stmt *user = nullptr;        // the statement or operator that uses it
  const clang::Expr *other = nullptr;       // Compared: the other operand
  bool valueOnLeft = true;                  // Compared: the value is the left operand
  const clang::ValueDecl *target = nullptr; // StoredTo
  const clang::Expr *assignment = nullptr;  // StoredTo by an assignment expression (it has a value)
  const clang::CallExpr *call = nullptr;    // Argument
  unsigned argIndex = 0;
};

ValueUse classifyUse(clang::ASTContext &ctx, const clang::Expr *e);

// The function (or lambda call operator) whose body holds s.
const clang::FunctionDecl *enclosingFunction(clang::ASTContext &ctx, const clang::Stmt *s);
// True when a loop of s's own function repeats s (through declarations: `pid_t p = fork();`).
bool insideLoop(clang::ASTContext &ctx, const clang::Stmt *s);

// The variable, parameter or field an lvalue expression names: x, p->f, s.f, a[i] (-> a).
const clang::ValueDecl *storageOf(const clang::Expr *lvalue);

} // namespace analyzer
} // namespace procsan

#endif
