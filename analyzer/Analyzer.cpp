#include "Analyzer.h"

#include "AnalysisContext.h"
#include "CheckRegistry.h"

#include "clang/AST/ASTConsumer.h"

#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Lex/Lexer.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <map>

using namespace clang;
using namespace clang::tooling;

namespace procsan {
namespace analyzer {
namespace {

// `// NOLINT`, `// NOLINT(mp-a,mp-b)` on the line, or `// NOLINTNEXTLINE(...)` on the one before.
bool suppressedByComment(StringRef line, StringRef marker, StringRef ruleId) {
  size_t pos = line.find(marker);
  while (pos != StringRef::npos) {
    StringRef rest = line.substr(pos + marker.size());
    // NOLINT must not match NOLINTNEXTLINE / NOLINTBEGIN.
    if (marker == "NOLINT" &&
        (rest.starts_with("NEXTLINE") || rest.starts_with("BEGIN") || rest.starts_with("END"))) {
      pos = line.find(marker, pos + 1);
      continue;
    }
    if (!rest.starts_with("("))
      return true;
    StringRef list = rest.drop_front().split(')').first;
    if (checkEnabled(list, ruleId))
      return true;
    pos = line.find(marker, pos + 1);
  }
  return false;
}

StringRef lineAt(const SourceManager &sm, FileID fid, unsigned line) {
  bool invalid = false;
  StringRef buffer = sm.getBufferData(fid, &invalid);
  if (invalid || line == 0)
    return {};
  // The SourceManager's line table makes this a lookup, not a scan.
  SourceLocation start = sm.translateLineCol(fid, line, 1);
  if (start.isInvalid())
    return {};
  size_t offset = sm.getFileOffset(start);
  if (offset >= buffer.size())
    return {};
  return buffer.substr(offset).split('\n').first;
}

// NOLINT, NOLINTNEXTLINE and NOLINTBEGIN/END, with the BEGIN/END markers of each file found
// once (a file without them costs one search).
class Suppressions {
public:
  explicit Suppressions(const SourceManager &sm) : sm(sm) {}

  bool suppressed(SourceLocation loc, StringRef ruleId) {
    SourceLocation expansion = sm.getExpansionLoc(loc);
    FileID fid = sm.getFileID(expansion);
    unsigned line = sm.getExpansionLineNumber(expansion);
    if (suppressedByComment(lineAt(sm, fid, line), "NOLINT", ruleId))
      return true;
    if (line > 1 && suppressedByComment(lineAt(sm, fid, line - 1), "NOLINTNEXTLINE", ruleId))
      return true;
    int depth = 0;
    for (const Marker &m : markersOf(fid)) {
      if (m.line >= line)
        break;
      if (suppressedByComment(m.text, m.begin ? "NOLINTBEGIN" : "NOLINTEND", ruleId))
        depth = m.begin ? depth + 1 : std::max(0, depth - 1);
    }
    return depth > 0;
  }

private:
  struct Marker {
    unsigned line;
    bool begin;
    StringRef text;
  };

  const std::vector<Marker> &markersOf(FileID fid) {
    auto it = markers.find(fid);
    if (it != markers.end())
      return it->second;
    std::vector<Marker> found;
    bool invalid = false;
    StringRef buffer = sm.getBufferData(fid, &invalid);
    for (size_t pos = invalid ? StringRef::npos : buffer.find("NOLINT"); pos != StringRef::npos;
         pos = buffer.find("NOLINT", pos + 6)) {
      StringRef rest = buffer.substr(pos + 6);
      bool begin = rest.starts_with("BEGIN");
      if (!begin && !rest.starts_with("END"))
        continue;
      unsigned line = sm.getLineNumber(fid, (unsigned)pos);
      found.push_back({line, begin, lineAt(sm, fid, line)});
    }
    return markers.emplace(fid, std::move(found)).first->second;
  }

