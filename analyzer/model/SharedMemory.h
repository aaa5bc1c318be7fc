// Provenance of shared memory: which pointers point into memory another process can see, and
// where that memory was mapped. Roots are mmap(.., MAP_SHARED, ..) (anonymous, or of an
// shm_open / memfd / file descriptor), shmat(), and Boost.Interprocess' mapped_region; the
// property flows through casts, pointer arithmetic, &p->member and &p[i], variables, globals,
// struct fields, function parameters (from the arguments of calls in this translation unit) and
// function returns. The flow is insensitive to order: a pointer variable that is ever assigned
// shared memory is taken to point there.
#ifndef PROCSAN_ANALYZER_MODEL_SHAREDMEMORY_H
#define PROCSAN_ANALYZER_MODEL_SHAREDMEMORY_H

#include "model/UseIndex.h"

#include "clang/AST/ASTContext.h"
#include "llvm/ADT/DenseMap.h"

#include <deque>
#include <vector>

namespace procsan {
namespace analyzer {

class ProgramView;

struct SharedOrigin {
  const clang::Expr *root = nullptr; // the mmap/shmat/get_address call
  // The mapping attaches to an object someone else created (shm_open or shmget without
  // O_CREAT / IPC_CREAT): another process may use it from the start.
  bool attachedByName = false;
  // An anonymous MAP_SHARED mapping: only the mapping process and its forked children see it,
  // at the same address.
  bool anonymous = false;
  // The root is a call of a function of another file that returns shared memory.
  bool fromOtherFile = false;
  std::string describe() const; // "mmap(MAP_SHARED)", "shmat()", ...
};

class SharedMemoryModel {
public:
  // With a program view, calls of functions defined in other files that return shared memory
  // (their summaries) are roots too.
  SharedMemoryModel(clang::ASTContext &ctx, const UseIndex &uses, ProgramView *program = nullptr);

  // Where the memory a pointer expression points into was mapped, or null when it is not known
  // to be shared.
  const SharedOrigin *pointerOrigin(const clang::Expr *pointer) const;
  // The same for the memory an lvalue designates (p->f, p[i], *p, s.f where s is shared).
  const SharedOrigin *lvalueOrigin(const clang::Expr *lvalue) const;
  // For a variable, parameter, field or function (its return value) that holds shared pointers.
  const SharedOrigin *declOrigin(const clang::Decl *d) const;
  // The values the program stores in a variable, parameter, field or returns from a function.
  llvm::ArrayRef<const clang::Expr *> valuesOf(const clang::Decl *d) const {
    return uses.valuesOf(d);
  }
  bool empty() const { return origins.empty(); }
  // Every variable, parameter, field and function known to hold or return shared pointers.
  const llvm::DenseMap<const clang::Decl *, const SharedOrigin *> &sharedDecls() const {
    return shared;
  }
  // The same, in source order (for reports that must not depend on hashing).
  std::vector<std::pair<const clang::Decl *, const SharedOrigin *>> sharedDeclsInOrder() const;

private:
  const SharedOrigin *pointerOrigin(const clang::Expr *e, unsigned depth) const;
  const SharedOrigin *lvalueOrigin(const clang::Expr *e, unsigned depth) const;
  const SharedOrigin *rootOrigin(const clang::Expr *e) const;
  void addRoot(const clang::Expr *call);
  void addWrapperRoot(const clang::CallExpr *call, uint32_t facts);
  bool fdAttachedByName(const clang::Expr *fd, bool sysv) const;

  clang::ASTContext &ctx;
  const UseIndex &uses;
  std::deque<SharedOrigin> origins;
  llvm::DenseMap<const clang::Expr *, const SharedOrigin *> roots;
  llvm::DenseMap<const clang::Decl *, const SharedOrigin *> shared;
};

} // namespace analyzer
} // namespace procsan

#endif
