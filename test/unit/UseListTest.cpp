//===- UseListTest.cpp - Values keep exact use lists ----------------------===//
//
// Every mutation API is followed by a check that each value's use list holds
// exactly the operand slots that refer to it, found by walking the IR.
//
//===----------------------------------------------------------------------===//
#include "ir/AsmParser.h"
#include "ir/Builder.h"
#include "ir/Module.h"
#include "ir/Rewriter.h"
#include "ir/Verifier.h"
#include "test/unit/TestUtils.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "gtest/gtest.h"

using namespace irc;

namespace {
TEST(UseList, CountsEveryOperandSlot) {
  Context ctx;
  Location loc = getUnknownLoc(ctx);
  Module module(ctx, loc);
  Builder b(ctx);
  b.setInsertionPointToEnd(&module.getBody());
  FuncOp f = FuncOp::create(ctx, loc, "f",
                            getFunctionType(ctx, {}, {getIntType(ctx)}));
  b.insert(f.getOperation());
  b.setInsertionPointToEnd(&f.getEntryBlock());
  Value *one = b.createIntConstant(loc, 1);
  Operation *add =
      b.create(loc, OpId::AtenAddInt, {getIntType(ctx)}, {one, one});
  EXPECT_EQ(one->getNumUses(), 2u);
  Value *two = b.createIntConstant(loc, 2);
  add->setOperand(1, two);
  EXPECT_EQ(one->getNumUses(), 1u);
  EXPECT_EQ(two->getNumUses(), 1u);
  one->replaceAllUsesWith(two);
  EXPECT_TRUE(one->use_empty());
  EXPECT_EQ(two->getNumUses(), 2u);
  for (OpOperand &use : two->getUses())
    EXPECT_EQ(use.getOwner(), add);
  add->setOperands({two});
  EXPECT_EQ(two->getNumUses(), 1u);
  EXPECT_EQ(add->getNumOperands(), 1u);
}

/// Checks that the use lists of every value defined in `root` (and of
/// `extra` values defined elsewhere) hold exactly the operand slots of the
/// ops in `root` that refer to them, each once.
void expectExactUseLists(Operation *root, llvm::ArrayRef<Value *> extra = {}) {
  llvm::DenseMap<Value *, unsigned> counted;
  llvm::DenseSet<Operation *> ops;
  llvm::SmallVector<Value *, 32> values(extra.begin(), extra.end());
  root->walkPreOrder([&](Operation *op) {
    ops.insert(op);
    for (Value *v : op->getOperands())
      ++counted[v];
    for (Value *r : op->getResults())
      values.push_back(r);
    for (unsigned i = 0; i < op->getNumRegions(); ++i)
      for (Block &block : op->getRegion(i))
        for (Value *a : block.getArguments())
          values.push_back(a);
  });
  for (auto &[v, n] : counted)
    if (!llvm::is_contained(values, v))
      ADD_FAILURE() << "an operand refers to a value defined nowhere";
  for (Value *v : values) {
    unsigned walked = counted.lookup(v);
    EXPECT_EQ(v->getNumUses(), walked) << "value %" << v->getNameHint().str();
    llvm::DenseSet<OpOperand *> seen;
    for (OpOperand &use : v->getUses()) {
      EXPECT_TRUE(seen.insert(&use).second) << "use listed twice";
      EXPECT_EQ(use.get(), v);
      EXPECT_TRUE(ops.count(use.getOwner())) << "user outside the IR";
      EXPECT_EQ(use.getOwner()->getOperand(use.getOperandNumber()), v);
    }
    EXPECT_EQ(v->use_empty(), walked == 0);
    EXPECT_EQ(v->hasOneUse(), walked == 1);
  }
}

/// Finds the value named `%name` in `root`.
using test::lookup;

Operation *def(Operation *root, llvm::StringRef name) {
  Value *v = lookup(root, name);
  return v ? v->getDefiningOp() : nullptr;
}

constexpr const char *kFunc = R"(
func @f(%x: i64, %y: i64, %c: bool) -> i64 {
  %a = aten.add.int(%x, %y) : (i64, i64) -> i64
  %b = aten.mul.int(%a, %a) : (i64, i64) -> i64
  %r = prim.if %c -> i64 {
    %t = aten.add.int(%b, %x) : (i64, i64) -> i64
    prim.yield %t : i64
  } else {
    prim.yield %a : i64
  }
  %s = aten.sub.int(%r, %b) : (i64, i64) -> i64
  return %s : i64
}
)";

