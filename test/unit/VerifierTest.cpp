//===- VerifierTest.cpp - Dominance, structure and schema errors ----------===//
//
// Each test breaks valid IR in one way and checks that verify() fails with
// exactly one error, reported at the location of the offending op.
//
//===----------------------------------------------------------------------===//
#include "ir/Verifier.h"
#include "ir/AsmParser.h"
#include "ir/Builder.h"
#include "test/unit/TestUtils.h"
#include "gtest/gtest.h"

using namespace irc;

namespace {

using test::DiagCapture;

constexpr const char *kFunc = R"(
func @f(%x: i64, %c: bool, %t: tensor<2x3xf32>) -> i64 {
  %a = aten.add.int(%x, %x) : (i64, i64) -> i64
  %b = aten.mul.int(%a, %x) : (i64, i64) -> i64
  %r = prim.if %c -> i64 {
    %in = aten.sub.int(%b, %a) : (i64, i64) -> i64
    prim.yield %in : i64
  } else {
    prim.yield %b : i64
  }
  %relu = aten.relu(%t) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : i64
}

func @g(%y: i64) -> i64 {
  %z = aten.neg.int(%y) : (i64) -> i64
  return %z : i64
}
)";

class VerifierFixture : public ::testing::Test {
protected:
  void SetUp() override {
    module = parseSourceString(kFunc, ctx);
    ASSERT_TRUE(module);
    root = module->getOperation();
  }

  Operation *def(llvm::StringRef name) {
    Operation *found = nullptr;
    root->walk([&](Operation *op) {
      for (Value *r : op->getResults())
        if (r->getNameHint() == name)
          found = op;
    });
    EXPECT_TRUE(found) << "no op defining %" << name.str();
    return found;
  }
  Value *val(llvm::StringRef name) { return def(name)->getResult(0); }
  Block &funcBody(unsigned i) {
    return module->getFunctions()[i].getEntryBlock();
  }

  /// Verifies and expects exactly one error at `at`'s location whose text
  /// contains `message`.
  void expectError(Operation *at, llvm::StringRef message) {
    DiagCapture diags(ctx);
    EXPECT_TRUE(failed(verify(root)));
    ASSERT_EQ(diags.diags.size(), 1u);
    const Diagnostic &d = diags.diags[0];
    EXPECT_EQ(d.severity, Severity::Error);
    EXPECT_EQ(d.loc, at->getLoc()) << d.message;
    EXPECT_EQ(d.loc.getKind(), Location::Kind::FileLineCol);
    EXPECT_NE(d.message.find(message.str()), std::string::npos) << d.message;
  }

  Context ctx;
  std::optional<Module> module;
  Operation *root = nullptr;
};

TEST_F(VerifierFixture, ValidIRHasNoDiagnostics) {
  DiagCapture diags(ctx);
  EXPECT_TRUE(succeeded(verify(root)));
  EXPECT_TRUE(diags.diags.empty());
}

TEST_F(VerifierFixture, UseBeforeDefinitionInTheSameBlock) {
  Operation *a = def("a"), *b = def("b");
  b->moveBefore(a);
  expectError(b, "operand #0 ('%a') does not dominate this use");
}

TEST_F(VerifierFixture, DominanceNoteNamesTheDefinition) {
  Operation *a = def("a"), *b = def("b");
  b->moveBefore(a);
  DiagCapture diags(ctx);
  EXPECT_TRUE(failed(verify(root)));
  ASSERT_EQ(diags.diags.size(), 1u);
  ASSERT_EQ(diags.diags[0].notes.size(), 1u);
  EXPECT_EQ(diags.diags[0].notes[0].loc, a->getLoc());
}

TEST_F(VerifierFixture, ValueDefinedInARegionUsedAfterIt) {
  Operation *ret = &funcBody(0).back();
  ret->setOperand(0, val("in"));
  expectError(ret, "does not dominate this use");
}

TEST_F(VerifierFixture, ValueOfTheThenRegionUsedInTheElseRegion) {
  Operation *elseYield = &def("r")->getRegion(1).front().back();
  elseYield->setOperand(0, val("in"));
  expectError(elseYield, "does not dominate this use");
}

TEST_F(VerifierFixture, FunctionsAreIsolatedFromAbove) {
  Operation *z = def("z");
  z->setOperand(0, val("a"));
  expectError(z, "does not dominate this use");
}

TEST_F(VerifierFixture, UsesOfEnclosingValuesInsideRegionsAreFine) {
  // %in already uses %a and %b from the enclosing block; also use an
  // argument of the function.
  def("in")->setOperand(0, funcBody(0).getArgument(0));
  DiagCapture diags(ctx);
  EXPECT_TRUE(succeeded(verify(root)));
  EXPECT_TRUE(diags.diags.empty());
}

TEST_F(VerifierFixture, NullOperand) {
  Operation *b = def("b");
  b->setOperand(1, nullptr);
  expectError(b, "operand #1 is null");
}