  const SourceManager &sm;
  std::map<FileID, std::vector<Marker>> markers;
};

// Pairs of rules that one mistake trips on one line, the more specific first: exit() in a child
// is an unsafe call after fork too; a fork() whose result is not looked at in a loop is the
// fork bomb; a child that keeps looping, or does not know it is the child, falls through; a
// std::mutex makes the object in shared memory not trivially copyable. The specific finding is
// kept and names the other in a note.
bool subsumes(StringRef specific, StringRef general) {
  static const std::pair<StringRef, StringRef> pairs[] = {
      {"mp-exit-in-child", "mp-unsafe-call-after-fork"},
      {"mp-fork-in-loop", "mp-unchecked-fork"},
      {"mp-fork-in-loop", "mp-child-fallthrough"},
      {"mp-unchecked-fork", "mp-child-fallthrough"},
      {"mp-non-pshared-sync", "mp-nonportable-ipc-payload"},
  };
  for (const auto &p : pairs)
    if (p.first == specific && p.second == general)
      return true;
  return false;
}

// Drops the findings a more specific finding of another rule on the same line stands for, and
// notes them there.
void mergeSameLine(std::vector<const Finding *> &kept, std::vector<Finding> &extraNotes,
                   const SourceManager &sm) {
  auto lineOf = [&](const Finding *f) {
    SourceLocation e = sm.getExpansionLoc(f->loc);
    return std::make_pair(sm.getFileID(e), sm.getExpansionLineNumber(e));
  };
  std::vector<bool> dropped(kept.size(), false);
  for (size_t i = 0; i < kept.size(); ++i)
    for (size_t j = 0; j < kept.size(); ++j) {
      if (i == j || dropped[i] || dropped[j] || !subsumes(kept[i]->ruleId, kept[j]->ruleId) ||
          lineOf(kept[i]) != lineOf(kept[j]))
        continue;
      dropped[j] = true;
      extraNotes[i].notes.push_back(
          {kept[j]->loc,
           "also " + kept[j]->ruleId + " here, for the same mistake: " + kept[j]->message});
    }
  std::vector<const Finding *> out;
  std::vector<Finding> outNotes;
  for (size_t i = 0; i < kept.size(); ++i)
    if (!dropped[i]) {
      out.push_back(kept[i]);
      outNotes.push_back(std::move(extraNotes[i]));
    }
  kept = std::move(out);
  extraNotes = std::move(outNotes);
}

class ProcsanConsumer : public ASTConsumer {
public:
  ProcsanConsumer(CompilerInstance &ci, const AnalyzerConfig &config, FileResult &result)
      : ci(ci), config(config), result(result) {}