class UseListFixture : public ::testing::Test {
protected:
  void SetUp() override {
    module = parseSourceString(kFunc, ctx);
    ASSERT_TRUE(module);
    root = module->getOperation();
    expectExactUseLists(root);
  }
  Context ctx;
  std::optional<Module> module;
  Operation *root = nullptr;
};

TEST_F(UseListFixture, InitialCounts) {
  EXPECT_EQ(lookup(root, "a")->getNumUses(), 3u); // %b twice, else yield
  EXPECT_EQ(lookup(root, "x")->getNumUses(), 2u);
  EXPECT_EQ(lookup(root, "b")->getNumUses(), 2u);
  EXPECT_EQ(lookup(root, "s")->getNumUses(), 1u);
}

TEST_F(UseListFixture, SetOperand) {
  Operation *b = def(root, "b");
  Value *x = lookup(root, "x"), *a = lookup(root, "a");
  b->setOperand(0, x);
  EXPECT_EQ(a->getNumUses(), 2u);
  EXPECT_EQ(x->getNumUses(), 3u);
  // Setting the same value again changes nothing.
  b->setOperand(0, x);
  EXPECT_EQ(x->getNumUses(), 3u);
  expectExactUseLists(root);
}

TEST_F(UseListFixture, SetOperandsSameAndDifferentCount) {
  Operation *s = def(root, "s");
  Value *x = lookup(root, "x"), *y = lookup(root, "y");
  Value *r = lookup(root, "r"), *b = lookup(root, "b");
  s->setOperands({y, x});
  EXPECT_TRUE(r->use_empty());
  EXPECT_EQ(b->getNumUses(), 1u);
  expectExactUseLists(root);
  // A different count reallocates the operand slots; uses must move too.
  s->setOperands({x, x, y});
  EXPECT_EQ(s->getNumOperands(), 3u);
  EXPECT_EQ(x->getNumUses(), 4u);
  expectExactUseLists(root);
  s->setOperands({});
  EXPECT_EQ(s->getNumOperands(), 0u);
  expectExactUseLists(root);
  // Operands given as the op's own current operands survive reallocation.
  s->setOperands({b});
  s->setOperands({s->getOperand(0), s->getOperand(0)});
  EXPECT_EQ(s->getOperand(1), b);
  EXPECT_EQ(b->getNumUses(), 3u);
  expectExactUseLists(root);
}

TEST_F(UseListFixture, ReplaceAllUsesWith) {
  Value *a = lookup(root, "a"), *y = lookup(root, "y");
  a->replaceAllUsesWith(y);
  EXPECT_TRUE(a->use_empty());
  EXPECT_EQ(y->getNumUses(), 4u);
  expectExactUseLists(root);
}

TEST_F(UseListFixture, ReplaceUsesWithIf) {
  Value *a = lookup(root, "a"), *x = lookup(root, "x");
  Operation *b = def(root, "b");
  // Only the second operand of %b.
  a->replaceUsesWithIf(x, [&](OpOperand &use) {
    return use.getOwner() == b && use.getOperandNumber() == 1;
  });
  EXPECT_EQ(b->getOperand(0), a);
  EXPECT_EQ(b->getOperand(1), x);
  EXPECT_EQ(a->getNumUses(), 2u);
  expectExactUseLists(root);
  // Uses inside the nested region only.
  Value *bv = lookup(root, "b");
  bv->replaceUsesWithIf(x, [&](OpOperand &use) {
    return use.getOwner()->getParentOp()->is(OpId::PrimIf);
  });
  EXPECT_EQ(bv->getNumUses(), 1u);
  expectExactUseLists(root);
}

TEST_F(UseListFixture, EraseDropsTheUsesOfTheErasedOp) {
  Operation *s = def(root, "s");
  Operation *ret = &s->getBlock()->back();
  ret->setOperand(0, lookup(root, "r"));
  s->erase();
  EXPECT_EQ(lookup(root, "b")->getNumUses(), 1u);
  EXPECT_EQ(lookup(root, "r")->getNumUses(), 1u);
  expectExactUseLists(root);
  EXPECT_TRUE(succeeded(verify(root)));
}

