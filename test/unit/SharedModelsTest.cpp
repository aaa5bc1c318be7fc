// The shared-memory provenance, lock regions and post-fork models on small translation units.
#include "model/ForkRegions.h"
#include "model/ForkSites.h"
#include "model/LockRegions.h"
#include "model/PostFork.h"
#include "model/SharedMemory.h"
#include "model/Summaries.h"
#include "model/UseIndex.h"
#include "model/WaitCalls.h"

#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include <gtest/gtest.h>

using namespace clang;
using namespace procsan::analyzer;

namespace {

// The C library, as a system header: the models only trust calls of the real library.
const char *kLibrary = R"(
typedef int pid_t; typedef unsigned long size_t; typedef long off_t;
typedef struct { int v; } sem_t;
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_ANONYMOUS 0x20
#define O_RDWR 02
#define O_CREAT 0100
#define PROT_READ 1
#define PROT_WRITE 2
void *mmap(void *, size_t, int, int, int, off_t);
int shm_open(const char *, int, int);
void *malloc(size_t);
int sem_wait(sem_t *); int sem_post(sem_t *);
pid_t fork(void); void _exit(int) __attribute__((noreturn));
pid_t waitpid(pid_t, int *, int); pid_t wait(int *);
)";

struct Fixture {
  std::unique_ptr<ASTUnit> unit;
  std::unique_ptr<UseIndex> uses;
  std::unique_ptr<ForkSiteModel> sites;
  std::unique_ptr<FunctionSummaries> summaries;
  std::unique_ptr<WaitModel> waits;
  std::vector<ForkRegion> regions;
  std::unique_ptr<SharedMemoryModel> shm;
  std::unique_ptr<LockRegions> locks;
  std::unique_ptr<PostForkModel> post;

  explicit Fixture(const std::string &code) {
    unit = tooling::buildASTFromCodeWithArgs(
        "#include <lib.h>\nvoid mark(int, ...);\n" + code, {"-isystem", "/sys"}, "input.c",
        "unit-test", std::make_shared<PCHContainerOperations>(),
        tooling::getClangStripDependencyFileAdjuster(), {{"/sys/lib.h", kLibrary}});
    ASTContext &ctx = unit->getASTContext();
    uses = std::make_unique<UseIndex>(ctx);
    sites = std::make_unique<ForkSiteModel>(ctx, *uses);
    summaries = std::make_unique<FunctionSummaries>(ctx);
    waits = std::make_unique<WaitModel>(ctx, *uses);
    for (const ForkSite &s : sites->sites())
      regions.emplace_back(s, *summaries);
    shm = std::make_unique<SharedMemoryModel>(ctx, *uses);
    locks = std::make_unique<LockRegions>(ctx, *uses, *summaries);
    post = std::make_unique<PostForkModel>(ctx, regions, *uses, *waits, *shm, *summaries);
  }

  // The call mark(n, ...).
  const CallExpr *mark(int n) {
    for (const CallExpr *c : uses->allCalls()) {
      const FunctionDecl *fd = c->getDirectCallee();
      Expr::EvalResult r;
      if (fd && fd->getName() == "mark" && c->getArg(0)->EvaluateAsInt(r, unit->getASTContext()) &&
          r.Val.getInt() == n)
        return c;
    }
    ADD_FAILURE() << "no mark(" << n << ")";
    return nullptr;
  }
  // The origin of the lvalue in mark(n, &LVALUE).
  const SharedOrigin *origin(int n) {
    const CallExpr *c = mark(n);
    const auto *addr = dyn_cast<UnaryOperator>(c->getArg(1)->IgnoreParenImpCasts());
    return addr ? shm->lvalueOrigin(addr->getSubExpr()) : nullptr;
  }
};

