#include "checks/LeakedIpcNameCheck.h"

#include "AnalysisContext.h"
#include "model/ProgramSummaries.h"
#include "model/UseIndex.h"

#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/SourceManager.h"

#include <fcntl.h>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

// How a name argument is known: its literal text, or the variable that holds it.
struct NameKey {
  std::string literal;
  const ValueDecl *storage = nullptr;
  bool known() const { return !literal.empty() || storage; }
};

NameKey keyOf(const Expr *arg) {
  NameKey k;
  const Expr *e = arg->IgnoreParenImpCasts();
  if (const auto *lit = dyn_cast<StringLiteral>(e)) {
    k.literal = lit->getString().str();
    return k;
  }
  // name_.c_str(), name.data(): the string object that holds the name (an RAII wrapper's
  // member).
  if (const auto *mc = dyn_cast<CXXMemberCallExpr>(e))
    if (const CXXMethodDecl *md = mc->getMethodDecl();
        md && md->getIdentifier() && mc->getNumArgs() == 0 &&
        (md->getName() == "c_str" || md->getName() == "data"))
      e = mc->getImplicitObjectArgument()->IgnoreParenImpCasts();
  k.storage = storageOf(e);
  return k;
}

} // namespace

void LeakedIpcNameCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const SourceManager &sm = ctx.sourceManager();
  struct Create {
    const CallExpr *call;
    int family;
    NameKey key;
  };
  std::vector<Create> creates;
  std::vector<std::pair<int, NameKey>> unlinks;
  bool unknownUnlink[3] = {false, false, false};
  TUSummary localNames; // the unlinked names as text, matched by constant prefix
  for (const CallExpr *call : ctx.uses().allCalls()) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd || !fd->getIdentifier() || call->getNumArgs() < 1)
      continue;
    bool isUnlink = false;
    int family = ipcFamily(fd->getName(), isUnlink);
    if (family < 0 || !sm.isInSystemHeader(fd->getCanonicalDecl()->getLocation()))
      continue; // only the C library's functions
    NameKey key = keyOf(call->getArg(0));
    if (isUnlink) {
      if (key.known())
        unlinks.push_back({family, key});
      else
        unknownUnlink[family] = true;
      IpcNameText text;
      text.family = family;
      if (ipcNameText(ctx.ast(), ctx.uses(), call->getArg(0), text))
        localNames.unlinked.push_back(text);
      continue;
    }
    Expr::EvalResult flags;
    if (call->getNumArgs() < 2 || !call->getArg(1)->EvaluateAsInt(flags, ctx.ast()) ||
        !(flags.Val.getInt().getExtValue() & O_CREAT))
      continue;
    if (sm.isInSystemHeader(sm.getExpansionLoc(call->getBeginLoc())))
      continue;
    creates.push_back({call, family, key});
  }
  static const char *const kinds[] = {"shared memory object", "named semaphore", "message queue"};
  static const char *const unlinkName[] = {"shm_unlink", "sem_unlink", "mq_unlink"};
  ProgramSummaries local;
  local.add(localNames);
  for (const Create &c : creates) {
    // Precision first: a name the model cannot read, or an unlink it cannot match, may be it.
    if (!c.key.known() || unknownUnlink[c.family])
      continue;
    bool unlinked = false;
    for (const auto &u : unlinks) {
      if (u.first != c.family)
        continue;
      if ((!c.key.literal.empty() && u.second.literal == c.key.literal) ||
          (c.key.storage && u.second.storage == c.key.storage) ||
          (c.key.storage && !u.second.literal.empty()) ||
          (!c.key.literal.empty() && u.second.storage))
        unlinked = true;
    }
    if (unlinked)
      continue;
    // An unlink in another file of the program (an atexit handler, a destructor, a cleanup
    // tool built from the same database): names built at run time match by their constant
    // prefix; a name the model cannot read matches any unlink of the family.
    IpcNameText text;
    text.family = c.family;
    bool readable = ipcNameText(ctx.ast(), ctx.uses(), c.call->getArg(0), text);
    if (readable && local.mayUnlink(text))
      continue;
    if (!readable) {
      text.text.clear();
      text.prefix = true;
    }
    if (ctx.program().mayUnlinkElsewhere(text))
      continue;
    std::string name = c.key.literal.empty() ? "'" + c.key.storage->getNameAsString() + "'"
                                             : "\"" + c.key.literal + "\"";
    Finding &f = diag(c.call->getBeginLoc(),
                      std::string(kinds[c.family]) + " " + name +
                          " is created but never unlinked: it outlives the program (and the "
                          "next run finds it); call " +
                          unlinkName[c.family] + "() once every process has opened it");
    (void)f;
  }
}

} // namespace analyzer
} // namespace procsan