  void HandleTranslationUnit(ASTContext &ast) override {
    if (ci.getDiagnostics().hasErrorOccurred())
      return; // the driver reports the file as not analyzed
    AnalysisContext actx(ast);
    actx.useProgram(config.program);
    if (config.summaryOnly) {
      // What a full run's checks would have made the models learn (never-failing wrappers
      // are noted while the fork regions are built) goes into the summary the same way.
      actx.forkRegions();
      result.summary = std::make_shared<TUSummary>(summarizeTranslationUnit(actx, result.file));
      return;
    }
    std::vector<std::unique_ptr<Check>> checks;
    ast_matchers::MatchFinder finder;
    for (const CheckInfo &info : allChecks()) {
      if (!checkEnabled(config.checks, info.id))
        continue;
      checks.push_back(info.create(config.options));
      checks.back()->setContext(&actx);
      checks.back()->registerMatchers(&finder);
    }
    finder.matchAST(ast);
    for (auto &check : checks)
      check->checkTranslationUnit(actx);
    result.questions = std::make_shared<ProgramQuestions>(actx.program().questions());
    emit(ast, actx.findings());
    if (config.exportSummary)
      result.summary = std::make_shared<TUSummary>(summarizeTranslationUnit(actx, result.file));
  }

private:
  void emit(ASTContext &ast, std::vector<Finding> &findings) {
    SourceManager &sm = ast.getSourceManager();
    std::stable_sort(findings.begin(), findings.end(), [&](const Finding &a, const Finding &b) {
      return sm.isBeforeInTranslationUnit(a.loc, b.loc);
    });
    Suppressions suppressions(sm);
    std::vector<const Finding *> kept;
    for (const Finding &f : findings)
      if (!suppressions.suppressed(f.loc, f.ruleId))
        kept.push_back(&f);
    std::vector<Finding> merged(kept.size());
    mergeSameLine(kept, merged, sm);
    auto opts = llvm::makeIntrusiveRefCnt<DiagnosticOptions>();
    opts->ShowColors = config.color;
    for (size_t k = 0; k < kept.size(); ++k) {
      Finding f = *kept[k];
      f.notes.insert(f.notes.end(), merged[k].notes.begin(), merged[k].notes.end());
      bool asError =
          !config.warningsAsErrors.empty() && checkEnabled(config.warningsAsErrors, f.ruleId);
      ReportedFinding r = resolve(sm, f);
      r.asError = asError;
      SourceLocation at = sm.getExpansionLoc(f.loc);
      if (!sm.isInMainFile(at))
        r.headerKey = f.ruleId + "|" + f.message + "|" + at.printToString(sm);
      // Each finding is printed on its own (a printer of its own: a header's finding names
      // its include chain even after another one), so that the driver can leave out the
      // header findings an earlier file reported. Findings get their own engine: the
      // compiler's warnings stay off, ours are always shown.
      llvm::raw_string_ostream out(r.rendered);
      TextDiagnosticPrinter printer(out, opts.get());
      DiagnosticsEngine engine(llvm::makeIntrusiveRefCnt<DiagnosticIDs>(), opts.get(), &printer,
                               /*ShouldOwnClient=*/false);
      engine.setSourceManager(&sm);
      printer.BeginSourceFile(ast.getLangOpts(), &ci.getPreprocessor());
      unsigned warnId = engine.getCustomDiagID(DiagnosticsEngine::Warning, "%0");
      unsigned noteId = engine.getCustomDiagID(DiagnosticsEngine::Note, "%0");
      unsigned errorId = engine.getCustomDiagID(DiagnosticsEngine::Error, "%0");
      {
        DiagnosticBuilder b = engine.Report(f.loc, asError ? errorId : warnId);
        b << (f.message + " [" + f.ruleId + (asError ? ",-warnings-as-errors" : "") + "]");
        for (const FixIt &fix : f.fixits)
          b << FixItHint::CreateReplacement(fix.range, fix.replacement);
      }
      for (const DiagNote &n : f.notes)
        engine.Report(n.loc, noteId) << n.message;
      printer.EndSourceFile();
      out.flush();
      result.reported.push_back(std::move(r));
    }
    result.findings = (unsigned)result.reported.size();
  }

  static Position position(const SourceManager &sm, SourceLocation loc) {
    Position p;
    SourceLocation e = sm.getExpansionLoc(loc);
    if (e.isInvalid())
      return p;
    if (OptionalFileEntryRef fe = sm.getFileEntryRefForID(sm.getFileID(e))) {
      // Relative to the compile command's directory (the file manager's working directory),
      // not to procsan's: a database entry may name its file relative to its own directory.
      llvm::SmallString<256> path(fe->getName());
      sm.getFileManager().makeAbsolutePath(path);
      if (!llvm::sys::path::is_absolute(path))
        llvm::sys::fs::make_absolute(path);
      llvm::sys::path::remove_dots(path, true);
      p.file = std::string(path);
    }
    p.line = sm.getExpansionLineNumber(e);
    p.column = sm.getExpansionColumnNumber(e);
    p.offset = sm.getFileOffset(e);
    return p;
  }

  static ReportedFinding resolve(const SourceManager &sm, const Finding &f) {
    ReportedFinding r;
    r.ruleId = f.ruleId;
    r.message = f.message;
    r.at = position(sm, f.loc);
    SourceLocation e = sm.getExpansionLoc(f.loc);
    r.sourceLine = lineAt(sm, sm.getFileID(e), r.at.line).trim().str();
    for (const DiagNote &n : f.notes)
      r.notes.push_back({position(sm, n.loc), n.message});
    for (const FixIt &fix : f.fixits) {
      CharSourceRange range = Lexer::makeFileCharRange(fix.range, sm, LangOptions());
      if (range.isInvalid())
        continue;
      ReportedFix rf;
      rf.at = position(sm, range.getBegin());
      rf.length = sm.getFileOffset(range.getEnd()) - rf.at.offset;
      rf.replacement = fix.replacement;
      r.fixes.push_back(std::move(rf));
    }
    return r;
  }

