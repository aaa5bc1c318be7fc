#include "checks/NonportableIpcPayloadCheck.h"

#include "AnalysisContext.h"
#include "model/AsyncSignalSafety.h"
#include "model/ForkRegions.h"
#include "model/PostFork.h"
#include "model/SharedMemory.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSwitch.h"

#include <optional>

using namespace clang;

namespace procsan {
namespace analyzer {

namespace {

// The C library's own function (not a program function of the same name).
bool isLibrary(const FunctionDecl *fd, const SourceManager &sm) {
  return isLibraryFunction(fd, sm) && fd->getIdentifier();
}

bool isStdSync(const CXXRecordDecl *rd) {
  if (!rd->isInStdNamespace() || !rd->getIdentifier())
    return false;
  StringRef n = rd->getName();
  return n.ends_with("mutex") || n.starts_with("condition_variable") || n.ends_with("semaphore") ||
         n == "barrier" || n == "latch";
}

// Why the bytes of a value of type t mean nothing in another process, or nullopt when they are
// portable. With pointers == false only C++ objects count (a raw pointer may be an address the
// forked processes share).
std::optional<std::string> nonportable(QualType t, bool pointers, const PrintingPolicy &pp,
                                       unsigned depth = 0) {
  if (depth > 6)
    return std::nullopt;
  QualType written = t;
  t = t.getCanonicalType();
  while (const ArrayType *at = t->getAsArrayTypeUnsafe())
    t = at->getElementType().getCanonicalType();
  if (t->isFunctionPointerType())
    return std::nullopt; // code addresses are the same in forked processes
  if (t->isPointerType() || t->isReferenceType() || t->isMemberPointerType()) {
    if (!pointers)
      return std::nullopt;
    QualType pointee = t->getPointeeType();
    if (const RecordDecl *rd = pointee->getAsRecordDecl())
      if (rd->getIdentifier() && (rd->getName() == "_IO_FILE" || rd->getName() == "FILE"))
        return std::string("a FILE* (a pointer into this process's stdio)");
    return "a pointer ('" + written.getAsString(pp) + "')";
  }
  const RecordDecl *rd = t->getAsRecordDecl();
  if (!rd || !rd->getDefinition())
    return std::nullopt;
  rd = rd->getDefinition();
  if (const auto *cxx = dyn_cast<CXXRecordDecl>(rd)) {
    if (isStdSync(cxx))
      return std::nullopt; // mp-non-pshared-sync's business
    if (cxx->isPolymorphic())
      return "'" + written.getAsString(pp) + "', which has virtual functions (a vtable pointer)";
    if (cxx->isInStdNamespace() && !cxx->isTriviallyCopyable())
      return "'" + written.getAsString(pp) + "', which owns memory through pointers";
    for (const CXXBaseSpecifier &b : cxx->bases())
      if (auto why = nonportable(b.getType(), pointers, pp, depth + 1))
        return why;
  }
  for (const FieldDecl *f : rd->fields())
    if (auto why = nonportable(f->getType(), pointers, pp, depth + 1))
      return "'" + written.getAsString(pp) + "', whose member '" + f->getNameAsString() + "' is " +
             *why;
  if (const auto *cxx = dyn_cast<CXXRecordDecl>(rd))
    if (!cxx->isTriviallyCopyable())
      return "'" + written.getAsString(pp) + "', which is not trivially copyable";
  return std::nullopt;
}

// The type of the bytes a (pointer, length) argument sends, or null for a byte buffer.
QualType payloadType(const Expr *buffer) {
  const Expr *e = buffer->IgnoreParenCasts();
  QualType t;
  if (const auto *uo = dyn_cast<UnaryOperator>(e); uo && uo->getOpcode() == UO_AddrOf)
    t = uo->getSubExpr()->getType();
  else if (e->getType()->isPointerType())
    t = e->getType()->getPointeeType();
  else if (e->getType()->isArrayType())
    t = QualType(e->getType()->getArrayElementTypeNoTypeQual(), 0);
  if (t.isNull() || t->isVoidType() || t->isCharType() || t->isStdByteType())
    return QualType();
  return t;
}

// Calls that send bytes to another process: the index of the buffer argument, and whether the
// channel always crosses processes (queues) or only when the program is multiprocess.
struct SendCall {
  int buffer = -1;
  bool alwaysCrosses = false;
};

SendCall sendCall(StringRef name) {
  return llvm::StringSwitch<SendCall>(name)
      .Cases("write", "pwrite", "pwrite64", "send", "sendto", SendCall{1, false})
      .Cases("mq_send", "mq_timedsend", "msgsnd", SendCall{1, true})
      .Default(SendCall{});
}

// The calls that may have produced a file descriptor expression's value.
void fdSources(const Expr *fd, const SharedMemoryModel &values,
               std::vector<const CallExpr *> &out) {
  const Expr *e = fd->IgnoreParenImpCasts();
  if (const auto *ase = dyn_cast<ArraySubscriptExpr>(e))
    e = ase->getBase()->IgnoreParenImpCasts(); // p[1] of pipe(p)
  if (const auto *call = dyn_cast<CallExpr>(e)) {
    out.push_back(call);
    return;
  }
  const auto *ref = dyn_cast<DeclRefExpr>(e);
  if (!ref)
    return;
  for (const Expr *v : values.valuesOf(ref->getDecl()))
    if (const auto *call = dyn_cast<CallExpr>(v->IgnoreParenCasts()))
      out.push_back(call);
}

// A pointer known to point into this process's private memory: the heap, a variable.
bool pointsToPrivateMemory(const Expr *e, const SharedMemoryModel &shm, const SourceManager &sm,
                           unsigned depth = 0) {
  if (!e || depth > 3)
    return false;
  e = e->IgnoreParenCasts();
  if (shm.pointerOrigin(e))
    return false;
  if (const auto *ne = dyn_cast<CXXNewExpr>(e))
    return ne->getNumPlacementArgs() == 0;
  if (const auto *call = dyn_cast<CallExpr>(e)) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!isLibrary(fd, sm))
      return false;
    return llvm::StringSwitch<bool>(fd->getName())
        .Cases("malloc", "calloc", "realloc", "reallocarray", "strdup", "strndup", true)
        .Cases("aligned_alloc", "memalign", "valloc", "asprintf", true)
        .Default(false);
  }
  if (const auto *uo = dyn_cast<UnaryOperator>(e); uo && uo->getOpcode() == UO_AddrOf) {
    const Expr *sub = uo->getSubExpr()->IgnoreParenImpCasts();
    if (shm.lvalueOrigin(sub))
      return false;
    const auto *ref = dyn_cast<DeclRefExpr>(sub);
    return ref && isa<VarDecl>(ref->getDecl());
  }
  if (const auto *ref = dyn_cast<DeclRefExpr>(e)) {
    llvm::ArrayRef<const Expr *> vals = shm.valuesOf(ref->getDecl());
    if (vals.empty() || !isa<VarDecl>(ref->getDecl()))
      return false;
    for (const Expr *v : vals)
      if (!pointsToPrivateMemory(v, shm, sm, depth + 1))
        return false;
    return true;
  }
  return false;
}

class Stores : public RecursiveASTVisitor<Stores> {
public:
  explicit Stores(const SourceManager &sm) : sm(sm) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool TraverseDecl(Decl *d) {
    if (d && !isa<TranslationUnitDecl>(d) && d->getLocation().isValid() &&
        sm.isInSystemHeader(sm.getExpansionLoc(d->getLocation())))
      return true;
    return RecursiveASTVisitor::TraverseDecl(d);
  }
  bool VisitBinaryOperator(BinaryOperator *bo) {
    if (bo->getOpcode() == BO_Assign)
      assigns.push_back({bo->getLHS(), bo->getRHS(), bo});
    return true;
  }
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *op) {
    if (op->getOperator() == OO_Equal && op->getNumArgs() == 2)
      assigns.push_back({op->getArg(0), op->getArg(1), op});
    return true;
  }
  bool VisitCXXNewExpr(CXXNewExpr *e) {
    if (e->getNumPlacementArgs() > 0)
      placements.push_back(e);
    return true;
  }
  struct Assign {
    const Expr *lhs, *rhs, *at;
  };
  std::vector<Assign> assigns;
  std::vector<const CXXNewExpr *> placements;

private:
  const SourceManager &sm;
};

} // namespace

