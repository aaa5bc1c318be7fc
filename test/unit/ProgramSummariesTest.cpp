// The program-wide summary table: what one TU exports, how the merge resolves wrappers of
// wrappers whatever the order, name matching by constant prefix, and the questions that decide
// which TUs are analyzed again.
#include "model/ProgramSummaries.h"
#include "AnalysisContext.h"
#include "model/ForkSites.h"

#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include <gtest/gtest.h>

using namespace clang;
using namespace procsan::analyzer;

namespace {

const char *kPrelude = "typedef int pid_t; pid_t fork(void); void _exit(int) "
                       "__attribute__((noreturn)); int waitpid(pid_t, int *, int);\n"
                       "long read(int, void *, unsigned long); int close(int);\n";

struct Exported {
  std::unique_ptr<ASTUnit> unit;
  TUSummary summary;
};

Exported exportOf(const std::string &code, const ProgramSummaries *table = nullptr) {
  Exported e;
  e.unit = tooling::buildASTFromCodeWithArgs(kPrelude + code, {"-fsyntax-only"}, "input.c");
  AnalysisContext ctx(e.unit->getASTContext());
  ctx.useProgram(table);
  e.summary = summarizeTranslationUnit(ctx, "input.c");
  return e;
}

const FunctionSummary *byName(const TUSummary &tu, const std::string &name) {
  for (const auto &kv : tu.functions)
    if (kv.second.name == name)
      return &kv.second;
  return nullptr;
}

TEST(ProgramSummaries, ExportsWrappersNoreturnReapersAndFdParameters) {
  Exported e = exportOf("pid_t spawn(void) { pid_t p = fork(); return p; }\n"
                        "pid_t job(void) { pid_t p = fork(); if (p == 0) _exit(0); return p; }\n"
                        "void die(void) { _exit(1); }\n"
                        "void reap(pid_t p) { waitpid(p, 0, 0); }\n"
                        "void shut(int fd) { close(fd); }\n"
                        "void drain(int fd) { char b[8]; while (read(fd, b, 8) > 0) {} }\n"
                        "void look(int fd) { if (fd < 0) return; }\n"
                        "static void hidden(int fd) { close(fd); }\n");
  const FunctionSummary *spawn = byName(e.summary, "spawn");
  ASSERT_TRUE(spawn);
  // Conditional facts wait for the merge: spawn never fails only if fork() never does, which
  // no file of a program defines, so it stays a wrapper that can return -1.
  EXPECT_EQ(spawn->facts & ~(uint32_t)FactWrapperNeverFailsIf, (uint32_t)FactForkWrapper);
  EXPECT_EQ(spawn->neverFailsIf, std::vector<std::string>{"c:@F@fork"});
  const FunctionSummary *job = byName(e.summary, "job");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->facts & ~(uint32_t)(FactWrapperNeverFailsIf | FactNeverReturnsIf),
            (uint32_t)(FactForkWrapper | FactWrapperDivertsChild));
  ASSERT_TRUE(byName(e.summary, "die"));
  EXPECT_EQ(byName(e.summary, "die")->facts, (uint32_t)FactNeverReturns);
  EXPECT_EQ(byName(e.summary, "reap")->reapsParam, 1u);
  EXPECT_EQ(byName(e.summary, "shut")->closesParam, 1u);
  EXPECT_EQ(byName(e.summary, "drain")->drainsParam, 1u);
  const FunctionSummary *look = byName(e.summary, "look");
  ASSERT_TRUE(look);
  EXPECT_EQ(look->fdParams, 1u);
  EXPECT_EQ(look->closesParam | look->drainsParam | look->keepsParam, 0u);
  EXPECT_FALSE(byName(e.summary, "hidden")); // internal linkage: no other TU can call it
}

TEST(ProgramSummaries, WrapperOfWrapperResolvedInAnyOrder) {
  Exported inner = exportOf("pid_t spawn(void) { return fork(); }\n");
  Exported outer = exportOf("pid_t spawn(void);\npid_t spawn2(void) { return spawn(); }\n");
  Exported outer2 = exportOf("pid_t spawn2(void);\npid_t spawn3(void) { return spawn2(); }\n");
  const TUSummary *order1[] = {&inner.summary, &outer.summary, &outer2.summary};
  const TUSummary *order2[] = {&outer2.summary, &outer.summary, &inner.summary};
  for (const auto &order : {order1, order2}) {
    ProgramSummaries table;
    for (int i = 0; i < 3; ++i)
      table.add(*order[i]);
    table.finish();
    EXPECT_EQ(table.size(), 3u);
    for (const TUSummary *tu : {&outer.summary, &outer2.summary})
      for (const auto &kv : tu->functions) {
        const FunctionSummary *f = table.function(kv.first);
        ASSERT_TRUE(f);
        EXPECT_TRUE(f->facts & FactForkWrapper) << kv.second.name;
      }
  }
}

