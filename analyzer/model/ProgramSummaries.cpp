#include "model/ProgramSummaries.h"

#include "AnalysisContext.h"
#include "model/CallChains.h"
#include "model/ForkRegions.h"
#include "model/ForkSites.h"
#include "model/Pipes.h"
#include "model/PostFork.h"
#include "model/SharedMemory.h"
#include "model/Summaries.h"
#include "model/UseIndex.h"
#include "model/WaitCalls.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <set>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

bool isMainFunction(const FunctionDecl *fd) { return fd && fd->isMain(); }

void addUnique(std::vector<std::string> &v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

void keepSmallest(std::string &into, const std::string &candidate) {
  if (!candidate.empty() && (into.empty() || candidate < into))
    into = candidate;
}

std::string placeOf(const SourceManager &sm, SourceLocation loc) {
  SourceLocation e = sm.getExpansionLoc(loc);
  PresumedLoc p = sm.getPresumedLoc(e);
  if (p.isInvalid())
    return "another file";
  return (llvm::sys::path::filename(p.getFilename()) + ":" + llvm::Twine(p.getLine())).str();
}

bool prefixOf(llvm::StringRef a, llvm::StringRef b) { return b.starts_with(a); }

} // namespace

void FunctionSummary::merge(const FunctionSummary &o) {
  facts |= o.facts;
  reapsParam |= o.reapsParam;
  closesParam |= o.closesParam;
  drainsParam |= o.drainsParam;
  keepsParam |= o.keepsParam;
  fdParams |= o.fdParams;
  for (auto [into, from] :
       {std::pair{&returnsResultOf, &o.returnsResultOf}, std::pair{&noReturnIf, &o.noReturnIf},
        std::pair{&neverFailsIf, &o.neverFailsIf}}) {
    into->insert(into->end(), from->begin(), from->end());
    std::sort(into->begin(), into->end());
    into->erase(std::unique(into->begin(), into->end()), into->end());
  }
  keepSmallest(name, o.name);
  keepSmallest(where, o.where);
}

void ProgramSummaries::add(const TUSummary &tu) {
  for (const auto &kv : tu.functions)
    functions[kv.first].merge(kv.second);
  keepSmallest(reaps, tu.reapsWhere);
  keepSmallest(threads, tu.threadsWhere);
  for (const auto &kv : tu.exitHandlers) {
    std::vector<std::string> &w = exitHandlers[kv.first];
    w.insert(w.end(), kv.second.begin(), kv.second.end());
    addUnique(w);
  }
  for (const IpcNameText &n : tu.unlinked)
    unlinked.push_back(n);
  std::sort(unlinked.begin(), unlinked.end());
  unlinked.erase(std::unique(unlinked.begin(), unlinked.end()), unlinked.end());
  for (int i = 0; i < 3; ++i)
    unlinksUnknown[i] |= tu.unlinksUnknown[i];
  for (const auto &kv : tu.calls)
    calls[kv.first].insert(calls[kv.first].end(), kv.second.begin(), kv.second.end());
  for (const auto &kv : tu.mainEarly)
    mainEarly[kv.first].insert(mainEarly[kv.first].end(), kv.second.begin(), kv.second.end());
  startsDirectly.insert(tu.startsThreadsDirectly.begin(), tu.startsThreadsDirectly.end());
  for (const std::string &k : tu.startsThreadsDirectly)
    keepSmallest(threadStartPlace[k], tu.threadsWhere);
  addressTaken.insert(tu.addressTaken.begin(), tu.addressTaken.end());
  threadsAtStart |= tu.threadsAtStart;
  for (const auto &kv : tu.sharedStorage)
    storage[kv.first] |= kv.second;
}

void ProgramSummaries::finish() {
  // Facts that hold if functions of other files never return: each round confirms at least one
  // more, so this ends.
  auto allNeverReturn = [&](const std::vector<std::string> &keys) {
    for (const std::string &k : keys) {
      auto it = functions.find(k);
      if (it == functions.end() || !(it->second.facts & FactNeverReturns))
        return false;
    }
    return true;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (auto &kv : functions) {
      FunctionSummary &f = kv.second;
      if ((f.facts & FactNeverReturnsIf) && !(f.facts & FactNeverReturns) &&
          allNeverReturn(f.noReturnIf)) {
        f.facts |= FactNeverReturns;
        changed = true;
      }
      if ((f.facts & FactWrapperNeverFailsIf) && !(f.facts & FactWrapperNeverFails) &&
          allNeverReturn(f.neverFailsIf)) {
        f.facts |= FactWrapperNeverFails;
        changed = true;
      }
      if ((f.facts & FactNeverReturns) && !(f.facts & FactCallsExit))
        for (const std::string &k : f.noReturnIf)
          if (auto it = functions.find(k);
              it != functions.end() && (it->second.facts & FactCallsExit)) {
            f.facts |= FactCallsExit;
            changed = true;
            break;
          }
    }
  }

  // A function returning the result of a wrapper is one: iterate to the fixpoint (each round
  // marks at least one more function, so this ends). The same for shared memory.
  for (bool changed = true; changed;) {
    changed = false;
    for (auto &kv : functions) {
      FunctionSummary &f = kv.second;
      for (const std::string &callee : f.returnsResultOf) {
        auto it = functions.find(callee);
        if (it == functions.end())
          continue;
        uint32_t add = 0;
        if (it->second.facts & FactForkWrapper)
          add |= FactForkWrapper | (it->second.facts & FactWrapperDivertsChild);
        add |= it->second.facts &
               (FactReturnsShared | FactReturnsSharedAnonymous | FactReturnsSharedAttached);
        if ((f.facts | add) != f.facts) {
          f.facts |= add;
          changed = true;
        }
      }
    }
  }

  // Thread order: a function starts threads when it or a function it calls does.
  callers.clear();
  std::set<std::string> calledOtherThanByMain;
  for (const auto &kv : calls)
    for (const std::string &callee : kv.second) {
      callers[callee].push_back(&kv.first);
      if (!llvm::StringRef(kv.first).starts_with("main:"))
        calledOtherThanByMain.insert(callee);
    }
  starts = startsDirectly;
  std::vector<std::string> work(starts.begin(), starts.end());
  while (!work.empty()) {
    std::string k = std::move(work.back());
    work.pop_back();
    for (const std::string *caller : callers[k])
      if (starts.insert(*caller).second)
        work.push_back(*caller);
  }
  // Calls from initializers are recorded under the empty key.
  if (starts.count(""))
    threadsAtStart = true;
  early.clear();
  if (threadsAtStart)
    return;
  for (const auto &kv : mainEarly) {
    if (calledOtherThanByMain.count(kv.first))
      continue;
    if (addressTaken.count(kv.first))
      continue;
    bool threadBefore = false;
    for (const std::string &before : kv.second)
      threadBefore |= before.empty() || starts.count(before);
    if (!threadBefore)
      early.insert(kv.first);
  }
}

