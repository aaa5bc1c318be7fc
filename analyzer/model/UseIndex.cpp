#include "model/UseIndex.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procsan {
namespace analyzer {

class UseIndexBuilder : public RecursiveASTVisitor<UseIndexBuilder> {
public:
  explicit UseIndexBuilder(UseIndex &index) : index(index) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return true; }

  bool VisitDeclRefExpr(DeclRefExpr *e) {
    index.refs[e->getDecl()].push_back(e);
    return true;
  }
  bool VisitMemberExpr(MemberExpr *e) {
    index.refs[e->getMemberDecl()].push_back(e);
    return true;
  }
  bool VisitCallExpr(CallExpr *e) {
    if (const FunctionDecl *fd = e->getDirectCallee()) {
      index.callsByCallee[fd->getCanonicalDecl()].push_back(e);
      index.calls.push_back(e);
      passArguments(fd, e->arguments());
    }
    return true;
  }

  // Where values are stored, for valuesOf.
  bool TraverseDecl(Decl *d) {
    auto *fd = dyn_cast_or_null<FunctionDecl>(d);
    if (fd)
      functions.push_back(fd);
    bool result = RecursiveASTVisitor::TraverseDecl(d);
    if (fd)
      functions.pop_back();
    return result;
  }
  bool TraverseLambdaExpr(LambdaExpr *e) {
    functions.push_back(e->getCallOperator());
    bool result = RecursiveASTVisitor::TraverseLambdaExpr(e);
    functions.pop_back();
    return result;
  }
  bool VisitVarDecl(VarDecl *vd) {
    if (const Expr *init = vd->getInit())
      store(vd, init);
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *bo) {
    if (bo->getOpcode() != BO_Assign)
      return true;
    const Expr *lhs = bo->getLHS()->IgnoreParenImpCasts();
    if (const auto *ref = dyn_cast<DeclRefExpr>(lhs))
      store(ref->getDecl(), bo->getRHS());
    else if (const auto *me = dyn_cast<MemberExpr>(lhs))
      store(me->getMemberDecl(), bo->getRHS());
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *e) {
    passArguments(e->getConstructor(), e->arguments());
    return true;
  }
  bool VisitCXXConstructorDecl(CXXConstructorDecl *cd) {
    for (const CXXCtorInitializer *init : cd->inits())
      if (init->isMemberInitializer() && init->getInit() && init->isWritten())
        store(init->getMember(), init->getInit());
    return true;
  }
  bool VisitReturnStmt(ReturnStmt *rs) {
    if (!functions.empty() && rs->getRetValue())
      store(functions.back(), rs->getRetValue());
    return true;
  }

private:
  void store(const Decl *d, const Expr *value) {
    // The library's own stores matter to no model; skipping them keeps C++ TUs cheap.
    if (d && !index.ctx.getSourceManager().isInSystemHeader(value->getBeginLoc()))
      index.values[valueKey(d)].push_back(value);
  }
  template <typename Args> void passArguments(const FunctionDecl *fd, Args args) {
    const FunctionDecl *def = nullptr;
    if (!fd || !fd->hasBody(def) || !def)
      return;
    unsigned i = 0;
    for (const Expr *arg : args) {
      if (i >= def->getNumParams())
        break;
      store(def->getParamDecl(i++), arg);
    }
  }

  UseIndex &index;
  std::vector<const FunctionDecl *> functions;
};

const Decl *valueKey(const Decl *d) {
  if (!d)
    return nullptr;
  if (isa<FunctionDecl>(d) || (isa<VarDecl>(d) && !isa<ParmVarDecl>(d)))
    return d->getCanonicalDecl();
  return d;
}

llvm::ArrayRef<const Expr *> UseIndex::valuesOf(const Decl *d) const {
  auto it = values.find(valueKey(d));
  if (it == values.end())
    return {};
  return it->second;
}

UseIndex::UseIndex(ASTContext &ctx) : ctx(ctx) {
  UseIndexBuilder builder(*this);
  builder.TraverseDecl(ctx.getTranslationUnitDecl());
}

