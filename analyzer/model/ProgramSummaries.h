// Function summaries across the translation units of a compile database. Each TU exports the
// facts other TUs need about its functions with external linkage (keyed by USR) and a few
// whole-program facts (it reaps any child, starts threads, unlinks IPC names); the driver merges
// them into one table. Models ask the table through a ProgramView, which also records every
// question and its answer: after a first pass with an empty table, only the TUs that would get a
// different answer from the merged table are analyzed again (DESIGN §5's time budget). The merge
// is a union, so the result depends neither on -j nor on the order of the files.
#ifndef PROCSAN_ANALYZER_MODEL_PROGRAMSUMMARIES_H
#define PROCSAN_ANALYZER_MODEL_PROGRAMSUMMARIES_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace procsan {
namespace analyzer {

class AnalysisContext;

enum FunctionFact : uint32_t {
  FactForkWrapper = 1,         // returns the result of a fork (directly or through wrappers)
  FactWrapperDivertsChild = 2, // ... after sending the child elsewhere itself
  FactNeverReturns = 4,        // no path returns to the caller
  // Returns a pointer into shared memory (MAP_SHARED, shmat), directly or through wrappers; the
  // two next bits say which kind (SharedOrigin::anonymous / attachedByName).
  FactReturnsShared = 8,
  FactReturnsSharedAnonymous = 16,
  FactReturnsSharedAttached = 32,
  // A fork wrapper that never returns the failure (-1): its error path never returns.
  FactWrapperNeverFails = 64,
  // The two facts above hold if every function of `noReturnIf` / `neverFailsIf` (other files)
  // never returns: resolved by ProgramSummaries::finish.
  FactNeverReturnsIf = 128,
  FactWrapperNeverFailsIf = 256,
  // Calls exit() (itself or through calls; a function of `noReturnIf` that does counts too).
  FactCallsExit = 512,
};

// Facts about one function with external linkage. Parameter facts are bit masks (bit i:
// parameter i).
struct FunctionSummary {
  uint32_t facts = 0;
  uint32_t reapsParam = 0;  // waits for the pid in the parameter
  uint32_t closesParam = 0; // closes the fd in the parameter
  uint32_t drainsParam = 0; // reads the fd in the parameter in a loop (until end-of-file)
  uint32_t keepsParam = 0;  // passes the fd on or stores it: anything may happen to it
  uint32_t fdParams = 0;    // integer parameters the summary speaks about
  // Functions defined elsewhere whose result this one returns: it is a fork wrapper when one of
  // them is (resolved by the merge).
  std::vector<std::string> returnsResultOf;
  std::vector<std::string> noReturnIf, neverFailsIf; // keys: see FactNeverReturnsIf
  std::string name;                                  // for messages
  std::string where; // "file:line" of a definition (the smallest, for determinism)

  void merge(const FunctionSummary &other);
};

// A named IPC object's name as far as the source tells it.
struct IpcNameText {
  int family = 0; // 0 shm, 1 sem, 2 mq
  std::string text;
  bool prefix = false; // `text` is only the constant start of a name built at run time
  bool operator<(const IpcNameText &o) const {
    return std::tie(family, text, prefix) < std::tie(o.family, o.text, o.prefix);
  }
  bool operator==(const IpcNameText &o) const {
    return family == o.family && text == o.text && prefix == o.prefix;
  }
};

// What one TU exports. `procsan check --cache-dir` stores every field (writeSummary in
// tools/procsan/CheckCache.cpp): a field added here (or in FunctionSummary, IpcNameText) must
// be added there.
struct TUSummary {
  std::string file;
  std::map<std::string, FunctionSummary> functions; // by USR
  std::string reapsWhere;   // non-empty: the TU reaps any child (or lets the kernel); where
  std::string threadsWhere; // non-empty: the TU starts threads; where
  // Exit handlers this TU registers (atexit/on_exit, static objects whose destructor is the
  // program's code), by the function that registers them: its key, "main:<file>" for main(),
  // "static:<file>" for initializers, constructors and static objects of a TU that defines
  // main() (they belong to that program only), "static:" for those of a TU without main()
  // (linked into who knows which program). Values: where ("file:line").
  std::map<std::string, std::vector<std::string>> exitHandlers;
  std::vector<IpcNameText> unlinked;
  bool unlinksUnknown[3] = {false, false, false}; // an unlink whose name the model cannot read
  // Thread order. Keys are ProgramView::functionKey (the USR of any function of the program).
  std::map<std::string, std::vector<std::string>> calls; // function -> program functions it calls
  std::vector<std::string> startsThreadsDirectly;        // functions with a thread start
  std::vector<std::string> addressTaken;                 // functions used other than by a call
  bool threadsAtStart = false; // a thread started (or such a function called) by an initializer
  // For each program function main() calls: the program functions that may run before one of
  // its calls in main ("" for a thread start there).
  std::map<std::string, std::vector<std::string>> mainEarly;
  // Struct fields and global variables (by USR) this TU stores shared memory into, with the
  // FactReturnsShared* bits of its kind.
  std::map<std::string, uint32_t> sharedStorage;
};

// The merged table.
class ProgramSummaries {
public:
  void add(const TUSummary &tu);
  // Resolves wrappers of wrappers defined in other TUs; call once after the last add().
  void finish();