// Through direct calls. Calls from initializers ("") are left out: every TU has them, they
// connect unrelated programs.
std::set<std::string> ProgramSummaries::callerChain(const std::string &from) const {
  std::set<std::string> seen{from};
  std::vector<std::string> work{from};
  while (!work.empty()) {
    std::string k = std::move(work.back());
    work.pop_back();
    auto it = callers.find(k);
    if (it == callers.end())
      continue;
    for (const std::string *c : it->second)
      if (!c->empty() && seen.insert(*c).second)
        work.push_back(*c);
  }
  return seen;
}

std::string ProgramSummaries::threadsInProgramOf(llvm::StringRef forkKey,
                                                 llvm::StringRef forkFile) const {
  if (threads.empty())
    return {};
  if (threadsAtStart)
    return threads; // a static initializer starts one: say so wherever the fork is
  const std::set<std::string> forkChain = callerChain(forkKey.str());
  std::string found;
  for (const auto &[starter, place] : threadStartPlace) {
    bool counts = llvm::StringRef(starter).starts_with("main:") && starter.substr(5) == forkFile;
    // A starter no main() of the database leads to is a library's: any program may call it.
    bool inSomeProgram = false;
    if (!counts)
      for (const std::string &k : callerChain(starter)) {
        inSomeProgram |= llvm::StringRef(k).starts_with("main:");
        if (forkChain.count(k)) {
          counts = true;
          break;
        }
      }
    counts |= !inSomeProgram;
    if (counts)
      keepSmallest(found, place);
  }
  return found;
}

std::string ProgramSummaries::exitHandlerBefore(llvm::StringRef forkKey,
                                                llvm::StringRef forkFile) const {
  if (exitHandlers.empty())
    return {};
  const std::set<std::string> forkChain = callerChain(forkKey.str());
  std::string found;
  for (const auto &[registrar, wheres] : exitHandlers) {
    llvm::StringRef r(registrar);
    bool counts = false;
    if (r.consume_front("static:"))
      // Static scope of a file without main(), of the forking file, or of the file whose main()
      // leads to the fork: linked into this program.
      counts = r.empty() || r == forkFile || forkChain.count("main:" + r.str());
    else if (r.starts_with("main:") && r.drop_front(5) == forkFile)
      counts = true; // main() of the forking file's own program, whatever calls the fork
    else
      for (const std::string &k : callerChain(registrar))
        if (forkChain.count(k)) {
          counts = true;
          break;
        }
    if (counts)
      for (const std::string &w : wheres)
        keepSmallest(found, w);
  }
  return found;
}

const FunctionSummary *ProgramSummaries::function(llvm::StringRef usr) const {
  auto it = functions.find(usr.str());
  return it == functions.end() ? nullptr : &it->second;
}

bool ProgramSummaries::mayUnlink(const IpcNameText &created) const {
  if (created.family < 0 || created.family > 2)
    return false;
  if (unlinksUnknown[created.family])
    return true;
  for (const IpcNameText &u : unlinked) {
    if (u.family != created.family)
      continue;
    if (!created.prefix && !u.prefix && u.text == created.text)
      return true;
    if (u.prefix && prefixOf(u.text, created.text))
      return true;
    if (created.prefix && prefixOf(created.text, u.text))
      return true;
  }
  return false;
}

