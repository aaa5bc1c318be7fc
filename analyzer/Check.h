// The shape of a procsan check, after clang-tidy's: one class per rule id, options read in the
// constructor, matchers registered per translation unit, and diagnostics that name the rule.
// Checks that ask the shared models (analyzer/model) rather than match AST shapes override
// checkTranslationUnit.
#ifndef PROCSAN_ANALYZER_CHECK_H
#define PROCSAN_ANALYZER_CHECK_H

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace procsan {
namespace analyzer {

class AnalysisContext;

// Per-check options (from .procsan.yaml CheckOptions or the command line), keyed by option name.
class CheckOptions {
public:
  CheckOptions() = default;
  explicit CheckOptions(std::map<std::string, std::string> values) : values(std::move(values)) {}
  std::string get(llvm::StringRef name, llvm::StringRef defaultValue) const;
  bool getBool(llvm::StringRef name, bool defaultValue) const;
  // Every option a check read, with the value it used (for --dump-config).
  const std::map<std::string, std::string> &used() const { return usedValues; }

private:
  std::map<std::string, std::string> values;
  mutable std::map<std::string, std::string> usedValues;
};

struct DiagNote {
  clang::SourceLocation loc;
  std::string message;
};

struct FixIt {
  clang::CharSourceRange range;
  std::string replacement;
};

// One diagnostic a check produced, before suppression and rendering.
struct Finding {
  std::string ruleId;
  clang::SourceLocation loc;
  std::string message;
  std::vector<DiagNote> notes;
  std::vector<FixIt> fixits;
};

class Check : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  Check(llvm::StringRef id, const CheckOptions &options) : id(id.str()), options(options) {}
  ~Check() override = default;

  llvm::StringRef ruleId() const { return id; }

  // clang-tidy style hooks: register AST matchers, then handle each match.
  virtual void registerMatchers(clang::ast_matchers::MatchFinder *) {}
  void run(const clang::ast_matchers::MatchFinder::MatchResult &result) override { check(result); }
  virtual void check(const clang::ast_matchers::MatchFinder::MatchResult &) {}

  // Model-driven checks: called once per translation unit after matching.
  virtual void checkTranslationUnit(AnalysisContext &) {}

  void setContext(AnalysisContext *ctx) { context = ctx; }

protected:
  // Starts a diagnostic for this check; add notes and fix-its to the returned finding.
  Finding &diag(clang::SourceLocation loc, llvm::StringRef message);
  // This check's option NAME, stored as "<rule-id>.<NAME>" (as clang-tidy's CheckOptions).
  std::string option(llvm::StringRef name, llvm::StringRef defaultValue) const {
    return options.get(id + "." + name.str(), defaultValue);
  }
  bool boolOption(llvm::StringRef name, bool defaultValue) const {
    return options.getBool(id + "." + name.str(), defaultValue);
  }
  AnalysisContext &ctx() { return *context; }

private:
  std::string id;
  const CheckOptions &options;
  AnalysisContext *context = nullptr;
};

} // namespace analyzer
} // namespace procsan

#endif