  const FunctionSummary *function(llvm::StringRef usr) const;
  const std::string &reapsWhere() const { return reaps; }
  const std::string &threadsWhere() const { return threads; }
  // Where an exit handler is registered that may have run in the process before a fork in the
  // function `forkKey` (a function key, or "main:<file>") of the TU `forkFile`: a handler
  // registered by a function that shares a caller chain with it (one of them calls the other,
  // or one function calls both, through the program's direct calls), in main() of the forking
  // file or of a file whose main() leads to the fork, or at static scope of such a file or of a
  // TU without main(). "" when none.
  std::string exitHandlerBefore(llvm::StringRef forkKey, llvm::StringRef forkFile) const;
  // Where a thread may be started in the same program as a fork in `forkKey`: a function that
  // starts threads and shares a caller chain with it, or that no main() of the database calls (a
  // library's), main() of the forking file, or static initialization. "" when none: the threads
  // of another program of the database (a test helper with its own main()) do not count.
  std::string threadsInProgramOf(llvm::StringRef forkKey, llvm::StringRef forkFile) const;
  // An unlink somewhere in the program may remove an object created with this name.
  bool mayUnlink(const IpcNameText &created) const;
  size_t size() const { return functions.size(); }
  // The function may start a thread, itself or through the functions it calls (any file).
  bool startsThreads(llvm::StringRef key) const { return starts.count(key.str()) != 0; }
  // The function is called only by main(), before anything that may start a thread: the
  // process is single-threaded while it runs (and main() itself before its first thread).
  bool earlyOnly(llvm::StringRef key) const { return early.count(key.str()) != 0; }
  // A field or global some file stores shared memory into: its FactReturnsShared* bits, or 0.
  uint32_t sharedStorage(llvm::StringRef usr) const {
    auto it = storage.find(usr.str());
    return it == storage.end() ? 0 : it->second;
  }

private:
  std::map<std::string, FunctionSummary> functions;
  std::map<std::string, std::vector<std::string>> calls, mainEarly;
  std::set<std::string> startsDirectly, addressTaken, starts, early;
  std::map<std::string, uint32_t> storage;
  bool threadsAtStart = false;
  std::map<std::string, std::vector<const std::string *>> callers; // made by finish()
  std::map<std::string, std::vector<std::string>> exitHandlers;
  std::map<std::string, std::string> threadStartPlace; // function key -> a start in its file
  std::string reaps, threads;
  // The functions whose direct calls lead to `from` (itself included).
  std::set<std::string> callerChain(const std::string &from) const;
  std::vector<IpcNameText> unlinked;
  bool unlinksUnknown[3] = {false, false, false};
};

// The questions one TU asked the table, with the answers it got.
struct ProgramQuestions {
  std::map<std::string, std::string> asked;
  // Whether any question gets a different answer from `other`: the TU's results may change.
  bool answersDiffer(const ProgramSummaries *other) const;
};

// One TU's window on the table: answers (empty answers without a table) and remembers what it
// was asked, so the driver can tell whether the TU's results could change with another table.
class ProgramView {
public:
  explicit ProgramView(const ProgramSummaries *table = nullptr) : table(table) {}

  // The key of a function defined in another TU: externally visible, no body here, declared in
  // the program's own code. Empty for anything else.
  static std::string externalKey(const clang::FunctionDecl *fd, const clang::SourceManager &sm);