// Questions are strings: a kind letter, then the function's USR or the name asked about.
std::string ProgramView::answer(const ProgramSummaries *t, const std::string &q) {
  if (!t)
    return {};
  llvm::StringRef rest = llvm::StringRef(q).drop_front(2);
  switch (q[0]) {
  case 'W': {
    const FunctionSummary *f = t->function(rest);
    if (!f || !(f->facts & FactForkWrapper))
      return {};
    return std::string(f->facts & FactWrapperDivertsChild ? "diverts" : "wrapper") +
           (f->facts & FactWrapperNeverFails ? ",nofail" : "");
  }
  case 'N': {
    const FunctionSummary *f = t->function(rest);
    return f && (f->facts & FactNeverReturns) ? "noreturn" : "";
  }
  case 'F': {
    auto [index, usr] = rest.split(':');
    unsigned i = 0;
    const FunctionSummary *f = t->function(usr);
    if (index.getAsInteger(10, i) || i >= 32 || !f || !(f->fdParams & (1u << i)))
      return {};
    unsigned effect = FdKnown;
    if (f->closesParam & (1u << i))
      effect |= FdCloses;
    if (f->drainsParam & (1u << i))
      effect |= FdDrains;
    if (f->keepsParam & (1u << i))
      effect |= FdKeeps;
    return std::to_string(effect);
  }
  case 'M': {
    const FunctionSummary *f = t->function(rest);
    return f && (f->facts & FactReturnsShared)
               ? std::to_string(f->facts & (FactReturnsShared | FactReturnsSharedAnonymous |
                                            FactReturnsSharedAttached))
               : "";
  }
  case 'D': {
    uint32_t bits = t->sharedStorage(rest);
    return bits ? std::to_string(bits) : "";
  }
  case 'S':
    return t->startsThreads(rest) ? "threads" : "";
  case 'E':
    return t->earlyOnly(rest) ? "early" : "";
  case 'x': {
    const FunctionSummary *f = t->function(rest);
    return f && (f->facts & FactCallsExit) ? "exit" : "";
  }
  case 'h': {
    auto [key, file] = rest.split('\x1f');
    return t->exitHandlerBefore(key, file);
  }
  case 'R':
    return t->reapsWhere();
  case 'T':
    return t->threadsWhere();
  case 't': {
    auto [key, file] = rest.split('\x1f');
    return t->threadsInProgramOf(key, file);
  }
  case 'U': {
    IpcNameText n;
    n.family = rest.front() - '0';
    n.prefix = rest.drop_front().front() == 'p';
    n.text = rest.drop_front(3).str();
    return t->mayUnlink(n) ? "unlinked" : "";
  }
  default:
    return {};
  }
}

std::string ProgramView::ask(const std::string &question) {
  auto it = log.asked.find(question);
  if (it != log.asked.end())
    return it->second;
  const ProgramSummaries *t = table;
  if (!t && (question[0] == 'S' || question[0] == 'E' || question[0] == 'h'))
    t = localOrder.get();
  std::string a = answer(t, question);
  log.asked.emplace(question, a);
  return a;
}

bool ProgramQuestions::answersDiffer(const ProgramSummaries *other) const {
  for (const auto &kv : asked)
    if (ProgramView::answer(other, kv.first) != kv.second)
      return true;
  return false;
}

std::string ProgramView::externalKey(const FunctionDecl *fd, const SourceManager &sm) {
  // Only functions defined in another file: declared here without a body, visible to the linker.
  if (!fd || fd->hasBody() || !fd->isExternallyVisible() || fd->isTemplateInstantiation())
    return {};
  return functionKey(fd, sm);
}

bool ProgramView::isForkWrapper(const FunctionDecl *fd, const SourceManager &sm, bool &divertsChild,
                                bool *neverFails) {
  divertsChild = false;
  if (neverFails)
    *neverFails = false;
  std::string key = externalKey(fd, sm);
  if (key.empty())
    return false;
  std::string a = ask("W:" + key);
  divertsChild = llvm::StringRef(a).starts_with("diverts");
  if (neverFails)
    *neverFails = llvm::StringRef(a).ends_with(",nofail");
  return !a.empty();
}

namespace {

void splitNames(llvm::StringRef list, std::set<std::string> &into) {
  for (llvm::StringRef p : llvm::split(list, ';'))
    for (llvm::StringRef q : llvm::split(p, ','))
      if (!q.trim().empty())
        into.insert(q.trim().str());
}

bool namedIn(const FunctionDecl *fd, const std::set<std::string> &names) {
  if (!fd || names.empty() || !fd->getIdentifier())
    return false;
  return names.count(fd->getName().str()) || names.count(fd->getQualifiedNameAsString());
}

} // namespace

void ProgramView::configure(llvm::StringRef forkFunctions, llvm::StringRef noReturnFunctions) {
  splitNames(forkFunctions, forkNames);
  splitNames(noReturnFunctions, noReturnNames);
}

bool ProgramView::configuredFork(const FunctionDecl *fd) const { return namedIn(fd, forkNames); }

bool ProgramView::configuredNoReturn(const FunctionDecl *fd) const {
  return namedIn(fd, noReturnNames);
}

bool ProgramView::neverReturns(const FunctionDecl *fd, const SourceManager &sm) {
  std::string key = externalKey(fd, sm);
  return !key.empty() && !ask("N:" + key).empty();
}

namespace {

// A fact stored as a decimal number (bits of what is shared), 0 when absent or malformed.
uint32_t numberAnswer(const std::string &a) {
  unsigned v = 0;
  if (a.empty() || llvm::StringRef(a).getAsInteger(10, v))
    return 0;
  return v;
}

} // namespace

unsigned ProgramView::fdParamEffect(const FunctionDecl *fd, unsigned i, const SourceManager &sm) {
  std::string key = externalKey(fd, sm);
  if (key.empty() || i >= 32)
    return 0;
  return numberAnswer(ask("F:" + std::to_string(i) + ":" + key));
}

