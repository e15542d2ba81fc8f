//===- PassManagerTest.cpp - Pipelines, options, statistics, verify-each --===//
#include "passes/PassManager.h"
#include "ir/AsmParser.h"
#include "ir/AsmPrinter.h"
#include "test/unit/TestUtils.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace irc;

namespace {

using test::DiagCapture;

std::vector<std::string> passNames(const PassManager &pm) {
  std::vector<std::string> names;
  for (const auto &p : pm.getPasses())
    names.push_back(p->getArgument().str());
  return names;
}

using Names = std::vector<std::string>;

TEST(PassManager, RegisteredPasses) {
  Names names;
  for (const PassInfo &info : getRegisteredPasses()) {
    names.push_back(info.argument.str());
    EXPECT_FALSE(info.summary.empty());
    EXPECT_EQ(info.factory()->getArgument(), info.argument);
  }
  EXPECT_EQ(
      names,
      (Names{"canonicalize", "conv1d-to-conv2d", "cse", "dce", "fold-conv-bn",
             "fold-linear-bn", "fold-prepack", "freeze", "fuse-add-relu",
             "fuse-channel-shuffle", "fuse-clamp", "hoist-packed-params", "infer-shapes", "inline",
             "insert-prepack", "remove-dropout", "unpack-prepacked",
             "unroll-constant-loops", "vulkan-automatic-gpu-transfer", "vulkan-partition",
             "xnnpack-partition"}));
  EXPECT_EQ(lookupPass("cse"), &getRegisteredPasses()[2]);
  EXPECT_EQ(lookupPass("cse2"), nullptr);
}

TEST(PassManager, PipelineParsing) {
  PassManager pm;
  EXPECT_EQ(pm.addPipeline(""), "");
  EXPECT_EQ(pm.addPipeline("  "), "");
  EXPECT_TRUE(pm.getPasses().empty());
  EXPECT_EQ(pm.addPipeline(" canonicalize , cse,dce "), "");
  EXPECT_EQ(passNames(pm), (Names{"canonicalize", "cse", "dce"}));
  // Pipelines append.
  EXPECT_EQ(pm.addPipeline("inline"), "");
  EXPECT_EQ(passNames(pm), (Names{"canonicalize", "cse", "dce", "inline"}));
}

struct PipelineError {
  const char *pipeline;
  const char *error;
};

// Names the test cases by their pipeline (not by the struct's bytes).
void PrintTo(const PipelineError &e, std::ostream *os) {
  *os << '\'' << e.pipeline << '\'';
}

class PipelineErrors : public ::testing::TestWithParam<PipelineError> {};

TEST_P(PipelineErrors, ReportsAndAddsNothing) {
  PassManager pm;
  ASSERT_EQ(pm.addPipeline("cse"), "");
  std::string err = pm.addPipeline(GetParam().pipeline);
  EXPECT_NE(err, "");
  EXPECT_NE(err.find(GetParam().error), std::string::npos) << err;
  // Even passes before the bad element are not added.
  EXPECT_EQ(passNames(pm), Names{"cse"});
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PipelineErrors,
    ::testing::Values(
        PipelineError{"canonicalize,frobnicate",
                      "unknown pass 'frobnicate' in pipeline"},
        PipelineError{"dce,unroll-constant-loops{max-trip-count=abc}",
                      "invalid value 'abc' for option 'max-trip-count' of "
                      "pass 'unroll-constant-loops'"},
        PipelineError{"unroll-constant-loops{max-trip-count=}",
                      "invalid value '' for option 'max-trip-count'"},
        PipelineError{"dce,unroll-constant-loops{bogus=1}",
                      "pass 'unroll-constant-loops' has no option 'bogus'"},
        PipelineError{"dce,unroll-constant-loops{max-trip-count=2",
                      "missing '}' after the options of "
                      "'unroll-constant-loops'"},
        PipelineError{"canonicalize{verify-fixpoint=true,cse",
                      "missing '}' after the options of 'canonicalize'"},
        PipelineError{"cse,,dce", "empty pass name"},
        PipelineError{"cse,{verify-fixpoint=true}", "empty pass name"},
        PipelineError{"canonicalize{verify-fixpoint=yes}",
                      "invalid value 'yes' for option 'verify-fixpoint'"},
        PipelineError{"canonicalize{verify-fixpoint}",
                      "expected key=value in the options of 'canonicalize'"},
        PipelineError{"cse}", "unknown pass 'cse}'"}));

std::string optionValue(const Pass &pass, llvm::StringRef name) {
  for (Pass::OptionBase *opt : pass.getOptions())
    if (opt->name == name)
      return opt->getValueString();
  ADD_FAILURE() << "no option " << name.str();
  return "";
}

uint64_t statistic(const Pass &pass, llvm::StringRef name) {
  for (Pass::Statistic *s : pass.getStatistics())
    if (s->name == name)
      return s->getValue();
  ADD_FAILURE() << "no statistic " << name.str();
  return 0;
}

TEST(PassManager, OptionsAreParsed) {
  PassManager pm;
  ASSERT_EQ(pm.addPipeline("unroll-constant-loops{max-trip-count=2},"
                           "unroll-constant-loops,"
                           "canonicalize{verify-fixpoint=true},canonicalize"),
            "");
  ASSERT_EQ(pm.getPasses().size(), 4u);
  EXPECT_EQ(optionValue(*pm.getPasses()[0], "max-trip-count"), "2");
  EXPECT_EQ(optionValue(*pm.getPasses()[1], "max-trip-count"), "16");
  EXPECT_EQ(optionValue(*pm.getPasses()[2], "verify-fixpoint"), "true");
  EXPECT_EQ(optionValue(*pm.getPasses()[3], "verify-fixpoint"), "false");
  EXPECT_NE(pm.getPasses()[0]->setOption("max-trip-count", "x"), "");
  EXPECT_EQ(pm.getPasses()[0]->setOption("max-trip-count", "-1"), "");
  EXPECT_EQ(optionValue(*pm.getPasses()[0], "max-trip-count"), "-1");
}

TEST(PassManager, ListOptionsSplitOnSemicolonsAndAppend) {
  PassManager pm;
  // `,` separates options, so list items are separated by `;`, and a
  // repeated key adds to the list.
  ASSERT_EQ(pm.addPipeline("freeze{preserve-methods=encode;decode,"
                           "preserve-methods=reset},freeze"),
            "");
  ASSERT_EQ(pm.getPasses().size(), 2u);
  EXPECT_EQ(optionValue(*pm.getPasses()[0], "preserve-methods"),
            "encode;decode;reset");
  EXPECT_EQ(optionValue(*pm.getPasses()[1], "preserve-methods"), "");
  EXPECT_EQ(pm.getPasses()[1]->setOption("preserve-methods", ";a;;b;"), "");
  EXPECT_EQ(optionValue(*pm.getPasses()[1], "preserve-methods"), "a;b");
}

/// Two for-loops with constant trip counts 2 and 3.
constexpr const char *kLoops = R"(
func @f(%x: i64) -> (i64, i64) {
  %true = constant true : bool
  %two = constant 2 : i64
  %three = constant 3 : i64
  %a = prim.loop %two, %true iter(%i, %acc = %x) -> i64 {
    %n = aten.add.int(%acc, %i) : (i64, i64) -> i64
    prim.yield %true, %n : bool, i64
  }
  %b = prim.loop %three, %true iter(%j, %acc2 = %x) -> i64 {
    %m = aten.mul.int(%acc2, %j) : (i64, i64) -> i64
    prim.yield %true, %m : bool, i64
  }
  return %a, %b : i64, i64
}
)";