llvm::ArrayRef<const Expr *> UseIndex::referencesTo(const ValueDecl *d) const {
  auto it = refs.find(d);
  if (it == refs.end())
    return {};
  return it->second;
}

llvm::ArrayRef<const CallExpr *> UseIndex::callsTo(const FunctionDecl *fd) const {
  auto it = callsByCallee.find(fd->getCanonicalDecl());
  if (it == callsByCallee.end())
    return {};
  return it->second;
}

const ValueDecl *storageOf(const Expr *lvalue) {
  const Expr *e = lvalue->IgnoreParenImpCasts();
  if (const auto *dre = dyn_cast<DeclRefExpr>(e))
    return dre->getDecl();
  if (const auto *me = dyn_cast<MemberExpr>(e))
    return me->getMemberDecl();
  if (const auto *ase = dyn_cast<ArraySubscriptExpr>(e))
    return storageOf(ase->getBase());
  return nullptr;
}

namespace {

bool isStatementContext(const Stmt *parent, const Stmt *child) {
  if (isa<CompoundStmt>(parent) || isa<LabelStmt>(parent) || isa<AttributedStmt>(parent))
    return true;
  if (const auto *cs = dyn_cast<CaseStmt>(parent))
    return cs->getSubStmt() == child;
  if (const auto *ds = dyn_cast<DefaultStmt>(parent))
    return ds->getSubStmt() == child;
  if (const auto *is = dyn_cast<IfStmt>(parent))
    return is->getThen() == child || is->getElse() == child;
  if (const auto *ws = dyn_cast<WhileStmt>(parent))
    return ws->getBody() == child;
  if (const auto *ds = dyn_cast<DoStmt>(parent))
    return ds->getBody() == child;
  if (const auto *fs = dyn_cast<ForStmt>(parent))
    return fs->getBody() == child || fs->getInit() == child || fs->getInc() == child;
  if (const auto *rs = dyn_cast<CXXForRangeStmt>(parent))
    return rs->getBody() == child;
  return false;
}

} // namespace