  CompilerInstance &ci;
  const AnalyzerConfig &config;
  FileResult &result;
};

class ProcsanAction : public ASTFrontendAction {
public:
  ProcsanAction(const AnalyzerConfig &config, FileResult &result)
      : config(config), result(result) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &ci, StringRef) override {
    return std::make_unique<ProcsanConsumer>(ci, config, result);
  }

private:
  const AnalyzerConfig &config;
  FileResult &result;
};

class ProcsanActionFactory : public FrontendActionFactory {
public:
  ProcsanActionFactory(const AnalyzerConfig &config, FileResult &result)
      : config(config), result(result) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<ProcsanAction>(config, result);
  }

private:
  const AnalyzerConfig &config;
  FileResult &result;
};

} // namespace

FileResult analyzeFile(const CompilationDatabase &db, StringRef file,
                       const AnalyzerConfig &config) {
  FileResult result;
  result.file = file.str();
  if (!llvm::sys::fs::exists(file)) {
    result.inputError = true;
    result.errorMessage = file.str() + ": no such file";
    return result;
  }
  if (llvm::sys::fs::is_directory(file)) {
    result.inputError = true;
    result.errorMessage = file.str() + ": is a directory";
    return result;
  }
  if (db.getCompileCommands(file).empty()) {
    result.inputError = true;
    result.errorMessage = file.str() + ": no compile command for it in the compilation database";
    return result;
  }
  llvm::raw_string_ostream out(result.output);
  // Files are analyzed on several threads: each tool gets a file system with its own working
  // directory instead of the process-wide one (ClangTool changes into each command's directory).
  ClangTool tool(db, {file.str()}, std::make_shared<PCHContainerOperations>(),
                 config.fileSystem ? config.fileSystem : llvm::vfs::createPhysicalFileSystem());
  // Compiler warnings are not ours to report; errors still are.
  tool.appendArgumentsAdjuster(
      getInsertArgumentAdjuster("-Wno-everything", ArgumentInsertPosition::END));
  if (!config.resourceDir.empty())
    tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(
        ("-resource-dir=" + config.resourceDir).c_str(), ArgumentInsertPosition::BEGIN));
  auto diagOpts = llvm::makeIntrusiveRefCnt<DiagnosticOptions>();
  diagOpts->ShowColors = config.color;
  TextDiagnosticPrinter compilerDiags(out, diagOpts.get());
  tool.setDiagnosticConsumer(&compilerDiags);
  tool.setPrintErrorMessage(false);
  ProcsanActionFactory factory(config, result);
  int status = tool.run(&factory);
  if (status != 0) {
    result.inputError = true;
    result.errorMessage = file.str() + ": not analyzed: it does not compile (see the errors above)";
  }
  out.flush();
  return result;
}

void reportHeaderFindingsOnce(FileResult &r, std::set<std::string> &seen) {
  std::vector<ReportedFinding> kept;
  // A file the database compiles twice (libtool's PIC and non-PIC objects) is analyzed once
  // per command: a finding both runs make is one finding.
  std::set<std::string> sameFile;
  r.findings = r.errors = 0;
  for (ReportedFinding &f : r.reported) {
    if (!f.headerKey.empty() && !seen.insert(f.headerKey).second)
      continue;
    if (!sameFile.insert(f.rendered).second)
      continue;
    r.output += f.rendered;
    ++r.findings;
    r.errors += f.asError;
    kept.push_back(std::move(f));
  }
  r.reported = std::move(kept);
}

std::string findResourceDir(StringRef toolDirectory) {
  llvm::SmallVector<std::string, 3> candidates;
  // An installation that ships clang's headers next to procsan wins over the build-time path.
  candidates.push_back((toolDirectory + "/../lib/clang/" + llvm::Twine(PROCSAN_CLANG_MAJOR)).str());
  candidates.push_back(PROCSAN_CLANG_RESOURCE_DIR);
  for (const std::string &c : candidates) {
    llvm::SmallString<256> header(c);
    llvm::sys::path::append(header, "include", "stddef.h");
    if (llvm::sys::fs::exists(header))
      return c;
  }
  return {};
}

} // namespace analyzer
} // namespace procsan