unsigned countOps(Operation *root, OpId id) {
  unsigned n = 0;
  root->walk([&](Operation *op) { n += op->is(id); });
  return n;
}

TEST(PassManager, OptionChangesWhatAPassDoes) {
  Context ctx;
  for (int64_t maxTrip : {1, 2, 3}) {
    SCOPED_TRACE(maxTrip);
    std::optional<Module> m = parseSourceString(kLoops, ctx);
    ASSERT_TRUE(m);
    PassManager pm;
    ASSERT_EQ(pm.addPipeline("unroll-constant-loops{max-trip-count=" +
                             std::to_string(maxTrip) + "}"),
              "");
    std::string log;
    llvm::raw_string_ostream os(log);
    ASSERT_TRUE(succeeded(pm.run(m->getOperation(), os)));
    unsigned unrolled = maxTrip >= 3 ? 2 : maxTrip >= 2 ? 1 : 0;
    EXPECT_EQ(countOps(m->getOperation(), OpId::PrimLoop), 2 - unrolled);
    EXPECT_EQ(statistic(*pm.getPasses()[0], "num-unrolled"), unrolled);
    // Each unrolled copy has its own add/mul.
    EXPECT_EQ(countOps(m->getOperation(), OpId::AtenAddInt),
              maxTrip >= 2 ? 2u : 1u);
  }
}

