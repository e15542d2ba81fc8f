//===- PatternRewriteTest.cpp - The greedy driver with custom patterns ----===//
#include "passes/PatternRewrite.h"
#include "ir/AsmParser.h"
#include "ir/AsmPrinter.h"
#include "ir/Verifier.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace irc;

namespace {

/// aten.neg.int(aten.neg.int(x)) -> x.
struct DoubleNegation : RewritePattern {
  DoubleNegation() : RewritePattern(OpId::AtenNegInt) {}
  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    ++*calls;
    Operation *inner = op->getOperand(0)->getDefiningOp();
    if (!inner || !inner->is(OpId::AtenNegInt))
      return failure();
    rw.replaceOp(op, {inner->getOperand(0)});
    return success();
  }
  std::shared_ptr<unsigned> calls = std::make_shared<unsigned>(0);
};

/// aten.mul.int(x, 2) -> aten.add.int(x, x), for any op (no root).
struct MulByTwoToAdd : RewritePattern {
  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    int64_t k;
    if (!op->is(OpId::AtenMulInt) || !matchConstantInt(op->getOperand(1), k) ||
        k != 2)
      return failure();
    Value *x = op->getOperand(0);
    Operation *add = rw.create(op->getLoc(), OpId::AtenAddInt,
                               {getIntType(op->getContext())}, {x, x});
    rw.replaceOp(op, {add->getResult(0)});
    return success();
  }
};

/// Bumps a counter attribute every time it sees the op, without telling the
/// rewriter: it breaks the driver's contract, so every scan changes the IR.
struct BumpEachRound : RewritePattern {
  BumpEachRound() : RewritePattern(OpId::AtenAddInt) {}
  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    Attribute n = op->getAttr("rounds");
    op->setAttr("rounds", getIntAttr(op->getContext(), n ? n.getInt() + 1 : 1));
    return success();
  }
};

std::string print(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printOp(op, os);
  return os.str();
}

std::optional<Module> parse(llvm::StringRef text, Context &ctx) {
  std::optional<Module> m = parseSourceString(text, ctx);
  EXPECT_TRUE(m);
  return m;
}

Operation *func(Module &m) { return m.getFunctions()[0].getOperation(); }

/// A second scan checks that the first reached the fixpoint.
GreedyRewriteConfig verified() {
  GreedyRewriteConfig config;
  config.verifyFixpoint = true;
  return config;
}

TEST(PatternRewrite, CustomPatternRewritesToAFixpoint) {
  Context ctx;
  auto m = parse(R"(
func @f(%x: i64) -> i64 {
  %a = aten.neg.int(%x) : (i64) -> i64
  %b = aten.neg.int(%a) : (i64) -> i64
  %c = aten.neg.int(%b) : (i64) -> i64
  %d = aten.neg.int(%c) : (i64) -> i64
  %e = aten.neg.int(%d) : (i64) -> i64
  return %e : i64
}
)",
                 ctx);
  ASSERT_TRUE(m);
  PatternList patterns;
  auto pattern = std::make_unique<DoubleNegation>();
  auto calls = pattern->calls;
  patterns.push_back(std::move(pattern));
  GreedyRewriteStats stats =
      applyPatternsGreedily(func(*m), patterns, verified());
  EXPECT_TRUE(stats.converged);
  EXPECT_GE(stats.numRewritten, 2u);
  EXPECT_GT(*calls, 0u);
  EXPECT_TRUE(succeeded(verify(m->getOperation())));
  // Five negations are one.
  EXPECT_EQ(print(m->getOperation()), "func @f(%x: i64) -> i64 {\n"
                                      "  %e = aten.neg.int(%x) : (i64) -> i64\n"
                                      "  return %e : i64\n"
                                      "}\n");
}