void NonportableIpcPayloadCheck::checkTranslationUnit(AnalysisContext &ctx) {
  const SourceManager &sm = ctx.sourceManager();
  const SharedMemoryModel &shm = ctx.sharedMemory();
  PrintingPolicy pp = ctx.ast().getPrintingPolicy();
  pp.SuppressTagKeyword = ctx.ast().getLangOpts().CPlusPlus;
  auto inProgram = [&](SourceLocation loc) {
    return !sm.isInSystemHeader(sm.getExpansionLoc(loc));
  };
  // The program makes other processes: what it writes to a pipe or socket may reach them.
  bool multiprocess = !ctx.forkSites().sites().empty();
  for (const CallExpr *call : ctx.uses().allCalls()) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (isLibrary(fd, sm) &&
        (fd->getName().starts_with("posix_spawn") || fd->getName().starts_with("exec")))
      multiprocess = true;
  }

  for (const CallExpr *call : ctx.uses().allCalls()) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!isLibrary(fd, sm) || !inProgram(call->getBeginLoc()))
      continue;
    StringRef name = fd->getName();
    // Bytes copied into shared memory.
    if ((name == "memcpy" || name == "memmove") && call->getNumArgs() == 3) {
      const SharedOrigin *o = shm.pointerOrigin(call->getArg(0));
      QualType t = payloadType(call->getArg(1));
      // Before a fork the copy's pointers stay valid in the children (see stores below).
      if (o && !o->attachedByName && !ctx.postFork().whereRuns(call).outcomes)
        continue;
      if (o && !t.isNull())
        if (auto why = nonportable(t, true, pp)) {
          Finding &f = diag(call->getBeginLoc(), "copying " + *why +
                                                     " into shared memory: its bytes mean "
                                                     "nothing in another process; store offsets "
                                                     "or fixed-size data instead");
          f.notes.push_back({o->root->getBeginLoc(), "the memory is shared by " + o->describe()});
        }
      continue;
    }
    SendCall send = sendCall(name);
    if (send.buffer < 0 || (int)call->getNumArgs() <= send.buffer)
      continue;
    QualType t = payloadType(call->getArg(send.buffer));
    if (t.isNull())
      continue;
    std::optional<std::string> why = nonportable(t, true, pp);
    if (!why)
      continue;
    std::vector<const CallExpr *> sources;
    fdSources(call->getArg(0), shm, sources);
    bool regularFile = !send.alwaysCrosses && !sources.empty();
    for (const CallExpr *src : sources) {
      const FunctionDecl *sfd = src->getDirectCallee();
      if (!isLibrary(sfd, sm) || !(sfd->getName().starts_with("open") || sfd->getName() == "creat"))
        regularFile = false;
    }
    if (regularFile)
      continue; // a file this process opened: a dump, not a channel to another process
    bool crosses = send.alwaysCrosses || multiprocess;
    if (!crosses) {
      for (const CallExpr *src : sources)
        if (const FunctionDecl *sfd = src->getDirectCallee())
          if (isLibrary(sfd, sm) && (sfd->getName() == "socket" || sfd->getName() == "accept" ||
                                     sfd->getName() == "accept4" || sfd->getName() == "mq_open" ||
                                     sfd->getName() == "msgget"))
            crosses = true;
    }
    if (!crosses)
      continue; // a pipe between threads of one process may carry pointers
    std::string advice = t->isPointerType() || t->isReferenceType()
                             ? "send the data it points to, or an index or offset"
                             : "send a fixed-size struct of plain values (copy strings into "
                               "char arrays, use indexes or offsets instead of pointers)";
    Finding &f = diag(call->getArg(send.buffer)->getBeginLoc(),
                      "sending " + *why + " raw with " + name.str() +
                          "(): its bytes mean nothing in the receiving process; " + advice);
    (void)f;
  }

  if (shm.empty())
    return;
  PostForkModel &post = ctx.postFork();
  Stores stores(sm);
  stores.TraverseDecl(ctx.ast().getTranslationUnitDecl());
  for (const Stores::Assign &a : stores.assigns) {
    const SharedOrigin *o = shm.lvalueOrigin(a.lhs);
    if (!o)
      continue;
    QualType t = a.lhs->getType();
    const Expr *rhs = a.rhs->IgnoreParenCasts();
    if (t->isPointerType()) {
      if (t->isFunctionPointerType() ||
          rhs->isNullPointerConstant(ctx.ast(), Expr::NPC_ValueDependentIsNotNull) ||
          isa<StringLiteral>(rhs))
        continue;
      // Forked processes inherit the address space: a pointer stored before the fork, or into
      // a mapping they all inherited, still means something there. After the fork, a pointer
      // to the storing process's heap or variables does not; other programs attached by name
      // see nothing at any of these addresses.
      if (!o->attachedByName) {
        if (!post.whereRuns(a.at).outcomes || !pointsToPrivateMemory(a.rhs, shm, sm))
          continue;
      }
    } else if (!isa<CXXOperatorCallExpr>(a.at)) {
      continue;
    }
    std::optional<std::string> why = nonportable(t, true, pp);
    if (!why)
      continue;
    Finding &f = diag(a.at->getBeginLoc(),
                      "storing " + *why +
                          " in shared memory: other processes cannot use it (it points into "
                          "this process's own memory); store an offset into the shared region or "
                          "the data itself");
    f.notes.push_back({o->root->getBeginLoc(), "the memory is shared by " + o->describe()});
  }

  // C++ objects that own memory, built in or typed onto shared memory.
  llvm::DenseSet<const Type *> reported;
  auto reportObject = [&](SourceLocation at, QualType t, const SharedOrigin *o) {
    std::optional<std::string> why = nonportable(t, false, pp);
    if (!why || !reported.insert(t.getCanonicalType().getTypePtr()).second)
      return;
    Finding &f = diag(at, "shared memory holds " + *why +
                              ": another process sees pointers into memory it cannot reach; use "
                              "fixed-size arrays and offsets (or an allocator for shared memory)");
    f.notes.push_back({o->root->getBeginLoc(), "the memory is shared by " + o->describe()});
  };
  for (const CXXNewExpr *ne : stores.placements)
    if (const SharedOrigin *o = shm.pointerOrigin(ne->getPlacementArg(0)))
      reportObject(ne->getBeginLoc(), ne->getAllocatedType(), o);
  for (const auto &entry : shm.sharedDeclsInOrder()) {
    const auto *vd = dyn_cast<DeclaratorDecl>(entry.first);
    if (vd && !isa<ParmVarDecl>(vd) && vd->getType()->isPointerType() &&
        inProgram(vd->getLocation()))
      reportObject(vd->getLocation(), vd->getType()->getPointeeType(), entry.second);
  }
}

} // namespace analyzer
} // namespace procsan