std::string ProgramView::functionKey(const FunctionDecl *fd, const SourceManager &sm) {
  if (!fd || !fd->getIdentifier() || fd->getBuiltinID())
    return {};
  SourceLocation loc = fd->getCanonicalDecl()->getLocation();
  if (loc.isInvalid() || sm.isInSystemHeader(sm.getExpansionLoc(loc)))
    return {};
  llvm::SmallString<128> usr;
  if (index::generateUSRForDecl(fd, usr))
    return {};
  return std::string(usr);
}

bool ProgramView::startsThreads(const FunctionDecl *fd, const SourceManager &sm) {
  std::string key = functionKey(fd, sm);
  return !key.empty() && !ask("S:" + key).empty();
}

bool ProgramView::earlyOnly(const FunctionDecl *fd, const SourceManager &sm) {
  std::string key = functionKey(fd, sm);
  return !key.empty() && !ask("E:" + key).empty();
}

uint32_t ProgramView::returnsShared(const FunctionDecl *fd, const SourceManager &sm) {
  std::string key = externalKey(fd, sm);
  return key.empty() ? 0 : numberAnswer(ask("M:" + key));
}

namespace {

// The key of a struct field or a global variable of the program's own code (what other files
// can name), for shared-memory facts.
std::string storageKey(const ValueDecl *d, const SourceManager &sm) {
  if (!d || !d->getIdentifier())
    return {};
  if (const auto *vd = dyn_cast<VarDecl>(d)) {
    if (!vd->hasGlobalStorage() || !vd->isExternallyVisible() || vd->isStaticLocal())
      return {};
  } else if (const auto *fd = dyn_cast<FieldDecl>(d)) {
    if (!fd->getParent()->getIdentifier() && !fd->getParent()->getTypedefNameForAnonDecl())
      return {};
  } else {
    return {};
  }
  QualType t = d->getType();
  if (!t->isPointerType())
    return {};
  SourceLocation loc = d->getLocation();
  if (loc.isInvalid() || sm.isInSystemHeader(sm.getExpansionLoc(loc)))
    return {};
  llvm::SmallString<128> usr;
  if (index::generateUSRForDecl(d, usr))
    return {};
  return std::string(usr);
}

} // namespace

uint32_t ProgramView::holdsShared(const ValueDecl *d, const SourceManager &sm) {
  std::string key = storageKey(d, sm);
  return key.empty() ? 0 : numberAnswer(ask("D:" + key));
}

std::string ProgramView::reapsElsewhere() { return ask("R:"); }
// A lambda runs where it is made, as a rule: the function that makes it stands for it.
std::string ProgramView::programFunctionKey(const FunctionDecl *fd, const SourceManager &sm) {
  while (const auto *md = dyn_cast_or_null<CXXMethodDecl>(fd)) {
    if (!md->getParent()->isLambda())
      break;
    fd = dyn_cast<FunctionDecl>(md->getParent()->getDeclContext());
  }
  return fd && fd->isMain() ? mainKey(sm) : functionKey(fd, sm);
}

std::string ProgramView::exitHandlerBefore(const FunctionDecl *fd, const SourceManager &sm) {
  std::string key = programFunctionKey(fd, sm);
  if (key.empty())
    return {};
  return ask("h:" + key + '\x1f' + mainKey(sm).substr(5));
}

bool ProgramView::callsExit(const FunctionDecl *fd, const SourceManager &sm) {
  std::string key = externalKey(fd, sm);
  return !key.empty() && !ask("x:" + key).empty();
}
std::string ProgramView::threadsElsewhere() { return ask("T:"); }
std::string ProgramView::threadsInProgramOf(const FunctionDecl *fd, const SourceManager &sm) {
  std::string key = programFunctionKey(fd, sm);
  if (key.empty())
    return threadsElsewhere(); // no key to follow: any thread of the database
  return ask("t:" + key + '\x1f' + mainKey(sm).substr(5));
}

bool ProgramView::mayUnlinkElsewhere(const IpcNameText &created) {
  return !ask("U:" + std::to_string(created.family) + (created.prefix ? "p:" : "l:") + created.text)
              .empty();
}

const std::vector<const Expr *> &ProgramView::threadStarts(ASTContext &ctx) {
  if (!threadStartsCache)
    threadStartsCache = std::make_unique<std::vector<const Expr *>>(findThreadStarts(ctx));
  return *threadStartsCache;
}

namespace {

// Calls that start a thread.
bool startsThread(const Expr *e) {
  if (const auto *call = dyn_cast<CallExpr>(e)) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd || !fd->getIdentifier())
      return false;
    StringRef name = fd->getName();
    if (name == "pthread_create" || name == "thrd_create")
      return true;
    return name == "async" && fd->isInStdNamespace();
  }
  if (const auto *ctor = dyn_cast<CXXConstructExpr>(e)) {
    const CXXRecordDecl *rd = ctor->getConstructor()->getParent();
    return rd->isInStdNamespace() && rd->getIdentifier() &&
           (rd->getName() == "thread" || rd->getName() == "jthread") && ctor->getNumArgs() > 0 &&
           !ctor->getConstructor()->isCopyOrMoveConstructor();
  }
  return false;
}

// Thread starts in the program's own code (library internals that wrap pthread_create are not
// calls the program makes).
class ThreadStarts : public RecursiveASTVisitor<ThreadStarts> {
public:
  explicit ThreadStarts(const SourceManager &sm) : sm(sm) {}
  bool VisitCallExpr(CallExpr *e) { return note(e); }
  bool VisitCXXConstructExpr(CXXConstructExpr *e) { return note(e); }
  std::vector<const Expr *> found;

private:
  bool note(const Expr *e) {
    if (startsThread(e) && !sm.isInSystemHeader(sm.getExpansionLoc(e->getBeginLoc())))
      found.push_back(e);
    return true;
  }
  const SourceManager &sm;
};