TEST(PassManager, StatisticsCountWhatHappened) {
  Context ctx;
  std::optional<Module> m = parseSourceString(R"(
func @f(%x: i64) -> i64 {
  %c2 = constant 2 : i64
  %c3 = constant 3 : i64
  %a = aten.add.int(%c2, %c3) : (i64, i64) -> i64
  %b = aten.mul.int(%a, %c3) : (i64, i64) -> i64
  %dead = aten.neg.int(%x) : (i64) -> i64
  %y = aten.add.int(%x, %b) : (i64, i64) -> i64
  %y2 = aten.add.int(%x, %b) : (i64, i64) -> i64
  %z = aten.mul.int(%y, %y2) : (i64, i64) -> i64
  return %z : i64
}
)",
                                              ctx);
  ASSERT_TRUE(m);
  PassManagerOptions options;
  options.statistics = true;
  PassManager pm(options);
  ASSERT_EQ(pm.addPipeline("canonicalize,cse,dce"), "");
  std::string log;
  llvm::raw_string_ostream os(log);
  ASSERT_TRUE(succeeded(pm.run(m->getOperation(), os)));
  const Pass &canon = *pm.getPasses()[0], &cse = *pm.getPasses()[1],
             &dce = *pm.getPasses()[2];
  EXPECT_EQ(statistic(canon, "num-folded"), 2u); // %a, %b
  // %dead, %c2, %c3 and the 5 that %a folded to, once their users are gone.
  EXPECT_EQ(statistic(canon, "num-erased"), 4u);
  EXPECT_EQ(statistic(canon, "num-rewritten"), 0u);
  EXPECT_EQ(statistic(cse, "num-cse'd"), 1u); // %y2
  EXPECT_EQ(statistic(dce, "num-erased"), 0u);
  EXPECT_NE(log.find("Pass statistics report"), std::string::npos);
  EXPECT_NE(log.find("(S) 2 num-folded - Operations folded"), std::string::npos)
      << log;
  EXPECT_NE(log.find("(S) 1 num-cse'd"), std::string::npos) << log;

  // Statistics accumulate over runs of the same pass manager.
  ASSERT_TRUE(succeeded(pm.run(m->getOperation(), os)));
  EXPECT_EQ(statistic(canon, "num-folded"), 2u);
  EXPECT_EQ(statistic(cse, "num-cse'd"), 1u);
}

/// A pass that makes the IR invalid: the function returns nothing.
class BreakReturnPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "break-return"; }
  LogicalResult run(Operation *module) override {
    module->walk([](Operation *op) {
      if (op->is(OpId::Return))
        op->setOperands({});
    });
    return success();
  }
};