TEST(ProgramSummaries, UnlinkedNamesMatchByConstantPrefix) {
  TUSummary tu;
  tu.unlinked.push_back({0, "/pool", false});
  tu.unlinked.push_back({0, "/slot-", true});
  tu.unlinked.push_back({1, "/lock", false});
  ProgramSummaries table;
  table.add(tu);
  EXPECT_TRUE(table.mayUnlink({0, "/pool", false}));
  EXPECT_FALSE(table.mayUnlink({0, "/pool2", false}));
  EXPECT_FALSE(table.mayUnlink({1, "/pool", false})); // another family
  EXPECT_TRUE(table.mayUnlink({0, "/slot-3", false}));
  EXPECT_TRUE(table.mayUnlink({0, "/slot-", true}));
  EXPECT_TRUE(table.mayUnlink({0, "/sl", true})); // a shorter prefix may be the same name
  EXPECT_FALSE(table.mayUnlink({0, "/slots", false}));
  EXPECT_TRUE(table.mayUnlink({1, "", true})); // unknown name: any unlink may be it
  EXPECT_FALSE(table.mayUnlink({2, "", true}));
  TUSummary unknown;
  unknown.unlinksUnknown[2] = true;
  table.add(unknown);
  EXPECT_TRUE(table.mayUnlink({2, "/queue", false}));
}

TEST(ProgramSummaries, QuestionsDecideWhichTusRunAgain) {
  Exported lib = exportOf("pid_t spawn(void) { return fork(); }\n"
                          "void die(void) { _exit(1); }\n");
  ProgramSummaries table;
  table.add(lib.summary);
  table.finish();
  // A caller of spawn() asked about it with the empty table: the merged table answers otherwise.
  auto ask = [&](const std::string &code, const ProgramSummaries *t) {
    auto unit = tooling::buildASTFromCodeWithArgs(kPrelude + code, {"-fsyntax-only"}, "b.c");
    AnalysisContext ctx(unit->getASTContext());
    ctx.useProgram(t);
    (void)ctx.forkSites();
    return std::make_pair(ctx.program().questions(), ctx.forkSites().sites().size());
  };
  auto [caller, sitesAlone] = ask("pid_t spawn(void);\nvoid f(void) { spawn(); }\n", nullptr);
  EXPECT_EQ(sitesAlone, 0u);
  EXPECT_TRUE(caller.answersDiffer(&table));
  auto [callerAgain, sitesWithTable] =
      ask("pid_t spawn(void);\nvoid f(void) { spawn(); }\n", &table);
  EXPECT_EQ(sitesWithTable, 1u);
  EXPECT_FALSE(callerAgain.answersDiffer(&table));
  // A TU that calls nothing the table knows is not analyzed again.
  auto [other, none] = ask("int other(void);\nvoid g(void) { other(); }\n", nullptr);
  EXPECT_EQ(none, 0u);
  EXPECT_FALSE(other.answersDiffer(&table));
}

TEST(ProgramSummaries, ThreadOrderFromMainAcrossFiles) {
  const char *pool = "typedef unsigned long pthread_t;\n"
                     "int pthread_create(pthread_t *, const void *, void *(*)(void *), void *);\n"
                     "static void *work(void *a) { return a; }\n"
                     "void spawn_pool(int n) { pthread_t t; pthread_create(&t, 0, work, 0); }\n";
  Exported threads = exportOf(pool);
  Exported workers = exportOf("void spawn_pool(int);\nvoid start(void) { spawn_pool(4); }\n");
  Exported daemon = exportOf("void makedaemon(void) { if (fork() != 0) _exit(0); }\n");
  Exported early = exportOf("void makedaemon(void); void start(void);\n"
                            "int main(void) { makedaemon(); start(); return 0; }\n");
  Exported late = exportOf("void makedaemon(void); void start(void);\n"
                           "int main(void) { start(); makedaemon(); return 0; }\n");
  Exported loop =
      exportOf("void makedaemon(void); void start(void);\n"
               "int main(int n) { while (n--) { makedaemon(); start(); } return 0; }\n");
  Exported pointer = exportOf("void makedaemon(void);\nvoid (*hook)(void) = makedaemon;\n");
  auto table = [&](std::initializer_list<const Exported *> tus) {
    auto t = std::make_unique<ProgramSummaries>();
    for (const Exported *e : tus)
      t->add(e->summary);
    t->finish();
    return t;
  };
  auto t = table({&threads, &workers, &daemon, &early});
  EXPECT_TRUE(t->startsThreads("c:@F@spawn_pool"));
  EXPECT_TRUE(t->startsThreads("c:@F@start"));
  EXPECT_FALSE(t->startsThreads("c:@F@makedaemon"));
  EXPECT_TRUE(t->earlyOnly("c:@F@makedaemon"));
  EXPECT_TRUE(t->earlyOnly("c:@F@start")); // it starts threads, but only after it is entered
  EXPECT_FALSE(table({&threads, &workers, &daemon, &late})->earlyOnly("c:@F@makedaemon"));
  EXPECT_FALSE(table({&threads, &workers, &daemon, &loop})->earlyOnly("c:@F@makedaemon"));
  EXPECT_FALSE(
      table({&threads, &workers, &daemon, &early, &pointer})->earlyOnly("c:@F@makedaemon"));
}

} // namespace