TEST(PatternRewrite, RootedPatternsOnlySeeTheirOps) {
  Context ctx;
  auto m = parse(R"(
func @f(%x: i64) -> i64 {
  %a = aten.add.int(%x, %x) : (i64, i64) -> i64
  %b = aten.mul.int(%a, %x) : (i64, i64) -> i64
  return %b : i64
}
)",
                 ctx);
  ASSERT_TRUE(m);
  PatternList patterns;
  auto pattern = std::make_unique<DoubleNegation>();
  auto calls = pattern->calls;
  patterns.push_back(std::move(pattern));
  GreedyRewriteStats stats =
      applyPatternsGreedily(func(*m), patterns, verified());
  EXPECT_EQ(*calls, 0u);
  EXPECT_EQ(stats.numRewritten, 0u);
  EXPECT_TRUE(stats.converged);
}

TEST(PatternRewrite, NewOpsAreFoldedAndRewritten) {
  Context ctx;
  auto m = parse(R"(
func @f(%x: i64) -> i64 {
  %two = constant 2 : i64
  %three = constant 3 : i64
  %a = aten.mul.int(%x, %two) : (i64, i64) -> i64
  %b = aten.mul.int(%three, %two) : (i64, i64) -> i64
  %c = aten.add.int(%a, %b) : (i64, i64) -> i64
  return %c : i64
}
)",
                 ctx);
  ASSERT_TRUE(m);
  PatternList patterns;
  patterns.push_back(std::make_unique<MulByTwoToAdd>());
  GreedyRewriteStats stats =
      applyPatternsGreedily(func(*m), patterns, verified());
  EXPECT_TRUE(stats.converged);
  EXPECT_EQ(stats.numFolded, 1u);    // 3 * 2 folds before the pattern runs
  EXPECT_EQ(stats.numRewritten, 1u); // x * 2
  EXPECT_EQ(stats.numErased, 2u);    // the constants 2 and 3
  EXPECT_TRUE(succeeded(verify(m->getOperation())));
  // A folded op becomes the constant in place: %b keeps its name.
  EXPECT_EQ(print(m->getOperation()),
            "func @f(%x: i64) -> i64 {\n"
            "  %0 = aten.add.int(%x, %x) : (i64, i64) -> i64\n"
            "  %b = constant 6 : i64\n"
            "  %c = aten.add.int(%0, %b) : (i64, i64) -> i64\n"
            "  return %c : i64\n"
            "}\n");
}

constexpr const char *kFoldable = R"(
func @f(%x: i64) -> i64 {
  %one = constant 1 : i64
  %two = constant 2 : i64
  %sum = aten.add.int(%one, %two) : (i64, i64) -> i64
  %dead = aten.mul.int(%x, %x) : (i64, i64) -> i64
  %r = aten.add.int(%x, %sum) : (i64, i64) -> i64
  return %r : i64
}
)";

TEST(PatternRewrite, FoldingAndDeadCodeByDefault) {
  Context ctx;
  auto m = parse(kFoldable, ctx);
  ASSERT_TRUE(m);
  GreedyRewriteStats stats = applyPatternsGreedily(func(*m), {});
  EXPECT_EQ(stats.numFolded, 1u);
  EXPECT_EQ(stats.numErased, 3u); // %dead, %one, %two
  EXPECT_EQ(print(m->getOperation()),
            "func @f(%x: i64) -> i64 {\n"
            "  %sum = constant 3 : i64\n"
            "  %r = aten.add.int(%x, %sum) : (i64, i64) -> i64\n"
            "  return %r : i64\n"
            "}\n");
}

TEST(PatternRewrite, FoldingCanBeTurnedOff) {
  Context ctx;
  auto m = parse(kFoldable, ctx);
  ASSERT_TRUE(m);
  GreedyRewriteConfig config;
  config.fold = false;
  GreedyRewriteStats stats = applyPatternsGreedily(func(*m), {}, config);
  EXPECT_EQ(stats.numFolded, 0u);
  EXPECT_EQ(stats.numErased, 1u); // only %dead
  EXPECT_NE(print(m->getOperation()).find("%sum = aten.add.int"),
            std::string::npos);
}