TEST_F(UseListFixture, EraseOpWithRegionDropsNestedUses) {
  Operation *ifOp = def(root, "r");
  Operation *s = def(root, "s");
  s->setOperand(0, lookup(root, "a"));
  Value *x = lookup(root, "x"), *b = lookup(root, "b");
  ASSERT_EQ(x->getNumUses(), 2u);
  ifOp->erase();
  EXPECT_EQ(x->getNumUses(), 1u); // the nested aten.add.int is gone
  EXPECT_EQ(b->getNumUses(), 1u);
  expectExactUseLists(root);
}

TEST_F(UseListFixture, CloneAddsUsesAndRemapsNestedValues) {
  Operation *ifOp = def(root, "r");
  Value *x = lookup(root, "x"), *y = lookup(root, "y");
  Value *a = lookup(root, "a"), *b = lookup(root, "b");
  IRMapping map;
  map.map(b, y);
  Operation *copy = ifOp->clone(map);
  // The copy's nested ops use %x (unmapped) and %y (for %b), and %a.
  EXPECT_EQ(x->getNumUses(), 3u);
  EXPECT_EQ(y->getNumUses(), 2u);
  EXPECT_EQ(b->getNumUses(), 2u);
  EXPECT_EQ(a->getNumUses(), 4u);
  // The copy's yield uses the copy's %t, not the original's.
  Operation &copiedAdd = copy->getRegion(0).front().front();
  Operation &copiedYield = copy->getRegion(0).front().back();
  EXPECT_EQ(copiedYield.getOperand(0), copiedAdd.getResult(0));
  EXPECT_NE(copiedAdd.getResult(0), lookup(root, "t"));
  EXPECT_EQ(copiedAdd.getResult(0)->getNumUses(), 1u);
  EXPECT_EQ(map.lookupOrNull(ifOp->getResult(0)), copy->getResult(0));
  // Insert it and check the whole function.
  copy->moveAfter(ifOp);
  expectExactUseLists(root);
  EXPECT_TRUE(succeeded(verify(root)));
  copy->erase();
  EXPECT_EQ(x->getNumUses(), 2u);
  EXPECT_EQ(y->getNumUses(), 1u);
  expectExactUseLists(root);
}

TEST_F(UseListFixture, DestroyingADetachedCloneReleasesItsUses) {
  Operation *b = def(root, "b");
  Value *a = lookup(root, "a");
  Operation *copy = b->clone();
  EXPECT_EQ(a->getNumUses(), 5u);
  copy->destroy();
  EXPECT_EQ(a->getNumUses(), 3u);
  expectExactUseLists(root);
}

TEST_F(UseListFixture, MoveBeforeKeepsUses) {
  Operation *b = def(root, "b");
  Operation *a = def(root, "a");
  Operation *ifOp = def(root, "r");
  // Move %a into the then region and back; its uses do not change.
  Operation &nested = ifOp->getRegion(0).front().front();
  a->moveBefore(&nested);
  EXPECT_EQ(a->getBlock(), nested.getBlock());
  EXPECT_EQ(a->getResult(0)->getNumUses(), 3u);
  expectExactUseLists(root);
  a->moveBefore(b);
  EXPECT_TRUE(succeeded(verify(root)));
  expectExactUseLists(root);
}

TEST_F(UseListFixture, DropAllReferences) {
  Operation *ifOp = def(root, "r");
  ifOp->dropAllReferences();
  EXPECT_EQ(lookup(root, "c")->getNumUses(), 0u);
  EXPECT_EQ(lookup(root, "x")->getNumUses(), 1u);
  EXPECT_EQ(ifOp->getOperand(0), nullptr);
  // Null operands are fine for the use-list walk; put them back for the end.
  ifOp->setOperand(0, lookup(root, "c"));
  EXPECT_EQ(lookup(root, "c")->getNumUses(), 1u);
}

TEST_F(UseListFixture, RewriterReplaceOp) {
  Rewriter rewriter(ctx);
  Operation *b = def(root, "b");
  Value *a = lookup(root, "a"), *y = lookup(root, "y");
  rewriter.replaceOp(b, {y});
  // %b's two operand uses of %a are gone, its users now use %y.
  EXPECT_EQ(a->getNumUses(), 1u);
  EXPECT_EQ(y->getNumUses(), 3u);
  expectExactUseLists(root);
  EXPECT_TRUE(succeeded(verify(root)));
}

