// Which code runs in the child, the parent and on the error path of a fork site: a forward
// dataflow over the enclosing function's CFG whose facts are sets of fork outcomes. The pid
// tests the fork-site model found filter the outcomes at branches; paths end at noreturn calls
// and at calls of functions that never return (summaries).
#ifndef PROCSAN_ANALYZER_MODEL_FORKREGIONS_H
#define PROCSAN_ANALYZER_MODEL_FORKREGIONS_H

#include "Check.h"
#include "model/ForkSites.h"
#include "model/Summaries.h"

#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <optional>

#include <vector>

namespace procsan {
namespace analyzer {

// Where the child leaves code that only it runs and enters code the parent runs too.
struct ChildExit {
  const clang::CFGBlock *from = nullptr;         // last block of the child-only path
  const clang::CFGBlock *to = nullptr;           // first block shared with the parent (or the exit)
  bool leavesFunction = false;                   // the child returns from the enclosing function
  const clang::Stmt *lastStmt = nullptr;         // the last statement the child runs before leaving
  const clang::ReturnStmt *returnStmt = nullptr; // the return the child takes, if any
  // The last block calls through a pointer: the callee may never return (an exec helper).
  bool afterIndirectCall = false;
};

class ForkRegion {
public:
  ForkRegion(const ForkSite &site, FunctionSummaries &summaries);

  bool valid() const { return cfg != nullptr; }
  const ForkSite &site() const { return forkSite; }
  const clang::CFG *graph() const { return cfg; }

  // The outcomes that can be running a statement of the enclosing function after the fork
  // (0: not after the fork, or not in this function).
  uint8_t outcomesAt(const clang::Stmt *s) const;
  // The outcomes that can enter a block of the CFG.
  uint8_t outcomesEntering(const clang::CFGBlock *b) const {
    return cfg && b ? visible(in[b->getBlockID()]) : 0;
  }
  // True when some outcome set has the child without the parent: the model knows a child path.
  bool hasChildOnlyCode() const { return childOnlyBlocks > 0; }
  // Statements only the child (and possibly the error path) runs, in CFG order.
  std::vector<const clang::Stmt *> childOnlyStatements() const;
  // Statements only the parent (and possibly the error path) runs.
  std::vector<const clang::Stmt *> parentOnlyStatements() const;
  // The test that sends the child down its own path (for a note), or null.
  const PidTest *childBranchTest() const;
  // Where a note shows that test: the condition, or the child's label of a switch.
  clang::SourceLocation childBranchLoc() const;
  // The parent returns from the enclosing function on some path.
  bool parentReachesExit() const;
  // The error path (-1) returns from the enclosing function on some path.
  bool errorReachesExit() const;

  // A child path reaches the fork call again (a loop or goto around the fork).
  bool childReachesForkAgain() const { return forkReachedByChild; }
  // Some path after the fork (of any outcome) comes back to it: code after it may run before it.
  bool forkReachedAgain() const { return forkReachedAtAll; }
  const std::vector<ChildExit> &childExits() const { return exits; }

private:
  std::vector<const clang::Stmt *> statementsWhere(bool (*pred)(uint8_t)) const;
  void run();
  void dataflow();
  void findChildFlag();
  void findFixedBranches();
  void finishRun();
  // The outcome sets of a test of the child's flag (see findChildFlag), or nullopt.
  std::optional<uint8_t> flagTest(const clang::Expr *cond) const;
  // Inside the dataflow only: the child after it set its flag.
  static constexpr uint8_t kChildFlagged = 8, kAllStates = OutAll | kChildFlagged;
  static uint8_t withFlagged(uint8_t set) { return set & OutChild ? set | kChildFlagged : set; }
  static uint8_t visible(uint8_t s) { return (s & OutAll) | (s & kChildFlagged ? OutChild : 0); }
  uint8_t filterEdge(const clang::CFGBlock &from, unsigned succIndex, uint8_t state) const;
  const PidTest *testFor(const clang::Expr *condition) const;

  const ForkSite &forkSite;
  FunctionSummaries &summaries;
  const clang::CFG *cfg = nullptr;
  const clang::CFGBlock *forkBlock = nullptr;
  unsigned forkIndex = 0; // element index of the fork call within forkBlock
  uint8_t initial = OutAll;
  std::vector<uint8_t> in;  // per block id: outcomes on entry
  std::vector<uint8_t> out; // per block id: outcomes at the terminator (before filtering)
  llvm::DenseMap<const clang::Stmt *, std::pair<unsigned, unsigned>> where; // block id, index
  bool forkReachedByChild = false;
  bool forkReachedAtAll = false;
  unsigned childOnlyBlocks = 0;
  std::vector<ChildExit> exits;
  const clang::VarDecl *flag = nullptr;
  int64_t flagSet = 0, flagOther = 0;
  bool flagCounts = false; // the child increments the flag: flagSet stands for any positive value
  llvm::DenseSet<const clang::Stmt *> flagStores;
  // Branches decided before the fork on a condition the function never changes (`if
  // (debug_flag)`, a parameter): after the fork, both processes take the same edge again.
  // Block id -> the successor index taken.
  llvm::DenseMap<unsigned, unsigned> fixedEdge;
};

// A region checks report on: its CFG is known and the fork is in the program's own code.
bool isReportable(const ForkRegion &region, const clang::SourceManager &sm);

// Notes that show why code is the child's: the fork, and the test that sends the child there.
void addChildPathNotes(Finding &f, const ForkRegion &region);

// A process entry point: returning from it ends the process with the value as exit status.
// main(); a function whose every caller in this file ends the process with its value
// (`exit(run_child(...))`, `return applet_main(...)` in another entry point); a multi-call
// binary's `int name_main(int, char **)` that this file never calls (it is reached through a
// table of applets).
bool isProcessEntry(clang::ASTContext &ctx, const UseIndex &uses, const clang::FunctionDecl *fd);

inline bool isChildOnly(uint8_t outcomes) {
  return (outcomes & OutChild) && !(outcomes & OutParent);
}

} // namespace analyzer
} // namespace procsan

#endif