TEST(PatternRewrite, DeadOpErasureCanBeTurnedOff) {
  Context ctx;
  auto m = parse(kFoldable, ctx);
  ASSERT_TRUE(m);
  GreedyRewriteConfig config;
  config.eraseDeadOps = false;
  GreedyRewriteStats stats = applyPatternsGreedily(func(*m), {}, config);
  EXPECT_EQ(stats.numFolded, 1u);
  EXPECT_EQ(stats.numErased, 0u);
  std::string text = print(m->getOperation());
  EXPECT_NE(text.find("%dead = aten.mul.int"), std::string::npos);
  EXPECT_NE(text.find("%one = constant 1"), std::string::npos);
}

const char *kOneAdd = R"(
func @f(%x: i64, %y: i64) -> i64 {
  %a = aten.add.int(%x, %y) : (i64, i64) -> i64
  return %a : i64
}
)";

TEST(PatternRewrite, ScansOnce) {
  Context ctx;
  auto m = parse(kOneAdd, ctx);
  ASSERT_TRUE(m);
  PatternList patterns;
  patterns.push_back(std::make_unique<BumpEachRound>());
  GreedyRewriteStats stats = applyPatternsGreedily(func(*m), patterns);
  EXPECT_TRUE(stats.converged);
  EXPECT_EQ(stats.numRewritten, 1u);
  EXPECT_NE(print(m->getOperation()).find("{rounds = 1}"), std::string::npos);
}

TEST(PatternRewrite, VerifyFixpointCatchesUnreportedChanges) {
  Context ctx;
  auto m = parse(kOneAdd, ctx);
  ASSERT_TRUE(m);
  PatternList patterns;
  patterns.push_back(std::make_unique<BumpEachRound>());
  GreedyRewriteConfig config;
  config.verifyFixpoint = true;
  GreedyRewriteStats stats = applyPatternsGreedily(func(*m), patterns, config);
  EXPECT_FALSE(stats.converged);
  EXPECT_EQ(stats.numRewritten, 2u);
  EXPECT_NE(print(m->getOperation()).find("{rounds = 2}"), std::string::npos);
  EXPECT_TRUE(succeeded(verify(m->getOperation())));
}

TEST(PatternRewrite, TryFold) {
  Context ctx;
  auto m = parse(kFoldable, ctx);
  ASSERT_TRUE(m);
  Operation *sum = nullptr, *r = nullptr, *one = nullptr;
  func(*m)->walk([&](Operation *op) {
    if (op->getNumResults() && op->getResult(0)->getNameHint() == "sum")
      sum = op;
    if (op->getNumResults() && op->getResult(0)->getNameHint() == "r")
      r = op;
    if (op->getNumResults() && op->getResult(0)->getNameHint() == "one")
      one = op;
  });
  ASSERT_TRUE(sum && r && one);
  Rewriter rewriter(ctx);
  // Constants and ops with non-constant operands do not fold.
  EXPECT_FALSE(tryFold(one, rewriter));
  EXPECT_FALSE(tryFold(r, rewriter));
  EXPECT_TRUE(tryFold(sum, rewriter));
  Value *folded = r->getOperand(1);
  EXPECT_EQ(getConstantValue(folded), getIntAttr(ctx, 3));
  // A one-result op becomes the constant in place: same op, same result,
  // same name, no operands left.
  EXPECT_EQ(folded, sum->getResult(0));
  EXPECT_TRUE(sum->is(OpId::Constant));
  EXPECT_EQ(sum->getNumOperands(), 0u);
  EXPECT_EQ(sum->getBlock(), r->getBlock());
  EXPECT_TRUE(one->getResult(0)->use_empty());
  EXPECT_TRUE(succeeded(verify(m->getOperation())));
}

} // namespace