// Function definitions with external linkage, found through the declaration contexts only (no
// statement is visited).
void collectDefinitions(const DeclContext *dc, const SourceManager &sm,
                        std::vector<const FunctionDecl *> &out) {
  for (const Decl *d : dc->decls()) {
    if (const auto *fd = dyn_cast<FunctionDecl>(d)) {
      if (fd->doesThisDeclarationHaveABody() && fd->isExternallyVisible() &&
          !fd->isDependentContext() && fd->getIdentifier() &&
          !sm.isInSystemHeader(sm.getExpansionLoc(fd->getLocation())))
        out.push_back(fd);
      continue;
    }
    if (isa<NamespaceDecl>(d) || isa<LinkageSpecDecl>(d) || isa<ExportDecl>(d))
      collectDefinitions(cast<DeclContext>(d), sm, out);
    else if (const auto *rd = dyn_cast<CXXRecordDecl>(d);
             rd && rd->isThisDeclarationADefinition() && !rd->isDependentContext())
      collectDefinitions(rd, sm, out);
  }
}

// The function calls the C library's exit(), itself or through this TU's functions.
bool callsExitHere(const FunctionDecl *fd, const SourceManager &sm) {
  CallChainQuery query;
  query.match = [](const Expr *e) -> std::string {
    const auto *call = dyn_cast<CallExpr>(e);
    const FunctionDecl *callee = call ? call->getDirectCallee() : nullptr;
    return callee && callee->getIdentifier() && callee->getName() == "exit" &&
                   (callee->isExternC() ||
                    callee->getDeclContext()->getRedeclContext()->isTranslationUnit() ||
                    callee->getDeclContext()->getRedeclContext()->isStdNamespace())
               ? "exit"
               : "";
  };
  return findThroughCalls(fd, sm, query).found();
}

bool hasReturnStatement(const FunctionDecl *fd) {
  struct Finder : RecursiveASTVisitor<Finder> {
    bool found = false;
    bool VisitReturnStmt(ReturnStmt *) {
      found = true;
      return false;
    }
    bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  } finder;
  finder.TraverseStmt(fd->getBody());
  return finder.found;
}

bool isFdType(QualType t) {
  t = t.getCanonicalType();
  return t->isIntegerType() && !t->isBooleanType() && !t->isAnyCharacterType();
}

} // namespace

std::vector<const Expr *> findThreadStarts(ASTContext &ctx) {
  ThreadStarts finder(ctx.getSourceManager());
  finder.TraverseDecl(ctx.getTranslationUnitDecl());
  return finder.found;
}

bool ipcNameText(ASTContext &ctx, const UseIndex &uses, const Expr *arg, IpcNameText &out) {
  const Expr *e = arg->IgnoreParenImpCasts();
  if (const auto *lit = dyn_cast<StringLiteral>(e)) {
    out.text = lit->getString().str();
    out.prefix = false;
    return true;
  }
  const auto *vd = dyn_cast_or_null<VarDecl>(storageOf(e));
  if (!vd || !isa<DeclRefExpr>(e))
    return false;
  if (const Expr *init = vd->getInit())
    if (const auto *lit = dyn_cast<StringLiteral>(init->IgnoreParenImpCasts())) {
      out.text = lit->getString().str();
      out.prefix = false;
      return true;
    }
  // snprintf(buf, n, "/name-%d", ...) / sprintf(buf, "/name-%d", ...): the format's constant
  // start. Two formats that disagree leave the name unknown.
  bool found = false;
  for (const Expr *ref : uses.referencesTo(vd)) {
    ValueUse use = classifyUse(ctx, ref);
    if (use.kind != ValueUse::Argument || use.argIndex != 0)
      continue;
    const FunctionDecl *fd = use.call->getDirectCallee();
    if (!fd || !fd->getIdentifier())
      continue;
    StringRef n = fd->getName();
    unsigned formatIndex = n == "sprintf" ? 1 : n == "snprintf" ? 2 : 0;
    if (!formatIndex || use.call->getNumArgs() <= formatIndex)
      continue;
    const auto *fmt = dyn_cast<StringLiteral>(use.call->getArg(formatIndex)->IgnoreParenImpCasts());
    if (!fmt)
      return false;
    StringRef text = fmt->getString();
    size_t percent = text.find('%');
    IpcNameText t;
    t.family = out.family;
    t.prefix = percent != StringRef::npos;
    t.text = text.substr(0, percent).str();
    if (t.prefix && t.text.empty())
      return false;
    if (found && !(t == out))
      return false;
    out = t;
    found = true;
  }
  return found;
}

