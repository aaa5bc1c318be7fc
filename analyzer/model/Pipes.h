// Pipes: `pipe(fds)` / `pipe2(fds, flags)` into an int[2] variable, and the uses of its two
// ends (reads, writes, closes, anything else) at each place in the code. Shared by the checks
// about pipe ends (mp-pipe-end-not-closed; mp-join-before-drain next).
#ifndef PROCSAN_ANALYZER_MODEL_PIPES_H
#define PROCSAN_ANALYZER_MODEL_PIPES_H

#include "model/UseIndex.h"

#include "clang/AST/Expr.h"

#include <vector>

namespace procsan {
namespace analyzer {

struct PipeEndUse {
  enum Kind { Read, Write, Close, Other };
  Kind kind = Other;
  int end = -1; // 0 read end, 1 write end, -1 unknown (the whole array, a variable index)
  const clang::Expr *at = nullptr; // the call (or the reference for Other)
  bool inLoop = false;             // a read or write repeated by a loop (until EOF)
};

struct PipeSite {
  const clang::CallExpr *call = nullptr; // pipe(fds) / pipe2(fds, ...)
  const clang::VarDecl *fds = nullptr;   // the int[2]
  bool closeOnExec = false;              // pipe2 with O_CLOEXEC
  std::vector<PipeEndUse> uses;
};

std::vector<PipeSite> findPipes(clang::ASTContext &ctx, const UseIndex &uses);

class ForkRegion;
// The pipe was made before this fork, in the same function: both processes hold both ends.
bool sharedByFork(clang::ASTContext &ctx, const PipeSite &pipe, const ForkRegion &region);

} // namespace analyzer
} // namespace procsan

#endif
