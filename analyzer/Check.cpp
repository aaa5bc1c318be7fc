#include "Check.h"
#include "AnalysisContext.h"

#include "model/ForkRegions.h"
#include "model/ForkSites.h"
#include "model/LockRegions.h"
#include "model/PostFork.h"
#include "model/ProgramSummaries.h"
#include "model/SharedMemory.h"
#include "model/Summaries.h"
#include "model/UseIndex.h"
#include "model/WaitCalls.h"

#include "llvm/ADT/StringExtras.h"

namespace procsan {
namespace analyzer {

std::string CheckOptions::get(llvm::StringRef name, llvm::StringRef defaultValue) const {
  auto it = values.find(name.str());
  std::string v = it == values.end() ? defaultValue.str() : it->second;
  usedValues[name.str()] = v;
  return v;
}

bool CheckOptions::getBool(llvm::StringRef name, bool defaultValue) const {
  std::string v = get(name, defaultValue ? "true" : "false");
  std::string lower = llvm::StringRef(v).lower();
  return lower == "true" || lower == "1" || lower == "yes" || lower == "on";
}

Finding &Check::diag(clang::SourceLocation loc, llvm::StringRef message) {
  return context->addFinding(id, loc, message);
}

AnalysisContext::AnalysisContext(clang::ASTContext &ast) : astContext(ast) {}
AnalysisContext::~AnalysisContext() = default;

const UseIndex &AnalysisContext::uses() {
  if (!useIndex)
    useIndex = std::make_unique<UseIndex>(astContext);
  return *useIndex;
}

const ForkSiteModel &AnalysisContext::forkSites() {
  if (!forkModel)
    forkModel = std::make_unique<ForkSiteModel>(astContext, uses(), &program());
  return *forkModel;
}

const WaitModel &AnalysisContext::waits() {
  if (!waitModel)
    waitModel = std::make_unique<WaitModel>(astContext, uses());
  return *waitModel;
}

FunctionSummaries &AnalysisContext::summaries() {
  if (!functionSummaries) {
    functionSummaries = std::make_unique<FunctionSummaries>(astContext);
    functionSummaries->setProgram(&program());
  }
  return *functionSummaries;
}

const std::vector<ForkRegion> &AnalysisContext::forkRegions() {
  if (!regions) {
    regions = std::make_unique<std::vector<ForkRegion>>();
    const ForkSiteModel &model = forkSites();
    regions->reserve(model.sites().size());
    for (const ForkSite &site : model.sites())
      regions->emplace_back(site, summaries());
  }
  return *regions;
}

const SharedMemoryModel &AnalysisContext::sharedMemory() {
  if (!sharedMemoryModel)
    sharedMemoryModel = std::make_unique<SharedMemoryModel>(astContext, uses(), &program());
  return *sharedMemoryModel;
}

LockRegions &AnalysisContext::lockRegions() {
  if (!lockRegionModel)
    lockRegionModel = std::make_unique<LockRegions>(astContext, uses(), summaries());
  return *lockRegionModel;
}

PostForkModel &AnalysisContext::postFork() {
  if (!postForkModel)
    postForkModel = std::make_unique<PostForkModel>(astContext, forkRegions(), uses(), waits(),
                                                    sharedMemory(), summaries());
  return *postForkModel;
}

void AnalysisContext::useProgram(const ProgramSummaries *table) {
  programView = std::make_unique<ProgramView>(table);
}

ProgramView &AnalysisContext::program() {
  if (!programView)
    programView = std::make_unique<ProgramView>();
  return *programView;
}

Finding &AnalysisContext::addFinding(llvm::StringRef ruleId, clang::SourceLocation loc,
                                     llvm::StringRef message) {
  all.push_back(Finding{ruleId.str(), loc, message.str(), {}, {}});
  return all.back();
}

} // namespace analyzer
} // namespace procsan