TUSummary summarizeTranslationUnit(AnalysisContext &ctx, llvm::StringRef file) {
  TUSummary tu;
  tu.file = file.str();
  ASTContext &ast = ctx.ast();
  const SourceManager &sm = ast.getSourceManager();
  const UseIndex &uses = ctx.uses();
  const ForkSiteModel &forks = ctx.forkSites();
  const WaitModel &waits = ctx.waits();
  FunctionSummaries &summaries = ctx.summaries();
  ProgramView &view = ctx.program();

  std::vector<const FunctionDecl *> defs;
  collectDefinitions(ast.getTranslationUnitDecl(), sm, defs);
  if (!defs.empty()) {
    llvm::DenseMap<const FunctionDecl *, FunctionSummary> facts;
    auto entry = [&](const FunctionDecl *fd) -> FunctionSummary * {
      if (!fd)
        return nullptr;
      const FunctionDecl *def = nullptr;
      if (!fd->hasBody(def) || !def)
        return nullptr;
      return &facts[def];
    };
    // Functions that may never return: they call a noreturn function, or one of these.
    std::set<const FunctionDecl *> noReturnCandidates;
    std::vector<std::pair<const FunctionDecl *, const FunctionDecl *>> localCalls; // callee, in
    llvm::DenseMap<const FunctionDecl *, bool> returnsSomewhere;
    for (const CallExpr *call : uses.allCalls()) {
      const FunctionDecl *callee = call->getDirectCallee();
      if (callee->isNoReturn() || callee->hasBody()) {
        const FunctionDecl *in = enclosingFunction(ast, call);
        if (in && callee->isNoReturn())
          noReturnCandidates.insert(in->getCanonicalDecl());
        else if (in)
          localCalls.push_back({callee->getCanonicalDecl(), in->getCanonicalDecl()});
        continue;
      }
      std::string key = ProgramView::externalKey(callee, sm);
      if (key.empty())
        continue;
      // A function that calls one of another file and has no return statement may never
      // return (die() -> xfunc_die() -> exit()): the merge decides.
      if (const FunctionDecl *in = enclosingFunction(ast, call)) {
        auto [it, added] = returnsSomewhere.try_emplace(in->getCanonicalDecl(), false);
        if (added)
          it->second = hasReturnStatement(in);
        if (!it->second)
          noReturnCandidates.insert(in->getCanonicalDecl());
      }
      // `return wrapper();` or `pid = wrapper(); ... return pid;` with the wrapper elsewhere
      // (a fork wrapper, or a function returning shared memory).
      if (!callee->getReturnType()->isIntegerType() && !callee->getReturnType()->isPointerType())
        continue;
      ValueUse use = classifyUse(ast, call);
      bool returned = use.kind == ValueUse::Returned;
      if (use.kind == ValueUse::StoredTo && use.target)
        for (const Expr *ref : uses.referencesTo(use.target))
          returned |= classifyUse(ast, ref).kind == ValueUse::Returned;
      if (returned)
        if (FunctionSummary *s = entry(enclosingFunction(ast, call)))
          s->returnsResultOf.push_back(key);
    }
    for (bool grew = !noReturnCandidates.empty(); grew;) {
      grew = false;
      for (const auto &[callee, in] : localCalls)
        if (noReturnCandidates.count(callee) && noReturnCandidates.insert(in).second)
          grew = true;
    }
    // Answers that hold if the functions of other files they call never return.
    FunctionSummaries optimistic(ast);
    optimistic.setProgram(&view);
    optimistic.assumeOtherFilesNeverReturn();
    // Fork wrappers that never return -1 (their error path ends in a function that never
    // returns), in the order of the fork-site model (inner wrappers first).
    llvm::DenseMap<const FunctionDecl *, std::pair<uint32_t, std::set<std::string>>> wrapperFacts;
    for (const ForkSite &site : forks.sites()) {
      if (!site.returned || !site.enclosing || site.roleValues)
        continue;
      std::set<std::string> keys;
      optimistic.pushCollector(&keys);
      ForkRegion region(site, optimistic);
      optimistic.popCollector();
      auto &entry = wrapperFacts[site.enclosing->getCanonicalDecl()];
      if (!region.valid() || region.errorReachesExit() || (entry.first & 1u << 31)) {
        entry = {1u << 31, {}}; // some fork of it may return -1
        continue;
      }
      entry.second.insert(keys.begin(), keys.end());
      entry.first = entry.second.empty() ? FactWrapperNeverFails : FactWrapperNeverFailsIf;
    }
    for (auto &kv : wrapperFacts)
      if (kv.second.first & 1u << 31)
        kv.second.first = 0;
    for (const WaitCall &w : waits.calls()) {
      const auto *param = w.pid ? dyn_cast_or_null<ParmVarDecl>(storageOf(w.pid)) : nullptr;
      if (param && w.enclosing && param->getDeclContext() == w.enclosing &&
          param->getFunctionScopeIndex() < 32)
        if (FunctionSummary *s = entry(w.enclosing))
          s->reapsParam |= 1u << param->getFunctionScopeIndex();
    }
    for (const FunctionDecl *fd : defs) {
      FunctionSummary s = facts.lookup(fd);
      if (forks.isForkWrapper(fd)) {
        s.facts |= FactForkWrapper;
        if (forks.wrapperDivertsChild(fd))
          s.facts |= FactWrapperDivertsChild;
      }
      if (noReturnCandidates.count(fd->getCanonicalDecl())) {
        if (summaries.neverReturns(fd)) {
          s.facts |= FactNeverReturns;
        } else if (optimistic.neverReturns(fd)) {
          const std::set<std::string> &keys = optimistic.reliedOn(fd);
          s.facts |= keys.empty() ? (uint32_t)FactNeverReturns : (uint32_t)FactNeverReturnsIf;
          s.noReturnIf.assign(keys.begin(), keys.end());
        }
        if ((s.facts & (FactNeverReturns | FactNeverReturnsIf)) && callsExitHere(fd, sm))
          s.facts |= FactCallsExit;
      }
      if (auto it = wrapperFacts.find(fd->getCanonicalDecl()); it != wrapperFacts.end()) {
        s.facts |= it->second.first;
        s.neverFailsIf.assign(it->second.second.begin(), it->second.second.end());
      }
      if (fd->getReturnType()->isPointerType())
        if (const SharedOrigin *o = ctx.sharedMemory().declOrigin(fd)) {
          s.facts |= FactReturnsShared;
          if (o->anonymous)
            s.facts |= FactReturnsSharedAnonymous;
          if (o->attachedByName)
            s.facts |= FactReturnsSharedAttached;
        }
      for (unsigned i = 0; i < fd->getNumParams() && i < 32; ++i) {
        const ParmVarDecl *p = fd->getParamDecl(i);
        if (!p->getIdentifier() || !isFdType(p->getType()))
          continue;
        unsigned effect = fdParamEffect(ast, uses, &view, fd, i);
        s.fdParams |= 1u << i;
        if (effect & ProgramView::FdCloses)
          s.closesParam |= 1u << i;
        if (effect & ProgramView::FdDrains)
          s.drainsParam |= 1u << i;
        if (effect & ProgramView::FdKeeps)
          s.keepsParam |= 1u << i;
      }
      if (!s.facts && !s.fdParams && !s.reapsParam && s.returnsResultOf.empty())
        continue;
      llvm::SmallString<128> usr;
      if (index::generateUSRForDecl(fd, usr))
        continue;
      s.name = fd->getQualifiedNameAsString();
      s.where = placeOf(sm, fd->getLocation());
      std::sort(s.returnsResultOf.begin(), s.returnsResultOf.end());
      tu.functions[std::string(usr)].merge(s);
    }
  }

  if (waits.reapsElsewhere()) {
    tu.reapsWhere = placeOf(sm, sm.getLocForStartOfFile(sm.getMainFileID()));
    for (const WaitCall &w : waits.calls())
      if (w.anyChild) {
        tu.reapsWhere = placeOf(sm, w.call->getBeginLoc());
        break;
      }
  }
  const std::vector<const Expr *> &threads = view.threadStarts(ast);
  if (!threads.empty())
    tu.threadsWhere = placeOf(sm, threads.front()->getBeginLoc());

  for (const CallExpr *call : uses.allCalls()) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd->getIdentifier() || call->getNumArgs() < 1)
      continue;
    bool isUnlink = false;
    int family = ipcFamily(fd->getName(), isUnlink);
    if (family < 0 || !isUnlink || !sm.isInSystemHeader(fd->getCanonicalDecl()->getLocation()))
      continue;
    IpcNameText n;
    n.family = family;
    if (ipcNameText(ast, uses, call->getArg(0), n))
      tu.unlinked.push_back(n);
    else
      tu.unlinksUnknown[family] = true;
  }
  std::sort(tu.unlinked.begin(), tu.unlinked.end());
  // Fields and globals that receive shared memory here (not those seeded from other files).
  const SharedMemoryModel &shm = ctx.sharedMemory();
  if (!shm.empty())
    for (const auto &[d, o] : shm.sharedDecls()) {
      if (o->fromOtherFile)
        continue;
      std::string key = storageKey(dyn_cast<ValueDecl>(d), sm);
      if (key.empty())
        continue;
      tu.sharedStorage[key] |= FactReturnsShared |
                               (o->anonymous ? (uint32_t)FactReturnsSharedAnonymous : 0u) |
                               (o->attachedByName ? (uint32_t)FactReturnsSharedAttached : 0u);
    }
  summarizeThreadOrder(ctx, tu);
  return tu;
}