TEST_F(UseListFixture, RewriterEraseOp) {
  Rewriter rewriter(ctx);
  Operation *s = def(root, "s");
  Operation *ret = &s->getBlock()->back();
  rewriter.modifyOpInPlace(ret, [&] { ret->setOperand(0, lookup(root, "b")); });
  rewriter.eraseOp(s);
  EXPECT_EQ(lookup(root, "r")->getNumUses(), 0u);
  expectExactUseLists(root);
  rewriter.eraseOp(def(root, "r"));
  EXPECT_EQ(lookup(root, "c")->getNumUses(), 0u);
  EXPECT_EQ(lookup(root, "x")->getNumUses(), 1u);
  expectExactUseLists(root);
  EXPECT_TRUE(succeeded(verify(root)));
}

TEST_F(UseListFixture, RewriterInlineBlockBefore) {
  Rewriter rewriter(ctx);
  Operation *ifOp = def(root, "r");
  Block &then = ifOp->getRegion(0).front();
  Operation *yield = then.getTerminator();
  Value *t = yield->getOperand(0);
  rewriter.eraseOp(yield);
  rewriter.inlineBlockBefore(then, ifOp, {});
  EXPECT_TRUE(then.empty());
  EXPECT_EQ(t->getDefiningOp()->getBlock(), ifOp->getBlock());
  rewriter.replaceOp(ifOp, {t});
  EXPECT_EQ(t->getNumUses(), 1u);
  EXPECT_EQ(lookup(root, "c")->getNumUses(), 0u);
  expectExactUseLists(root);
  EXPECT_TRUE(succeeded(verify(root)));
}

TEST(UseList, InlineBlockBeforeReplacesArguments) {
  Context ctx;
  auto module = parseSourceString(R"(
func @f(%n: i64, %init: i64) -> i64 {
  %true = constant true : bool
  %out = prim.loop %n, %true iter(%i, %acc = %init) -> i64 {
    %next = aten.add.int(%acc, %i) : (i64, i64) -> i64
    %again = aten.mul.int(%next, %acc) : (i64, i64) -> i64
    prim.yield %true, %again : bool, i64
  }
  return %out : i64
}
)",
                                  ctx);
  ASSERT_TRUE(module);
  Operation *root = module->getOperation();
  Operation *loop = def(root, "out");
  Block &body = loop->getRegion(0).front();
  Value *i = body.getArgument(0), *acc = body.getArgument(1);
  ASSERT_EQ(acc->getNumUses(), 2u);
  Value *n = lookup(root, "n"), *init = lookup(root, "init");
  Operation *yield = body.getTerminator();
  Value *again = yield->getOperand(1);
  Rewriter rewriter(ctx);
  rewriter.eraseOp(yield);
  rewriter.inlineBlockBefore(body, loop, {n, init});
  EXPECT_TRUE(i->use_empty());
  EXPECT_TRUE(acc->use_empty());
  EXPECT_EQ(n->getNumUses(), 2u);    // the loop and the inlined add
  EXPECT_EQ(init->getNumUses(), 3u); // the loop, the add and the mul
  rewriter.replaceOp(loop, {again});
  EXPECT_EQ(n->getNumUses(), 1u);
  EXPECT_EQ(init->getNumUses(), 2u);
  expectExactUseLists(root);
  EXPECT_TRUE(succeeded(verify(root)));
}

TEST(UseList, BuilderCloneUsesMappedValues) {
  Context ctx;
  auto module = parseSourceString(kFunc, ctx);
  ASSERT_TRUE(module);
  Operation *root = module->getOperation();
  Operation *b = def(root, "b");
  Value *x = lookup(root, "x");
  Builder builder(ctx);
  builder.setInsertionPointAfter(b);
  IRMapping map;
  map.map(lookup(root, "a"), x);
  Operation *copy = builder.clone(*b, map);
  EXPECT_EQ(copy->getOperand(0), x);
  EXPECT_EQ(copy->getOperand(1), x);
  EXPECT_EQ(x->getNumUses(), 4u);
  EXPECT_EQ(copy->getResult(0)->getNameHint(), "b");
  expectExactUseLists(root);
}
} // namespace
