// The fork-site model on small translation units: where pids go and which tests it sees.
#include "model/ForkSites.h"
#include "model/UseIndex.h"

#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include <gtest/gtest.h>

using namespace procsan::analyzer;

namespace {

struct Built {
  std::unique_ptr<clang::ASTUnit> unit;
  std::unique_ptr<UseIndex> uses;
  std::unique_ptr<ForkSiteModel> model;
};

Built build(const std::string &code, const char *file = "input.c") {
  Built b;
  std::string prelude = "typedef int pid_t; pid_t fork(void); pid_t vfork(void);\n"
                        "void _exit(int); int waitpid(pid_t, int *, int);\n";
  b.unit = clang::tooling::buildASTFromCodeWithArgs(prelude + code, {"-fsyntax-only"}, file);
  b.uses = std::make_unique<UseIndex>(b.unit->getASTContext());
  b.model = std::make_unique<ForkSiteModel>(b.unit->getASTContext(), *b.uses);
  return b;
}

TEST(ForkSiteModel, DiscardedCall) {
  Built b = build("void f(void) { fork(); }");
  ASSERT_EQ(b.model->sites().size(), 1u);
  EXPECT_TRUE(b.model->sites()[0].discarded);
  EXPECT_FALSE(b.model->sites()[0].testsChild());
}

TEST(ForkSiteModel, ComparisonsPartitionTheOutcomes) {
  struct Case {
    const char *cond;
    bool child, error;
  } cases[] = {{"p == 0", true, false}, {"p != 0", true, false},  {"p > 0", true, false},
               {"p < 0", false, true},  {"p == -1", false, true}, {"-1 == p", false, true},
               {"p >= 0", false, true}, {"p <= 0", true, false},  {"!p", true, false},
               {"0 < p", true, false}};
  for (const Case &c : cases) {
    Built b =
        build(std::string("void f(void) { pid_t p = fork(); if (") + c.cond + ") _exit(0); }");
    ASSERT_EQ(b.model->sites().size(), 1u) << c.cond;
    const ForkSite &s = b.model->sites()[0];
    ASSERT_EQ(s.tests.size(), 1u) << c.cond;
    EXPECT_EQ(s.tests[0].separatesChild, c.child) << c.cond;
    EXPECT_EQ(s.tests[0].separatesError, c.error) << c.cond;
  }
}

TEST(ForkSiteModel, SwitchCases) {
  Built onlyError =
      build("void f(void) { switch (fork()) { case -1: _exit(1); default: break; } }");
  EXPECT_FALSE(onlyError.model->sites()[0].testsChild());
  EXPECT_TRUE(onlyError.model->sites()[0].testsError());
  Built full = build("void f(void) { pid_t p = fork(); switch (p) { case 0: _exit(0); } }");
  EXPECT_TRUE(full.model->sites()[0].testsChild());
}

TEST(ForkSiteModel, AssignmentInConditionAndStorage) {
  Built b = build("void f(void) { pid_t p; if ((p = fork()) == 0) _exit(0); waitpid(p, 0, 0); }");
  const ForkSite &s = b.model->sites()[0];
  ASSERT_NE(s.storage, nullptr);
  EXPECT_EQ(s.storage->getName(), "p");
  EXPECT_TRUE(s.testsChild());
  EXPECT_FALSE(s.escapes);
}

TEST(ForkSiteModel, WrappersBecomeForkSites) {
  Built b = build("static pid_t spawn(void) { pid_t p = fork(); return p; }\n"
                  "static pid_t outer(void) { return spawn(); }\n"
                  "void g(void) { if (outer() == 0) _exit(0); }");
  ASSERT_EQ(b.model->sites().size(), 3u);
  int wrappers = 0, tested = 0;
  for (const ForkSite &s : b.model->sites()) {
    wrappers += s.returned;
    tested += s.testsChild();
    if (s.callee->getName() == "outer") {
      EXPECT_NE(s.wrappedFork, nullptr);
    }
  }
  EXPECT_EQ(wrappers, 2);
  EXPECT_EQ(tested, 1);
}

TEST(ForkSiteModel, SpawnerWrapperHandlesTheChild) {
  Built b = build("static pid_t spawn(void) { pid_t p = fork(); if (p == 0) _exit(0); return p; }\n"
                  "void g(void) { spawn(); }");
  ASSERT_EQ(b.model->sites().size(), 2u);
  const ForkSite &outer = b.model->sites()[1];
  EXPECT_EQ(outer.callee->getName(), "spawn");
  EXPECT_TRUE(outer.discarded);
  EXPECT_TRUE(outer.childHandledInWrapper);
}

TEST(ForkSiteModel, HelperParameterIsFollowed) {
  Built b = build("static int child(pid_t q) { return q == 0; }\n"
                  "void f(void) { pid_t p = fork(); if (child(p)) _exit(0); }");
  EXPECT_TRUE(b.model->sites()[0].testsChild());
}

TEST(ForkSiteModel, UnknownCalleeEscapes) {
  Built b = build("void keep(pid_t);\nvoid f(void) { keep(fork()); }");
  EXPECT_TRUE(b.model->sites()[0].escapes);
}

TEST(ForkSiteModel, KnownPidConsumersDoNotTest) {
  Built b = build("void f(void) { pid_t p = fork(); waitpid(p, 0, 0); }");
  const ForkSite &s = b.model->sites()[0];
  EXPECT_FALSE(s.escapes);
  EXPECT_FALSE(s.testsChild());
}

TEST(ForkSiteModel, NamespacedForkIsNotLibc) {
  Built b = build("namespace n { int fork(); }\nvoid f() { n::fork(); }", "input.cpp");
  EXPECT_TRUE(b.model->sites().empty());
}

} // namespace
