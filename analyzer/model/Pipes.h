// Pipes: `pipe(fds)` / `pipe2(fds, flags)` into an int[2] variable, and the uses of its two
// ends (reads, writes, closes, anything else) at each place in the code. Shared by the checks
// about pipe ends (mp-pipe-end-not-closed; mp-join-before-drain next).
#ifndef PROCSAN_ANALYZER_MODEL_PIPES_H
#define PROCSAN_ANALYZER_MODEL_PIPES_H

#include "model/UseIndex.h"

#include "clang/AST/Expr.h"

#include <string>
#include <vector>

namespace procsan {
namespace analyzer {

struct PipeEndUse {
  // Neutral: handed to a helper known to neither close it nor pass it on (its summary).
  // Dup: dup2/dup3 onto `dupTarget`; the end stays open, now twice.
  enum Kind { Read, Write, Close, Other, Neutral, Dup };
  Kind kind = Other;
  int end = -1; // 0 read end, 1 write end, -1 unknown (the whole array, a variable index)
  const clang::Expr *at = nullptr;             // the call (or the reference for Other)
  bool inLoop = false;                         // a read or write repeated by a loop (until EOF)
  const clang::FunctionDecl *helper = nullptr; // the use is a call of this helper (summary)
  int64_t dupTarget = -1;                      // Dup: the fd number it was copied to, if known
  const clang::Expr *through = nullptr; // a use of a copy: the dup2, or the store into a variable
};

struct PipeSite {
  const clang::CallExpr *call = nullptr; // pipe(fds) / pipe2(fds, ...)
  const clang::ValueDecl *fds = nullptr; // the int[2]: a local variable, or a member
  std::string name;                      // as written: fds, p.fds, self->fds
  bool closeOnExec = false;              // pipe2 with O_CLOEXEC
  std::vector<PipeEndUse> uses;
};

class ProgramView;
std::vector<PipeSite> findPipes(clang::ASTContext &ctx, const UseIndex &uses,
                                ProgramView *program = nullptr);

// What a function does with the fd it receives as parameter i (ProgramView::FdEffect bits):
// closes it, reads it in a loop (until end-of-file), passes it on or stores it (anything may
// happen). Functions defined in this TU are read (through helpers, a few calls deep); others
// are asked of the program's table (0 when unknown).
unsigned fdParamEffect(clang::ASTContext &ctx, const UseIndex &uses, ProgramView *program,
                       const clang::FunctionDecl *fd, unsigned i, unsigned depth = 0);

class ForkRegion;
// The pipe was made before this fork, in the same function: both processes hold both ends.
bool sharedByFork(clang::ASTContext &ctx, const PipeSite &pipe, const ForkRegion &region);

} // namespace analyzer
} // namespace procsan

#endif