/// A pass that fails, reporting why.
class FailingPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "fail"; }
  LogicalResult run(Operation *module) override {
    ++runs;
    return module->emitError() << "cannot do it";
  }
  Statistic runs{*this, "runs", "Times run"};
};

constexpr const char *kSimple = R"(
func @f(%x: i64) -> i64 {
  %a = aten.neg.int(%x) : (i64) -> i64
  return %a : i64
}
)";

TEST(PassManager, VerifyEachCatchesABrokenPass) {
  Context ctx;
  std::optional<Module> m = parseSourceString(kSimple, ctx);
  ASSERT_TRUE(m);
  PassManager pm;
  pm.addPass(std::make_unique<BreakReturnPass>());
  ASSERT_EQ(pm.addPipeline("cse"), "");
  DiagCapture diags(ctx);
  EXPECT_TRUE(failed(pm.run(m->getOperation(), llvm::nulls())));
  ASSERT_EQ(diags.diags.size(), 2u);
  EXPECT_NE(diags.diags[0].message.find("has 0 operand"), std::string::npos)
      << diags.diags[0].message;
  EXPECT_EQ(diags.diags[1].message,
            "the IR is invalid after pass 'break-return'");
}

TEST(PassManager, VerifyEachCanBeTurnedOff) {
  Context ctx;
  std::optional<Module> m = parseSourceString(kSimple, ctx);
  ASSERT_TRUE(m);
  PassManagerOptions options;
  options.verifyEach = false;
  PassManager pm(options);
  pm.addPass(std::make_unique<BreakReturnPass>());
  DiagCapture diags(ctx);
  EXPECT_TRUE(succeeded(pm.run(m->getOperation(), llvm::nulls())));
  EXPECT_TRUE(diags.diags.empty());
}

TEST(PassManager, AFailingPassStopsThePipeline) {
  Context ctx;
  std::optional<Module> m = parseSourceString(kSimple, ctx);
  ASSERT_TRUE(m);
  PassManagerOptions options;
  options.printIRAfter = {"fail", "cse"};
  PassManager pm(options);
  ASSERT_EQ(pm.addPipeline("cse"), "");
  pm.addPass(std::make_unique<FailingPass>());
  pm.addPass(std::make_unique<FailingPass>());
  DiagCapture diags(ctx);
  std::string log;
  llvm::raw_string_ostream os(log);
  EXPECT_TRUE(failed(pm.run(m->getOperation(), os)));
  // The pass said why; the pass manager adds nothing.
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_EQ(diags.diags[0].message, "cannot do it");
  EXPECT_EQ(statistic(*pm.getPasses()[1], "runs"), 1u);
  EXPECT_EQ(statistic(*pm.getPasses()[2], "runs"), 0u);
  EXPECT_NE(log.find("// -----// IR Dump After cse //----- //"),
            std::string::npos);
  EXPECT_EQ(log.find("IR Dump After fail"), std::string::npos);
}

TEST(PassManager, PrintIRBeforeAndAfter) {
  Context ctx;
  std::optional<Module> m = parseSourceString(kSimple, ctx);
  ASSERT_TRUE(m);
  PassManagerOptions options;
  options.printIRBefore = {"dce"};
  options.printIRAfterAll = true;
  PassManager pm(options);
  ASSERT_EQ(pm.addPipeline("cse,dce"), "");
  std::string log;
  llvm::raw_string_ostream os(log);
  ASSERT_TRUE(succeeded(pm.run(m->getOperation(), os)));
  size_t afterCse = log.find("IR Dump After cse");
  size_t beforeDce = log.find("IR Dump Before dce");
  size_t afterDce = log.find("IR Dump After dce");
  ASSERT_NE(afterCse, std::string::npos);
  ASSERT_NE(beforeDce, std::string::npos);
  ASSERT_NE(afterDce, std::string::npos);
  EXPECT_LT(afterCse, beforeDce);
  EXPECT_LT(beforeDce, afterDce);
  EXPECT_NE(log.find("aten.neg.int", afterDce), std::string::npos);
}

} // namespace