  // Each question names the function by its declaration; non-external ones get the empty answer.
  bool isForkWrapper(const clang::FunctionDecl *fd, const clang::SourceManager &sm,
                     bool &divertsChild, bool *neverFails = nullptr);
  bool neverReturns(const clang::FunctionDecl *fd, const clang::SourceManager &sm);
  // The function (of another file) calls exit(), itself or through calls.
  bool callsExit(const clang::FunctionDecl *fd, const clang::SourceManager &sm);
  // Where the program registers an exit handler that may run before a fork in fd (see
  // ProgramSummaries::exitHandlerBefore; "" when none). Answered from this file alone without a
  // table (needs ensureLocalOrder).
  std::string exitHandlerBefore(const clang::FunctionDecl *fd, const clang::SourceManager &sm);
  // What the function does with the fd in parameter i, as FdEffect bits (0: not known, the
  // function is not defined in the program).
  enum FdEffect : unsigned { FdCloses = 1, FdDrains = 2, FdKeeps = 4, FdKnown = 8 };
  unsigned fdParamEffect(const clang::FunctionDecl *fd, unsigned i, const clang::SourceManager &sm);
  // The key of any function of the program (not the library's): its USR. Empty otherwise.
  static std::string functionKey(const clang::FunctionDecl *fd, const clang::SourceManager &sm);
  // The key a fork in fd is placed in its program by: main() by its file, a lambda by the
  // function that makes it.
  static std::string programFunctionKey(const clang::FunctionDecl *fd,
                                        const clang::SourceManager &sm);
  // Thread order (ProgramSummaries::startsThreads / earlyOnly). Without a table (one file, or
  // the first pass) they are answered from this file's own facts, set with setLocalOrder.
  bool startsThreads(const clang::FunctionDecl *fd, const clang::SourceManager &sm);
  bool earlyOnly(const clang::FunctionDecl *fd, const clang::SourceManager &sm);
  bool hasLocalOrder() const { return localOrder != nullptr; }
  void setLocalOrder(std::unique_ptr<ProgramSummaries> t) { localOrder = std::move(t); }
  // What a function of another file returns: 0, or FactReturnsShared with its kind bits.
  uint32_t returnsShared(const clang::FunctionDecl *fd, const clang::SourceManager &sm);
  // The same for a struct field or a global variable of the program that some file stores
  // shared memory into.
  uint32_t holdsShared(const clang::ValueDecl *d, const clang::SourceManager &sm);
  // Where another TU reaps any child / starts threads ("" when none does).
  std::string reapsElsewhere();
  std::string threadsElsewhere();
  // Where a thread may start in the program a fork in fd belongs to (see
  // ProgramSummaries::threadsInProgramOf).
  std::string threadsInProgramOf(const clang::FunctionDecl *fd, const clang::SourceManager &sm);
  bool mayUnlinkElsewhere(const IpcNameText &created);

  const ProgramQuestions &questions() const { return log; }

  // The project's own fork functions and never-returning functions, named in the options
  // ForkFunctions and NoReturnFunctions (names separated by ';' or ',').
  void configure(llvm::StringRef forkFunctions, llvm::StringRef noReturnFunctions);
  bool configuredFork(const clang::FunctionDecl *fd) const;
  bool configuredNoReturn(const clang::FunctionDecl *fd) const;

  // This TU's own thread starts (found once, shared by the checks and the export).
  const std::vector<const clang::Expr *> &threadStarts(clang::ASTContext &ctx);

private:
  std::string ask(const std::string &question);
  friend struct ProgramQuestions;
  static std::string answer(const ProgramSummaries *t, const std::string &question);
  const ProgramSummaries *table;
  std::unique_ptr<ProgramSummaries> localOrder;
  ProgramQuestions log;
  std::unique_ptr<std::vector<const clang::Expr *>> threadStartsCache;
  std::set<std::string> forkNames, noReturnNames;
};

// The summary this TU exports (uses the context's models).
TUSummary summarizeTranslationUnit(AnalysisContext &ctx, llvm::StringRef file);

// Calls and constructions in the program's own code that start a thread.
std::vector<const clang::Expr *> findThreadStarts(clang::ASTContext &ctx);

// This TU's thread-order facts (the call graph among the program's functions, thread starts,
// functions whose address is taken, what main() calls before what).
void summarizeThreadOrder(AnalysisContext &ctx, TUSummary &tu);
// Gives the context's ProgramView this file's own call graph and thread-order facts, for the
// questions that are answered from them when there is no table (one file, the first pass).
void ensureLocalOrder(AnalysisContext &ctx);
// The key under which summarizeThreadOrder records main() of this TU: "main:<main file>".
std::string mainKey(const clang::SourceManager &sm);
// The program functions whose calls may run before `target` in fd (through the CFG, loops
// included); a null entry stands for a thread start. False without a CFG.
bool callsThatMayPrecede(AnalysisContext &ctx, const clang::FunctionDecl *fd,
                         const clang::Stmt *target, std::vector<const clang::FunctionDecl *> &out);

// The name given to shm_open/sem_open/mq_open/*_unlink: a literal, a variable initialised with
// one, or a buffer formatted by sprintf/snprintf with a literal format (its constant prefix).
// False when unknown.
class UseIndex;
bool ipcNameText(clang::ASTContext &ctx, const UseIndex &uses, const clang::Expr *arg,
                 IpcNameText &out);

// The family of a named IPC call: 0 shm, 1 sem, 2 mq (shm_open, sem_unlink, ...); -1 for other
// calls. isUnlink tells the *_unlink calls from the *_open ones.
int ipcFamily(llvm::StringRef name, bool &isUnlink);

} // namespace analyzer
} // namespace procsan

#endif