ValueUse classifyUse(ASTContext &ctx, const Expr *e) {
  ValueUse use;
  const Stmt *cur = e;
  for (unsigned depth = 0; depth < 64; ++depth) {
    use.at = dyn_cast<Expr>(cur);
    DynTypedNodeList parents = ctx.getParents(*cur);
    if (parents.empty())
      return use;
    if (const auto *vd = parents[0].get<VarDecl>()) {
      use.kind = ValueUse::StoredTo;
      use.target = vd;
      return use;
    }
    if (const auto *fd = parents[0].get<FieldDecl>()) { // default member initializer
      use.kind = ValueUse::StoredTo;
      use.target = fd;
      return use;
    }
    // Ctor() : pid_(fork()): the parent map gives the constructor, not the initializer.
    if (const auto *ctor = parents[0].get<CXXConstructorDecl>()) {
      for (const CXXCtorInitializer *ci : ctor->inits())
        if (ci->getInit() == cur && ci->isMemberInitializer()) {
          use.kind = ValueUse::StoredTo;
          use.target = ci->getMember();
        }
      return use;
    }
    const Stmt *p = parents[0].get<Stmt>();
    if (!p)
      return use;
    use.user = p;
    if (isa<ParenExpr>(p) || isa<ImplicitCastExpr>(p) || isa<FullExpr>(p) ||
        isa<MaterializeTemporaryExpr>(p) || isa<CXXBindTemporaryExpr>(p)) {
      cur = p;
      continue;
    }
    if (const auto *ce = dyn_cast<ExplicitCastExpr>(p)) {
      if (ce->getType()->isVoidType()) {
        use.kind = ValueUse::Discarded;
        return use;
      }
      cur = p;
      continue;
    }
    if (const auto *bo = dyn_cast<BinaryOperator>(p)) {
      if (bo->isComparisonOp()) {
        use.kind = ValueUse::Compared;
        use.valueOnLeft = bo->getLHS() == cur;
        use.other = use.valueOnLeft ? bo->getRHS() : bo->getLHS();
        return use;
      }
      if (bo->isLogicalOp()) {
        use.kind = ValueUse::Truthiness;
        return use;
      }
      if (bo->getOpcode() == BO_Assign) {
        if (bo->getLHS() == cur) {
          use.kind = ValueUse::Overwritten;
          return use;
        }
        use.kind = ValueUse::StoredTo;
        use.target = storageOf(bo->getLHS());
        use.assignment = bo;
        if (!use.target)
          use.kind = ValueUse::Other;
        return use;
      }
      if (bo->getOpcode() == BO_Comma) {
        if (bo->getLHS() == cur) {
          use.kind = ValueUse::Discarded;
          return use;
        }
        cur = p;
        continue;
      }
      return use; // arithmetic
    }
    if (const auto *uo = dyn_cast<UnaryOperator>(p)) {
      if (uo->getOpcode() == UO_LNot)
        use.kind = ValueUse::Truthiness;
      return use;
    }
    if (const auto *co = dyn_cast<AbstractConditionalOperator>(p)) {
      if (co->getCond() == cur) {
        use.kind = ValueUse::Truthiness;
        return use;
      }
      cur = p;
      continue;
    }
    if (const auto *is = dyn_cast<IfStmt>(p); is && is->getCond() == cur) {
      use.kind = ValueUse::Truthiness;
      return use;
    }
    if (const auto *ws = dyn_cast<WhileStmt>(p); ws && ws->getCond() == cur) {
      use.kind = ValueUse::Truthiness;
      return use;
    }
    if (const auto *ds = dyn_cast<DoStmt>(p); ds && ds->getCond() == cur) {
      use.kind = ValueUse::Truthiness;
      return use;
    }
    if (const auto *fs = dyn_cast<ForStmt>(p); fs && fs->getCond() == cur) {
      use.kind = ValueUse::Truthiness;
      return use;
    }
    if (const auto *ss = dyn_cast<SwitchStmt>(p); ss && ss->getCond() == cur) {
      use.kind = ValueUse::Switched;
      return use;
    }
    if (isa<ReturnStmt>(p)) {
      use.kind = ValueUse::Returned;
      return use;
    }
    if (const auto *call = dyn_cast<CallExpr>(p)) {
      for (unsigned i = 0; i < call->getNumArgs(); ++i) {
        if (call->getArg(i) == cur) {
          use.kind = ValueUse::Argument;
          use.call = call;
          use.argIndex = i;
          return use;
        }
      }
      return use;
    }
    if (const auto *ase = dyn_cast<ArraySubscriptExpr>(p)) {
      if (ase->getBase() == cur) {
        cur = p;
        continue;
      }
      return use;
    }
    if (isStatementContext(p, cur)) {
      use.kind = ValueUse::Discarded;
      return use;
    }
    return use;
  }
  return use;
}

const FunctionDecl *enclosingFunction(ASTContext &ctx, const Stmt *s) {
  DynTypedNodeList parents = ctx.getParents(*s);
  for (unsigned depth = 0; !parents.empty() && depth < 256; ++depth) {
    if (const auto *fd = parents[0].get<FunctionDecl>())
      return fd;
    if (const auto *lambda = parents[0].get<LambdaExpr>())
      return lambda->getCallOperator();
    if (const auto *st = parents[0].get<Stmt>())
      parents = ctx.getParents(*st);
    else if (const auto *d = parents[0].get<Decl>())
      parents = ctx.getParents(*d);
    else
      break;
  }
  return nullptr;
}

bool insideLoop(ASTContext &ctx, const Stmt *s) {
  DynTypedNodeList parents = ctx.getParents(*s);
  for (unsigned depth = 0; !parents.empty() && depth < 64; ++depth) {
    if (parents[0].get<FunctionDecl>())
      return false;
    const Stmt *p = parents[0].get<Stmt>();
    if (!p) {
      if (const Decl *d = parents[0].get<Decl>()) {
        parents = ctx.getParents(*d);
        continue;
      }
      return false;
    }
    if (isa<ForStmt>(p) || isa<WhileStmt>(p) || isa<DoStmt>(p) || isa<CXXForRangeStmt>(p))
      return true;
    parents = ctx.getParents(*p);
  }
  return false;
}

} // namespace analyzer
} // namespace procsan