namespace {} // namespace

bool callsThatMayPrecede(AnalysisContext &ctx, const FunctionDecl *fd, const Stmt *target,
                         std::vector<const FunctionDecl *> &out) {
  const CFG *cfg = ctx.summaries().cfgFor(fd);
  if (!cfg)
    return false;
  const CFGBlock *at = nullptr;
  unsigned index = 0;
  for (const CFGBlock *b : *cfg) {
    unsigned i = 0;
    for (const CFGElement &el : *b) {
      if (auto cs = el.getAs<CFGStmt>(); cs && cs->getStmt() == target) {
        at = b;
        index = i;
        break;
      }
      ++i;
    }
    if (at)
      break;
  }
  if (!at)
    return false;
  const SourceManager &sm = ctx.sourceManager();
  const std::vector<const Expr *> &threads = ctx.program().threadStarts(ctx.ast());
  auto note = [&](const CFGElement &el) {
    auto cs = el.getAs<CFGStmt>();
    if (!cs)
      return;
    const auto *e = dyn_cast<Expr>(cs->getStmt());
    if (!e)
      return;
    if (std::find(threads.begin(), threads.end(), e) != threads.end()) {
      out.push_back(nullptr);
      return;
    }
    if (const auto *call = dyn_cast<CallExpr>(e))
      if (const FunctionDecl *callee = call->getDirectCallee())
        if (!ProgramView::functionKey(callee, sm).empty())
          out.push_back(callee);
  };
  std::vector<bool> seen(cfg->getNumBlockIDs(), false);
  std::vector<const CFGBlock *> work;
  for (const CFGBlock *p : at->preds())
    if (p && !seen[p->getBlockID()]) {
      seen[p->getBlockID()] = true;
      work.push_back(p);
    }
  while (!work.empty()) {
    const CFGBlock *b = work.back();
    work.pop_back();
    for (const CFGBlock *p : b->preds())
      if (p && !seen[p->getBlockID()]) {
        seen[p->getBlockID()] = true;
        work.push_back(p);
      }
  }
  for (const CFGBlock *b : *cfg) {
    if (b == at && !seen[b->getBlockID()]) {
      unsigned i = 0;
      for (const CFGElement &el : *b)
        if (i++ < index)
          note(el);
      continue;
    }
    if (seen[b->getBlockID()])
      for (const CFGElement &el : *b)
        note(el);
  }
  return true;
}

