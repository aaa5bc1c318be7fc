// The fork regions (child / parent / error outcomes over the CFG) and the wait model on small
// translation units.
#include "model/ForkRegions.h"
#include "model/ForkSites.h"
#include "model/Summaries.h"
#include "model/UseIndex.h"
#include "model/WaitCalls.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include <gtest/gtest.h>

using namespace clang;
using namespace procsan::analyzer;

namespace {

const char *kPrelude = "typedef int pid_t; pid_t fork(void); void _exit(int) "
                       "__attribute__((noreturn)); int waitpid(pid_t, int *, int);\n"
                       "void mark(int); pid_t wait(int *);\n";

struct Fixture {
  std::unique_ptr<ASTUnit> unit;
  std::unique_ptr<UseIndex> uses;
  std::unique_ptr<ForkSiteModel> sites;
  std::unique_ptr<FunctionSummaries> summaries;
  std::vector<ForkRegion> regions;

  explicit Fixture(const std::string &code) {
    unit = tooling::buildASTFromCodeWithArgs(kPrelude + code, {"-fsyntax-only"}, "input.c");
    uses = std::make_unique<UseIndex>(unit->getASTContext());
    sites = std::make_unique<ForkSiteModel>(unit->getASTContext(), *uses);
    summaries = std::make_unique<FunctionSummaries>(unit->getASTContext());
    for (const ForkSite &s : sites->sites())
      regions.emplace_back(s, *summaries);
  }

  // The outcomes at the call mark(n).
  uint8_t at(int n) {
    for (const CallExpr *c : uses->allCalls()) {
      const FunctionDecl *fd = c->getDirectCallee();
      Expr::EvalResult r;
      if (fd && fd->getName() == "mark" && c->getArg(0)->EvaluateAsInt(r, unit->getASTContext()) &&
          r.Val.getInt() == n)
        return regions.front().outcomesAt(c);
    }
    return 0xff;
  }
};

TEST(ForkRegion, BranchesSplitTheOutcomes) {
  Fixture f("void g(void) { mark(0); pid_t p = fork(); mark(1);\n"
            "  if (p < 0) { mark(2); return; }\n"
            "  if (p == 0) { mark(3); _exit(0); }\n"
            "  mark(4); }");
  ASSERT_EQ(f.regions.size(), 1u);
  ASSERT_TRUE(f.regions[0].valid());
  EXPECT_EQ(f.at(0), 0);      // before the fork
  EXPECT_EQ(f.at(1), OutAll); // right after it: everyone
  EXPECT_EQ(f.at(2), OutError);
  EXPECT_EQ(f.at(3), OutChild);
  EXPECT_EQ(f.at(4), OutParent);
  EXPECT_TRUE(f.regions[0].childExits().empty()); // the child ends in _exit
  EXPECT_FALSE(f.regions[0].childReachesForkAgain());
  ASSERT_NE(f.regions[0].childBranchTest(), nullptr);
}

TEST(ForkRegion, SwitchAndFallThrough) {
  Fixture f("void g(void) { switch (fork()) { case -1: mark(1); return;\n"
            "  case 0: mark(2); break; default: mark(3); }\n"
            "  mark(4); }");
  EXPECT_EQ(f.at(1), OutError);
  EXPECT_EQ(f.at(2), OutChild);
  EXPECT_EQ(f.at(3), OutParent);
  EXPECT_EQ(f.at(4), OutChild | OutParent);
  ASSERT_EQ(f.regions[0].childExits().size(), 1u); // the child's break reaches shared code
  EXPECT_FALSE(f.regions[0].childExits()[0].leavesFunction);
}

TEST(ForkRegion, LoopingChildReachesTheForkAgain) {
  Fixture f("void g(int n) { for (int i = 0; i < n; ++i) { if (fork() == 0) mark(1); } }");
  EXPECT_TRUE(f.regions[0].childReachesForkAgain());
  Fixture retry("void g(void) { pid_t p; while ((p = fork()) < 0) mark(1);\n"
                "  if (p == 0) _exit(0); mark(2); }");
  EXPECT_FALSE(retry.regions[0].childReachesForkAgain());
  EXPECT_EQ(retry.at(1), OutError);
  EXPECT_EQ(retry.at(2), OutParent);
}

TEST(ForkRegion, SummariesEndPaths) {
  Fixture f("static void serve(void) { for (;;) mark(9); }\n"
            "void g(void) { if (fork() == 0) serve(); mark(1); }");
  const FunctionDecl *serve = nullptr, *g = nullptr;
  for (const Decl *d : f.unit->getASTContext().getTranslationUnitDecl()->decls())
    if (const auto *fd = dyn_cast<FunctionDecl>(d); fd && fd->hasBody())
      (fd->getName() == "serve" ? serve : g) = fd;
  ASSERT_TRUE(serve && g);
  EXPECT_TRUE(f.summaries->neverReturns(serve)); // loops forever
  EXPECT_FALSE(f.summaries->neverReturns(g));
  EXPECT_EQ(f.at(1), OutError | OutParent); // the child never gets past serve()
  EXPECT_TRUE(f.regions[0].childExits().empty());
}

TEST(WaitModel, FindsWaitsHandlersAndKernelReaping) {
  auto build = [](const std::string &code) {
    auto unit = tooling::buildASTFromCodeWithArgs(
        std::string("#include <signal.h>\n#include <sys/wait.h>\n#include <unistd.h>\n") + code,
        {"-fsyntax-only"}, "input.c");
    return unit;
  };
  auto u1 = build("void h(int s) { (void)s; while (waitpid(-1, 0, WNOHANG) > 0) {} }\n"
                  "void setup(void) { signal(SIGCHLD, h); }\n"
                  "void f(pid_t p) { int st; waitpid(p, &st, 0); }");
  UseIndex i1(u1->getASTContext());
  WaitModel w1(u1->getASTContext(), i1);
  ASSERT_EQ(w1.calls().size(), 2u);
  EXPECT_TRUE(w1.reapsElsewhere());
  EXPECT_TRUE(w1.isSignalHandler(w1.calls()[0].enclosing));
  EXPECT_FALSE(w1.statusIsRead(w1.calls()[1])); // st is never looked at

  auto u2 = build("void setup(void) { struct sigaction sa = {.sa_flags = SA_NOCLDWAIT};\n"
                  "  sigaction(SIGCHLD, &sa, 0); }");
  UseIndex i2(u2->getASTContext());
  WaitModel w2(u2->getASTContext(), i2);
  EXPECT_TRUE(w2.kernelReapsChildren());

  auto u3 = build("void setup(void) { struct sigaction sa = {.sa_flags = SA_RESTART};\n"
                  "  sigaction(SIGPIPE, &sa, 0); signal(SIGPIPE, SIG_IGN); }");
  UseIndex i3(u3->getASTContext());
  WaitModel w3(u3->getASTContext(), i3);
  EXPECT_FALSE(w3.reapsElsewhere()); // ignoring SIGPIPE says nothing about children
}

} // namespace
