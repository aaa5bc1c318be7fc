// Per-translation-unit state shared by all checks: the AST, the findings, and the shared models,
// each built once on first use.
#ifndef PROCSAN_ANALYZER_ANALYSISCONTEXT_H
#define PROCSAN_ANALYZER_ANALYSISCONTEXT_H

#include "Check.h"

#include "clang/AST/ASTContext.h"

#include <memory>
#include <vector>

namespace procsan {
namespace analyzer {

class ForkRegion;
class ForkSiteModel;
class FunctionSummaries;
class ProgramSummaries;
class ProgramView;
class LockRegions;
class PostForkModel;
class SharedMemoryModel;
class UseIndex;
class WaitModel;

class AnalysisContext {
public:
  explicit AnalysisContext(clang::ASTContext &ast);
  ~AnalysisContext();

  clang::ASTContext &ast() { return astContext; }
  clang::SourceManager &sourceManager() { return astContext.getSourceManager(); }

  // Shared analyses (analyzer/model), built lazily.
  const UseIndex &uses();
  const ForkSiteModel &forkSites();
  FunctionSummaries &summaries();
  const WaitModel &waits();
  // One region per fork site, in the order of forkSites().sites().
  const std::vector<ForkRegion> &forkRegions();
  const SharedMemoryModel &sharedMemory();
  LockRegions &lockRegions();
  PostForkModel &postFork();

  // The facts of the other TUs of the program (procsan check with several files): null table
  // for one TU alone. Set before the first model is built.
  void useProgram(const ProgramSummaries *table);
  ProgramView &program();

  Finding &addFinding(llvm::StringRef ruleId, clang::SourceLocation loc, llvm::StringRef message);
  std::vector<Finding> &findings() { return all; }

private:
  clang::ASTContext &astContext;
  std::unique_ptr<UseIndex> useIndex;
  std::unique_ptr<ForkSiteModel> forkModel;
  std::unique_ptr<FunctionSummaries> functionSummaries;
  std::unique_ptr<WaitModel> waitModel;
  std::unique_ptr<std::vector<ForkRegion>> regions;
  std::unique_ptr<SharedMemoryModel> sharedMemoryModel;
  std::unique_ptr<LockRegions> lockRegionModel;
  std::unique_ptr<PostForkModel> postForkModel;
  std::vector<Finding> all;
  std::unique_ptr<ProgramView> programView;
};

} // namespace analyzer
} // namespace procsan

#endif