void summarizeThreadOrder(AnalysisContext &ctx, TUSummary &tu) {
  ASTContext &ast = ctx.ast();
  const SourceManager &sm = ast.getSourceManager();
  const UseIndex &uses = ctx.uses();
  const FunctionDecl *mainFn = nullptr;
  llvm::DenseMap<const FunctionDecl *, std::string> keys;
  auto keyOf = [&](const FunctionDecl *fd) -> const std::string & {
    auto [it, added] = keys.try_emplace(fd->getCanonicalDecl());
    if (added)
      it->second = ProgramView::functionKey(fd, sm);
    return it->second;
  };
  for (const CallExpr *call : uses.allCalls()) {
    std::string callee = keyOf(call->getDirectCallee());
    const FunctionDecl *in = enclosingFunction(ast, call);
    if (callee.empty() || (in && sm.isInSystemHeader(sm.getExpansionLoc(call->getBeginLoc()))))
      continue;
    if (isMainFunction(in))
      mainFn = in;
    // Calls from initializers are recorded under "", calls from main() under "main:<file>".
    std::string caller = !in ? std::string() : isMainFunction(in) ? mainKey(sm) : keyOf(in);
    tu.calls[caller].push_back(callee);
  }
  for (const Expr *t : ctx.program().threadStarts(ast)) {
    const FunctionDecl *in = enclosingFunction(ast, t);
    // main() under its program's key, as in the call graph: every main() has the same USR.
    if (!in)
      tu.threadsAtStart = true;
    else if (isMainFunction(in))
      tu.startsThreadsDirectly.push_back(mainKey(sm));
    else if (std::string k = ProgramView::functionKey(in, sm); !k.empty())
      tu.startsThreadsDirectly.push_back(k);
  }
  // Functions named other than as the callee of a call (a thread's start routine, a handler, a
  // table of callbacks): they may run at any time.
  llvm::DenseMap<const FunctionDecl *, unsigned> refCount;
  uses.forEachReference([&](const ValueDecl *d, size_t n) {
    if (const auto *fd = dyn_cast<FunctionDecl>(d))
      refCount[fd->getCanonicalDecl()] += n;
  });
  for (const auto &kv : refCount)
    if (kv.second > uses.callsTo(kv.first).size())
      if (std::string k = ProgramView::functionKey(kv.first, sm); !k.empty())
        tu.addressTaken.push_back(k);
  if (mainFn) {
    for (const CallExpr *call : uses.allCalls()) {
      if (enclosingFunction(ast, call) != mainFn)
        continue;
      std::string callee = keyOf(call->getDirectCallee());
      if (callee.empty())
        continue;
      std::vector<const FunctionDecl *> before;
      std::vector<std::string> &into = tu.mainEarly[callee];
      if (!callsThatMayPrecede(ctx, mainFn, call, before)) {
        into.push_back(std::string()); // no CFG: assume the worst
        continue;
      }
      for (const FunctionDecl *b : before)
        into.push_back(b ? keyOf(b) : std::string());
      addUnique(into);
    }
  }
  for (auto &kv : tu.calls)
    addUnique(kv.second);
  addUnique(tu.startsThreadsDirectly);
  addUnique(tu.addressTaken);
  bool definesMain = false;
  for (const Decl *d : ast.getTranslationUnitDecl()->decls())
    if (const auto *fd = dyn_cast<FunctionDecl>(d))
      definesMain |= fd->isMain() && fd->doesThisDeclarationHaveABody();
  for (const ExitHandlerSite &h : exitHandlersIn(ast, uses)) {
    std::string key;
    if (!h.registrar)
      key = "static:" + (definesMain ? mainKey(sm).substr(5) : std::string());
    else if (isMainFunction(h.registrar))
      key = mainKey(sm);
    else
      key = keyOf(h.registrar);
    if (h.registrar && key.empty())
      continue; // registered in library code
    tu.exitHandlers[key].push_back(placeOf(sm, h.at));
  }
  for (auto &kv : tu.exitHandlers)
    addUnique(kv.second);
}

std::string mainKey(const SourceManager &sm) {
  OptionalFileEntryRef f = sm.getFileEntryRefForID(sm.getMainFileID());
  return "main:" + (f ? f->getName().str() : std::string("?"));
}

void ensureLocalOrder(AnalysisContext &ctx) {
  ProgramView &view = ctx.program();
  if (view.hasLocalOrder())
    return;
  TUSummary own;
  summarizeThreadOrder(ctx, own);
  auto local = std::make_unique<ProgramSummaries>();
  local->add(own);
  local->finish();
  view.setLocalOrder(std::move(local));
}

int ipcFamily(StringRef name, bool &isUnlink) {
  isUnlink = name.ends_with("_unlink");
  StringRef base = isUnlink ? name.drop_back(7) : name.ends_with("_open") ? name.drop_back(5) : "";
  if (base == "shm")
    return 0;
  if (base == "sem")
    return 1;
  if (base == "mq")
    return 2;
  return -1;
}

} // namespace analyzer
} // namespace procsan
