//===- RewriterTest.cpp - Rewriter mutations and listener events ----------===//
#include "ir/Rewriter.h"
#include "ir/AsmParser.h"
#include "ir/Verifier.h"
#include "test/unit/TestUtils.h"
#include "gtest/gtest.h"

using namespace irc;

namespace {

/// Records what a Rewriter reports, by op name (and result name hint).
struct Recorder : RewriterListener {
  static std::string describe(Operation *op) {
    std::string s = op->getName().str();
    if (op->getNumResults() && !op->getResult(0)->getNameHint().empty())
      s += ":" + op->getResult(0)->getNameHint().str();
    return s;
  }
  void notifyOpInserted(Operation *op) override {
    inserted.push_back(describe(op));
  }
  void notifyOpErased(Operation *op) override {
    erased.push_back(describe(op));
  }
  void notifyOpModified(Operation *op) override {
    modified.push_back(describe(op));
  }
  void clear() {
    inserted.clear();
    erased.clear();
    modified.clear();
  }
  std::vector<std::string> inserted, erased, modified;
};

using Names = std::vector<std::string>;

using test::lookup;

constexpr const char *kFunc = R"(
func @f(%x: i64, %c: bool) -> i64 {
  %one = constant 1 : i64
  %a = aten.add.int(%x, %one) : (i64, i64) -> i64
  %b = aten.mul.int(%a, %a) : (i64, i64) -> i64
  %r = prim.if %c -> i64 {
    %t = aten.sub.int(%b, %one) : (i64, i64) -> i64
    prim.yield %t : i64
  } else {
    prim.yield %a : i64
  }
  return %r : i64
}
)";

class RewriterFixture : public ::testing::Test {
protected:
  void SetUp() override {
    module = parseSourceString(kFunc, ctx);
    ASSERT_TRUE(module);
    root = module->getOperation();
  }
  Context ctx;
  std::optional<Module> module;
  Operation *root = nullptr;
  Recorder rec;
  Rewriter rewriter{ctx, &rec};
};

TEST_F(RewriterFixture, InsertNotifiesNestedOps) {
  Operation *ifOp = lookup(root, "r")->getDefiningOp();
  rewriter.setInsertionPoint(ifOp);
  Operation *copy = ifOp->clone();
  rewriter.insert(copy);
  // Post-order: nested ops first, then the op itself.
  EXPECT_EQ(rec.inserted,
            (Names{"aten.sub.int:t", "prim.yield", "prim.yield", "prim.if:r"}));
  EXPECT_EQ(&*std::next(Block::iterator(copy)), ifOp);
  rec.clear();
  rewriter.createIntConstant(getUnknownLoc(ctx), 5);
  EXPECT_EQ(rec.inserted, Names{"constant"});
}

TEST_F(RewriterFixture, ReplaceAllUsesWithNotifiesEachUser) {
  rewriter.replaceAllUsesWith(lookup(root, "a"), lookup(root, "x"));
  // One notification per use: %b uses %a twice.
  llvm::sort(rec.modified);
  EXPECT_EQ(rec.modified,
            (Names{"aten.mul.int:b", "aten.mul.int:b", "prim.yield"}));
  EXPECT_TRUE(lookup(root, "a")->use_empty());
}

TEST_F(RewriterFixture, ReplaceOpNotifiesUsersAndErasure) {
  Operation *b = lookup(root, "b")->getDefiningOp();
  Value *a = lookup(root, "a");
  rewriter.replaceOp(b, {a});
  EXPECT_EQ(rec.modified,
            (Names{"aten.sub.int:t", "aten.add.int:a", "aten.add.int:a"}));
  EXPECT_EQ(rec.erased, Names{"aten.mul.int:b"});
  EXPECT_EQ(a->getNumUses(), 2u);
  EXPECT_TRUE(succeeded(verify(root)));
}

TEST_F(RewriterFixture, EraseOpNotifiesNestedOpsAndOperandDefinitions) {
  Operation *ifOp = lookup(root, "r")->getDefiningOp();
  Operation *ret = &ifOp->getBlock()->back();
  rewriter.modifyOpInPlace(ret, [&] { ret->setOperand(0, lookup(root, "b")); });
  EXPECT_EQ(rec.modified, Names{"return"});
  rec.clear();
  rewriter.eraseOp(ifOp);
  EXPECT_EQ(rec.erased,
            (Names{"aten.sub.int:t", "prim.yield", "prim.yield", "prim.if:r"}));
  // %c is a block argument: no defining op to notify.
  EXPECT_TRUE(rec.modified.empty());
  EXPECT_EQ(lookup(root, "one")->getNumUses(), 1u);
  EXPECT_TRUE(succeeded(verify(root)));
}

TEST_F(RewriterFixture, MoveNotifiesTheMovedOp) {
  Operation *a = lookup(root, "a")->getDefiningOp();
  Operation *b = lookup(root, "b")->getDefiningOp();
  rewriter.moveOpBefore(b, a);
  EXPECT_EQ(&*std::next(Block::iterator(b)), a);
  rewriter.moveOpAfter(b, a);
  EXPECT_EQ(&*std::next(Block::iterator(a)), b);
  EXPECT_EQ(rec.modified, (Names{"aten.mul.int:b", "aten.mul.int:b"}));
  EXPECT_TRUE(succeeded(verify(root)));
}

TEST_F(RewriterFixture, InlineBlockBeforeMovesOpsAndNotifies) {
  Operation *ifOp = lookup(root, "r")->getDefiningOp();
  Block &then = ifOp->getRegion(0).front();
  Operation *yield = then.getTerminator();
  Value *t = yield->getOperand(0);
  rewriter.eraseOp(yield);
  rec.clear();
  rewriter.inlineBlockBefore(then, ifOp, {});
  EXPECT_EQ(rec.modified, Names{"aten.sub.int:t"});
  EXPECT_TRUE(then.empty());
  EXPECT_EQ(t->getDefiningOp()->getBlock(), ifOp->getBlock());
  EXPECT_EQ(&*std::next(Block::iterator(t->getDefiningOp())), ifOp);
  rewriter.replaceOp(ifOp, {t});
  EXPECT_TRUE(succeeded(verify(root)));
}

TEST(Rewriter, WorksWithoutAListener) {
  Context ctx;
  auto module = parseSourceString(kFunc, ctx);
  ASSERT_TRUE(module);
  Rewriter rewriter(ctx);
  Operation *root = module->getOperation();
  Operation *b = lookup(root, "b")->getDefiningOp();
  rewriter.replaceOp(b, {lookup(root, "x")});
  EXPECT_TRUE(succeeded(verify(root)));
  EXPECT_EQ(lookup(root, "x")->getNumUses(), 2u); // %a and %t
  EXPECT_EQ(lookup(root, "a")->getNumUses(), 1u); // the else yield
}

} // namespace