TEST(SharedMemory, FlowsThroughReturnsGlobalsParametersAndFields) {
  Fixture f(R"(
struct S { int a; int arr[4]; int *inner; };
struct S *g;
struct Ctx { struct S *shared; };
static void *map(size_t n) {
  return mmap(0, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}
static void use(struct S *s, struct Ctx *c) {
  mark(1, &s->a);
  mark(2, &s->arr[2]);
  mark(3, &c->shared->a);
  int *p = &s->arr[1];
  mark(4, &p[1]);
  mark(5, &*s->inner); // the pointer stored in the shared struct points elsewhere
}
void setup(void) {
  struct Ctx c;
  g = map(sizeof *g);
  c.shared = g;
  use(g, &c);
  struct S *priv = malloc(sizeof *priv);
  mark(6, &priv->a);
  struct S *copy = mmap(0, 64, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  mark(7, &copy->a);
}
)");
  for (int n : {1, 2, 3, 4})
    EXPECT_NE(f.origin(n), nullptr) << "mark " << n;
  for (int n : {5, 6, 7})
    EXPECT_EQ(f.origin(n), nullptr) << "mark " << n;
  ASSERT_NE(f.origin(1), nullptr);
  EXPECT_TRUE(f.origin(1)->anonymous);
  EXPECT_FALSE(f.origin(1)->attachedByName);
}

TEST(SharedMemory, KnowsObjectsAttachedByName) {
  Fixture f(R"(
struct R { int head; };
void attach(void) {
  int fd = shm_open("/ring", O_RDWR, 0);
  struct R *r = mmap(0, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  mark(1, &r->head);
  int own = shm_open("/own", O_CREAT | O_RDWR, 0600);
  struct R *o = mmap(0, sizeof *o, PROT_READ | PROT_WRITE, MAP_SHARED, own, 0);
  mark(2, &o->head);
}
)");
  ASSERT_NE(f.origin(1), nullptr);
  EXPECT_TRUE(f.origin(1)->attachedByName);
  ASSERT_NE(f.origin(2), nullptr);
  EXPECT_FALSE(f.origin(2)->attachedByName);
  EXPECT_FALSE(f.origin(2)->anonymous);
}

TEST(LockRegions, WrappersAndCallersHoldingTheLock) {
  Fixture f(R"(
sem_t s;
static void lock(void) { sem_wait(&s); }
static void unlock(void) { sem_post(&s); }
static void balanced(void) { sem_wait(&s); sem_post(&s); }
static void inner(void) { mark(4); }
static void sometimes(int c) { mark(5); }
void work(int c) {
  mark(0);
  lock();
  mark(1);
  unlock();
  mark(2);
  balanced();
  mark(3);
  lock();
  inner();
  sometimes(1);
  unlock();
  sometimes(2);
  if (c)
    sem_wait(&s);
  mark(6); // held on one path: may hold
}
)");
  EXPECT_FALSE(f.locks->mayHoldLockAt(f.mark(0)));
  EXPECT_TRUE(f.locks->mayHoldLockAt(f.mark(1)));
  EXPECT_FALSE(f.locks->mayHoldLockAt(f.mark(2)));
  EXPECT_FALSE(f.locks->mayHoldLockAt(f.mark(3)));
  EXPECT_TRUE(f.locks->mayHoldLockAt(f.mark(4)));  // every caller holds it
  EXPECT_FALSE(f.locks->mayHoldLockAt(f.mark(5))); // one caller does not
  EXPECT_TRUE(f.locks->mayHoldLockAt(f.mark(6)));
}

TEST(PostFork, WhoRunsWhatAndForkIdentities) {
  Fixture f(R"(
static void child_work(int id) { mark(3, id); }
void spawn(int n) {
  int total = 0;
  for (int i = 0; i < n; i++) {
    if (fork() == 0) {
      int me = i;
      mark(1, me, total);
      child_work(i);
      _exit(0);
    }
    mark(2);
  }
  for (int i = 0; i < n; i++)
    wait(0);
  mark(4);
}
)");
  ASSERT_EQ(f.regions.size(), 1u);
  EXPECT_EQ(f.post->whereRuns(f.mark(1)).outcomes, OutChild);
  EXPECT_EQ(f.post->whereRuns(f.mark(2)).outcomes, OutParent);
  AfterFork callee = f.post->whereRuns(f.mark(3));
  EXPECT_EQ(callee.outcomes, OutChild);
  EXPECT_EQ(callee.calls.size(), 1u);
  EXPECT_TRUE(f.post->manyChildren(f.regions[0]));
  EXPECT_FALSE(f.post->afterReaping(f.regions[0], f.mark(2)));
  EXPECT_TRUE(f.post->afterReaping(f.regions[0], f.mark(4)));
  EXPECT_TRUE(f.post->onlyForkIdentities(f.mark(1)->getArg(1)));  // me = i
  EXPECT_FALSE(f.post->onlyForkIdentities(f.mark(1)->getArg(2))); // total
  EXPECT_TRUE(f.post->onlyForkIdentities(f.mark(3)->getArg(1)));  // parameter fed i
}

} // namespace
