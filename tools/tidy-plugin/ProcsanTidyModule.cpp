// libprocsan-tidy.so: the procsan checks as a clang-tidy plugin.
//   clang-tidy-19 --load=libprocsan-tidy.so --checks='-*,mp-*' file.c --
// Each procsan check becomes a ClangTidyCheck that runs on the whole translation unit and reports
// through clang-tidy's diagnostics (so NOLINT, --fix, --export-fixes and configs all apply).
// The shared models are built once per translation unit for all checks.
#include "AnalysisContext.h"
#include "CheckRegistry.h"

#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"
#include "clang/ASTMatchers/ASTMatchers.h"

#include <map>
#include <memory>

using namespace clang;
using namespace clang::ast_matchers;

namespace procsan {
namespace tidy {

namespace {

// One AnalysisContext per translation unit, shared by every procsan check clang-tidy runs on it.
struct SharedContext {
  const ASTContext *ast = nullptr;
  std::unique_ptr<analyzer::AnalysisContext> context;
};
thread_local SharedContext shared;

analyzer::AnalysisContext &contextFor(ASTContext &ast) {
  if (shared.ast != &ast) {
    shared.context = std::make_unique<analyzer::AnalysisContext>(ast);
    shared.ast = &ast;
  }
  return *shared.context;
}

class ProcsanCheck : public clang::tidy::ClangTidyCheck {
public:
  ProcsanCheck(StringRef name, clang::tidy::ClangTidyContext *ctx, const analyzer::CheckInfo &info)
      : ClangTidyCheck(name, ctx), info(info) {
    // clang-tidy's CheckOptions use the same "<check>.<Option>" keys as procsan.
    std::map<std::string, std::string> values;
    std::string prefix = (name + ".").str();
    for (const auto &entry : ctx->getOptions().CheckOptions)
      if (StringRef(entry.getKey()).starts_with(prefix))
        values[entry.getKey().str()] = entry.getValue().Value;
    options = analyzer::CheckOptions(values);
    impl = info.create(options);
  }

  void registerMatchers(MatchFinder *finder) override {
    finder->addMatcher(translationUnitDecl().bind("tu"), this);
  }

  void check(const MatchFinder::MatchResult &result) override {
    analyzer::AnalysisContext &actx = contextFor(*result.Context);
    size_t before = actx.findings().size();
    impl->setContext(&actx);
    impl->checkTranslationUnit(actx);
    for (size_t i = before; i < actx.findings().size(); ++i) {
      const analyzer::Finding &f = actx.findings()[i];
      {
        DiagnosticBuilder d = diag(f.loc, "%0") << f.message;
        for (const analyzer::FixIt &fix : f.fixits)
          d << FixItHint::CreateReplacement(fix.range, fix.replacement);
      }
      for (const analyzer::DiagNote &n : f.notes)
        diag(n.loc, "%0", DiagnosticIDs::Note) << n.message;
    }
  }

  // The models point into this translation unit's AST: drop them before the next one (whose
  // ASTContext may reuse the address).
  void onEndOfTranslationUnit() override {
    shared.context.reset();
    shared.ast = nullptr;
  }

  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &opts) override {
    for (const auto &entry : options.used())
      opts[entry.first] = clang::tidy::ClangTidyOptions::ClangTidyValue(entry.second);
  }

private:
  const analyzer::CheckInfo &info;
  analyzer::CheckOptions options;
  std::unique_ptr<analyzer::Check> impl;
};

class ProcsanModule : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &factories) override {
    for (const analyzer::CheckInfo &info : analyzer::allChecks()) {
      const analyzer::CheckInfo *ptr = &info;
      factories.registerCheckFactory(info.id,
                                     [ptr](StringRef name, clang::tidy::ClangTidyContext *ctx) {
                                       return std::make_unique<ProcsanCheck>(name, ctx, *ptr);
                                     });
    }
  }
};

} // namespace

static clang::tidy::ClangTidyModuleRegistry::Add<ProcsanModule>
    registration("procsan-module", "procsan: multiprocess pitfalls (mp-*).");

} // namespace tidy
} // namespace procsan