TEST_F(VerifierFixture, SchemaOperandCount) {
  Operation *a = def("a");
  a->setOperands({funcBody(0).getArgument(0)});
  expectError(a, "'aten.add.int' op expected 2 operands, got 1");
}

TEST_F(VerifierFixture, SchemaOperandType) {
  Operation *a = def("a");
  a->setOperand(1, funcBody(0).getArgument(1)); // bool, not int
  expectError(a, "operand #1 ('b') must be int, got 'bool'");
}

TEST_F(VerifierFixture, SchemaResultType) {
  Operation *a = def("a");
  // Keep the users valid: only %a's own declared type is wrong.
  Value *x = funcBody(0).getArgument(0);
  a->getResult(0)->replaceAllUsesWith(x);
  a->getResult(0)->setType(getFloatType(ctx));
  expectError(a, "result #0 must be int, got 'f64'");
}

TEST_F(VerifierFixture, ShapeRuleMismatch) {
  Operation *relu = def("relu");
  relu->getResult(0)->setType(getTensorType(ctx, {3, 2}, DType::F32));
  expectError(relu, "result #0 has type 'tensor<3x2xf32>' but the operands "
                    "give 'tensor<2x3xf32>'");
}

TEST_F(VerifierFixture, CompatibleButLessPreciseResultIsFine) {
  def("relu")->getResult(0)->setType(
      getTensorType(ctx, {kDynamic, 3}, DType::F32));
  EXPECT_TRUE(succeeded(verify(root)));
}

TEST_F(VerifierFixture, TerminatorMustBeLast) {
  // The block still ends in a return, so the func itself is fine; the
  // extra return in the middle is not.
  Operation *extra = funcBody(0).back().clone();
  extra->setLoc(getFileLineColLoc(ctx, "x.py", 5, 6));
  funcBody(0).insert(Block::iterator(def("relu")), extra);
  expectError(extra, "must be the last operation in its block");
}

TEST_F(VerifierFixture, RegionMustEndWithYield) {
  Operation *ifOp = def("r");
  ifOp->getRegion(0).front().back().erase();
  expectError(ifOp, "then region must end with 'prim.yield'");
}

TEST_F(VerifierFixture, YieldTypesMustMatchResults) {
  Operation *ifOp = def("r");
  Operation &elseYield = ifOp->getRegion(1).front().back();
  elseYield.setOperand(0, funcBody(0).getArgument(1));
  expectError(ifOp, "else yields 'bool' as value #0, expected 'i64'");
}

TEST_F(VerifierFixture, ReturnTypesMustMatchTheFunction) {
  Operation *ret = &funcBody(1).back();
  ret->setOperands({});
  expectError(ret, "has 0 operands, expected 1");
}

TEST_F(VerifierFixture, UnregisteredOps) {
  Builder b(ctx);
  b.setInsertionPoint(def("b"));
  ctx.setAllowUnregisteredOps(true);
  Location loc = getFileLineColLoc(ctx, "x.py", 7, 1);
  Operation *op = Operation::create(ctx, loc, "custom.thing", {getIntType(ctx)},
                                    {val("a")});
  b.insert(op);
  EXPECT_TRUE(succeeded(verify(root)));
  ctx.setAllowUnregisteredOps(false);
  expectError(op, "unregistered operation 'custom.thing'");
}

TEST_F(VerifierFixture, WrongRegionCount) {
  Builder b(ctx);
  b.setInsertionPoint(def("relu"));
  Location loc = getFileLineColLoc(ctx, "x.py", 9, 2);
  Operation *op = Operation::create(ctx, loc, "prim.if", {},
                                    {funcBody(0).getArgument(1)}, {}, 1);
  b.insert(op);
  expectError(op, "expected 2 regions, got 1");
}

TEST_F(VerifierFixture, CallOfUndefinedFunction) {
  Builder b(ctx);
  b.setInsertionPoint(def("relu"));
  Location loc = getFileLineColLoc(ctx, "x.py", 11, 4);
  Operation *call =
      b.create(loc, OpId::Call, {getIntType(ctx)}, {funcBody(0).getArgument(0)},
               {b.getNamedAttr("callee", getSymbolRefAttr(ctx, "nope"))});
  expectError(call, "calls undefined function '@nope'");
  call->setAttr("callee", getSymbolRefAttr(ctx, "g"));
  EXPECT_TRUE(succeeded(verify(root)));
}

TEST_F(VerifierFixture, DuplicateSymbol) {
  Operation *g = funcBody(1).getParentOp();
  Operation *copy = g->clone();
  module->getBody().push_back(copy);
  expectError(copy, "redefinition of symbol '@g'");
}

TEST_F(VerifierFixture, OpDefinedOutsideAModule) {
  // A function moved out of its module no longer verifies as a func.
  Operation *g = funcBody(1).getParentOp();
  g->remove();
  DiagCapture diags(ctx);
  EXPECT_TRUE(failed(verify(g)));
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_EQ(diags.diags[0].loc, g->getLoc());
  EXPECT_NE(diags.diags[0].message.find("must be at module level"),
            std::string::npos);
  g->destroy();
}

} // namespace
