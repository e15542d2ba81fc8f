//===- BuilderTest.cpp - Insertion points, shape rules and clone ----------===//
#include "ir/Builder.h"
#include "ir/AsmPrinter.h"
#include "ir/Module.h"
#include "ir/Verifier.h"
#include "test/unit/TestUtils.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include <cstdio>
#include <fstream>

using namespace irc;

namespace {

using test::DiagCapture;

/// The VmFlags line of the mapping (in /proc/self/smaps) that holds `p`, or
/// "" when there is none.
std::string mappingFlags(const void *p) {
  auto addr = reinterpret_cast<uintptr_t>(p);
  std::ifstream smaps("/proc/self/smaps");
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    unsigned long long start, end;
    if (std::sscanf(line.c_str(), "%llx-%llx ", &start, &end) == 2 &&
        line.find(':') > line.find(' '))
      inside = start <= addr && addr < end;
    else if (inside && line.rfind("VmFlags:", 0) == 0)
      return line;
  }
  return "";
}

/// A module with one function `@f(inputs...) -> ()` whose entry block ends
/// in a `return`; the builder inserts before the return.
class BuilderFixture : public ::testing::Test {
protected:
  void makeFunc(llvm::ArrayRef<Type> inputs) {
    func = FuncOp::create(ctx, loc, "f", getFunctionType(ctx, inputs, {}));
    module.getBody().push_back(func.getOperation());
    Block &entry = func.getEntryBlock();
    ret = Operation::create(ctx, loc, OpId::Return, {}, {});
    entry.push_back(ret);
    b.setInsertionPoint(ret);
  }
  Value *arg(unsigned i) { return func.getEntryBlock().getArgument(i); }
  Value *intList(llvm::ArrayRef<int64_t> values) {
    llvm::SmallVector<Attribute, 4> elements;
    for (int64_t v : values)
      elements.push_back(getIntAttr(ctx, v));
    return b.createConstant(loc, getListAttr(ctx, elements),
                            getListType(getIntType(ctx)));
  }
  Value *none() {
    return b.createConstant(loc, getNoneAttr(ctx), getNoneType(ctx));
  }
  std::vector<std::string> opNames() {
    std::vector<std::string> names;
    for (Operation &op : func.getEntryBlock())
      names.push_back(op.getName().str());
    return names;
  }

  Context ctx;
  Location loc = getFileLineColLoc(ctx, "builder.py", 1, 1);
  Module module{ctx, loc};
  FuncOp func;
  Operation *ret = nullptr;
  Builder b{ctx};
};

TEST_F(BuilderFixture, InsertionPoints) {
  makeFunc({getIntType(ctx)});
  Value *one = b.createIntConstant(loc, 1); // before the return
  Operation *first = one->getDefiningOp();
  EXPECT_EQ(&*std::next(Block::iterator(first)), ret);
  EXPECT_EQ(b.getInsertionBlock(), &func.getEntryBlock());
  EXPECT_EQ(&*b.getInsertionPoint(), ret);

  b.setInsertionPointToStart(&func.getEntryBlock());
  b.createIntConstant(loc, 0);
  b.setInsertionPointAfter(first);
  b.createIntConstant(loc, 2);
  b.setInsertionPoint(first);
  b.createBoolConstant(loc, true);
  b.setInsertionPointToEnd(&func.getEntryBlock());
  b.createFloatConstant(loc, 0.5);

  std::vector<int64_t> order;
  std::vector<std::string> kinds;
  for (Operation &op : func.getEntryBlock()) {
    kinds.push_back(op.getName().str());
    Attribute v = op.getAttr("value");
    if (v && v.is(Attribute::Kind::Int))
      order.push_back(v.getInt());
  }
  EXPECT_EQ(order, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"constant", "constant", "constant",
                                      "constant", "return", "constant"}));
  // Insertion keeps inserting before the same point.
  Block &entry = func.getEntryBlock();
  EXPECT_EQ(entry.front().getAttr("value"), getIntAttr(ctx, 0));
  EXPECT_EQ(std::prev(Block::iterator(first))->getAttr("value"),
            getBoolAttr(ctx, true));
  EXPECT_EQ(entry.back().getAttr("value"), getFloatAttr(ctx, 0.5));
}

TEST_F(BuilderFixture, BlockOrderStaysRightUnderInsertions) {
  // isBeforeInBlock keeps cached indices across insertions while they fit
  // between the neighbours' and renumbers when they do not: insert at the
  // front, the end and repeatedly before one op (which exhausts the gap),
  // asking after every insertion, and compare with the list positions.
  makeFunc({});
  Block &entry = func.getEntryBlock();
  Operation *pinned = b.createIntConstant(loc, -1)->getDefiningOp();
  for (int i = 0; i < 60; ++i) {
    switch (i % 3) {
    case 0:
      b.setInsertionPoint(pinned);
      break;
    case 1:
      b.setInsertionPointToStart(&entry);
      break;
    case 2:
      b.setInsertionPointToEnd(&entry);
      break;
    }
    b.createIntConstant(loc, i);
    std::vector<Operation *> ops;
    for (Operation &op : entry)
      ops.push_back(&op);
    for (size_t x = 0; x < ops.size(); x += 7)
      for (size_t y = 0; y < ops.size(); y += 5)
        ASSERT_EQ(ops[x]->isBeforeInBlock(ops[y]), x < y)
            << "after insertion " << i << ": ops " << x << " and " << y;
  }
}

TEST_F(BuilderFixture, CreateSetsTypesAttributesAndLocation) {
  makeFunc({});
  Value *c = b.createIntConstant(loc, 7);
  Operation *op = c->getDefiningOp();
  EXPECT_EQ(op->getBlock(), &func.getEntryBlock());
  EXPECT_EQ(op->getLoc(), loc);
  EXPECT_EQ(c->getType(), getIntType(ctx));
  EXPECT_EQ(op->getAttr("value"), getIntAttr(ctx, 7));
  EXPECT_EQ(getConstantValue(c), getIntAttr(ctx, 7));
  Operation *add = b.create(loc, OpId::AtenAddInt, {getIntType(ctx)}, {c, c},
                            {b.getNamedAttr("zz", getBoolAttr(ctx, true)),
                             b.getNamedAttr("aa", getIntAttr(ctx, 1))});
  // Attributes are kept sorted by name.
  ASSERT_EQ(add->getAttrs().size(), 2u);
  EXPECT_EQ(add->getAttrs()[0].name, "aa");
  EXPECT_EQ(add->getAttrs()[1].name, "zz");
  EXPECT_EQ(add->getName(), "aten.add.int");
  EXPECT_TRUE(add->is(OpId::AtenAddInt));
  EXPECT_TRUE(add->hasTrait(Commutative));
}

TEST_F(BuilderFixture, AttributesOutgrowAndReturnToTheOpsAllocation) {
  // An op keeps the attributes it was created with in its own allocation;
  // more go to the context, fewer fit back. The operands after which they
  // are stored stay intact throughout (the sanitize build checks bounds).
  makeFunc({});
  Value *c = b.createIntConstant(loc, 7);
  Operation *add = b.create(loc, OpId::AtenAddInt, {getIntType(ctx)}, {c, c},
                            {b.getNamedAttr("b", getIntAttr(ctx, 1)),
                             b.getNamedAttr("d", getIntAttr(ctx, 2))});
  auto names = [&] {
    std::string s;
    for (const NamedAttribute &a : add->getAttrs())
      s += (a.name + "=" + llvm::Twine(a.value.getInt()) + " ").str();
    return s;
  };
  EXPECT_EQ(names(), "b=1 d=2 ");
  add->setAttr("d", getIntAttr(ctx, 20));
  EXPECT_EQ(names(), "b=1 d=20 ");
  add->setAttr("a", getIntAttr(ctx, 0));
  add->setAttr("c", getIntAttr(ctx, 3));
  EXPECT_EQ(names(), "a=0 b=1 c=3 d=20 ");
  add->removeAttr("a");
  add->removeAttr("d");
  add->removeAttr("missing");
  EXPECT_EQ(names(), "b=1 c=3 ");
  add->removeAttr("b");
  add->removeAttr("c");
  EXPECT_TRUE(add->getAttrs().empty());
  EXPECT_EQ(add->getOperand(0), c);
  EXPECT_EQ(add->getOperand(1), c);
  EXPECT_EQ(c->getNumUses(), 2u);
  // A folded op keeps its value where the attributes were.
  add->morphIntoConstant(getIntAttr(ctx, 14));
  EXPECT_EQ(getConstantValue(add->getResult(0)), getIntAttr(ctx, 14));
  EXPECT_TRUE(c->use_empty());
  EXPECT_TRUE(succeeded(verify(module.getOperation())));
}

TEST_F(BuilderFixture, OpsPrefetchedLetsTheLoopEraseItsOp) {
  makeFunc({});
  llvm::SmallVector<Operation *, 8> ops;
  for (int64_t i = 0; i < 7; ++i)
    ops.push_back(b.createIntConstant(loc, i)->getDefiningOp());
  // Erase every even constant, the last one included, while iterating.
  llvm::SmallVector<Operation *, 8> seen;
  for (Operation &op : func.getEntryBlock().opsPrefetched()) {
    seen.push_back(&op);
    int64_t v = 0;
    if (op.is(OpId::Constant) && matchConstantInt(op.getResult(0), v) &&
        v % 2 == 0)
      op.erase();
  }
  llvm::SmallVector<Operation *, 8> expected(ops.begin(), ops.end());
  expected.push_back(ret);
  EXPECT_EQ(seen, expected);
  llvm::SmallVector<int64_t, 4> left;
  for (Operation &op : func.getEntryBlock()) {
    int64_t v = 0;
    if (op.is(OpId::Constant) && matchConstantInt(op.getResult(0), v))
      left.push_back(v);
  }
  EXPECT_EQ(left, (llvm::SmallVector<int64_t, 4>{1, 3, 5}));
}

TEST_F(BuilderFixture, ALargeBlocksOpsLieInAddressOrder) {
  // What OpStream relies on: ops are carved from slabs in creation order.
  // 50,000 constants (8 MB) fill slabs from 4 KB up to huge-page ones; only
  // a change of slab may step down in address.
  makeFunc({});
  for (int64_t i = 0; i < 50000; ++i)
    b.createIntConstant(loc, i);
  unsigned ascending = 0, total = 0;
  Operation *prev = nullptr;
  for (Operation &op : func.getEntryBlock()) {
    if (prev) {
      ascending += prev < &op;
      ++total;
    }
    prev = &op;
  }
  EXPECT_GE(ascending, total - 32);
  EXPECT_TRUE(succeeded(verify(module.getOperation())));
  // The last constant lies in a slab of 2 MB or more, which the allocator
  // offers to the kernel for huge pages (madvise shows as "hg" in the
  // mapping's VmFlags) where the kernel has transparent huge pages.
  std::ifstream thp("/sys/kernel/mm/transparent_hugepage/enabled");
  if (!thp)
    GTEST_SKIP() << "this kernel has no transparent huge pages";
  Operation *lastConstant = &*std::prev(Block::iterator(ret));
  ASSERT_TRUE(lastConstant->is(OpId::Constant));
  EXPECT_THAT(mappingFlags(lastConstant), ::testing::HasSubstr(" hg"));
}

TEST_F(BuilderFixture, BuilderWithoutBlockCreatesDetachedOps) {
  Builder detached(ctx);
  Value *c = detached.createIntConstant(loc, 3);
  Operation *op = c->getDefiningOp();
  EXPECT_EQ(op->getBlock(), nullptr);
  op->destroy();
}

TEST_F(BuilderFixture, InferConv2d) {
  Type input = getTensorType(ctx, {1, 3, 224, 224}, DType::F32);
  Type weight = getTensorType(ctx, {64, 3, 7, 7}, DType::F32);
  makeFunc({input, weight});
  Value *bias = none();
  Operation *conv =
      b.createInferred(loc, OpId::AtenConv2d,
                       {arg(0), arg(1), bias, intList({2, 2}), intList({3, 3}),
                        intList({1, 1}), b.createIntConstant(loc, 1)});
  EXPECT_EQ(conv->getResult(0)->getType(),
            getTensorType(ctx, {1, 64, 112, 112}, DType::F32));
  // A single spatial value applies to both dims; dilation 2 grows the window.
  Operation *dilated =
      b.createInferred(loc, OpId::AtenConv2d,
                       {arg(0), arg(1), bias, intList({1}), intList({0}),
                        intList({2}), b.createIntConstant(loc, 1)});
  EXPECT_EQ(dilated->getResult(0)->getType(),
            getTensorType(ctx, {1, 64, 212, 212}, DType::F32));
  EXPECT_TRUE(succeeded(verify(module.getOperation())));
}

TEST_F(BuilderFixture, InferConv2dUnknownStrideGivesDynamicSpatialDims) {
  Type input = getTensorType(ctx, {1, 3, 32, 32}, DType::F32);
  Type weight = getTensorType(ctx, {8, 3, 3, 3}, DType::F32);
  makeFunc({input, weight, getListType(getIntType(ctx))});
  Operation *conv =
      b.createInferred(loc, OpId::AtenConv2d,
                       {arg(0), arg(1), none(), arg(2), intList({1, 1}),
                        intList({1, 1}), b.createIntConstant(loc, 1)});
  EXPECT_EQ(conv->getResult(0)->getType(),
            getTensorType(ctx, {1, 8, kDynamic, kDynamic}, DType::F32));
}

TEST_F(BuilderFixture, InferLinear) {
  Type input = getTensorType(ctx, {2, 512}, DType::F32);
  Type weight = getTensorType(ctx, {1000, 512}, DType::F32);
  Type bias = getTensorType(ctx, {1000}, DType::F32);
  makeFunc({input, weight, bias});
  Operation *fc =
      b.createInferred(loc, OpId::AtenLinear, {arg(0), arg(1), arg(2)});
  EXPECT_EQ(fc->getResult(0)->getType(),
            getTensorType(ctx, {2, 1000}, DType::F32));
  Operation *noBias =
      b.createInferred(loc, OpId::AtenLinear, {arg(0), arg(1), none()});
  EXPECT_EQ(noBias->getResult(0)->getType(),
            getTensorType(ctx, {2, 1000}, DType::F32));
  EXPECT_TRUE(succeeded(verify(module.getOperation())));
}

TEST_F(BuilderFixture, InferReshape) {
  Type input = getTensorType(ctx, {2, 3, 4}, DType::F16);
  makeFunc({input});
  Operation *r1 =
      b.createInferred(loc, OpId::AtenReshape, {arg(0), intList({-1, 4})});
  EXPECT_EQ(r1->getResult(0)->getType(),
            getTensorType(ctx, {6, 4}, DType::F16));
  Operation *r2 =
      b.createInferred(loc, OpId::AtenView, {arg(0), intList({4, 6})});
  EXPECT_EQ(r2->getResult(0)->getType(),
            getTensorType(ctx, {4, 6}, DType::F16));
  // A shape built by prim.list_construct of constants is also constant.
  Value *c2 = b.createIntConstant(loc, 2), *cm1 = b.createIntConstant(loc, -1);
  Operation *list = b.create(loc, OpId::PrimListConstruct,
                             {getListType(getIntType(ctx))}, {c2, cm1});
  Operation *r3 =
      b.createInferred(loc, OpId::AtenReshape, {arg(0), list->getResult(0)});
  EXPECT_EQ(r3->getResult(0)->getType(),
            getTensorType(ctx, {2, 12}, DType::F16));
  EXPECT_TRUE(succeeded(verify(module.getOperation())));
}

TEST_F(BuilderFixture, InferWithoutAShapeRuleOrConstantsIsUnranked) {
  Type input = getTensorType(ctx, {2, 3}, DType::F32);
  makeFunc({input, getListType(getIntType(ctx))});
  // The shape operand is not constant: unknown shape, known dtype.
  Operation *r = b.createInferred(loc, OpId::AtenReshape, {arg(0), arg(1)});
  EXPECT_EQ(r->getResult(0)->getType(), getUnrankedTensorType(ctx, DType::F32));
  // aten.Bool.Tensor has no shape rule.
  Operation *noRule = b.createInferred(loc, OpId::AtenBoolTensor, {arg(0)});
  EXPECT_EQ(noRule->getResult(0)->getType(), getUnrankedTensorType(ctx));
}

TEST_F(BuilderFixture, InferErrorIsReportedAtTheOp) {
  Type input = getTensorType(ctx, {2, 3, 4}, DType::F32);
  makeFunc({input});
  DiagCapture diags(ctx);
  Operation *r =
      b.createInferred(loc, OpId::AtenReshape, {arg(0), intList({5, 5})});
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_EQ(diags.diags[0].severity, Severity::Error);
  EXPECT_EQ(diags.diags[0].loc, loc);
  EXPECT_NE(diags.diags[0].message.find("cannot reshape"), std::string::npos)
      << diags.diags[0].message;
  EXPECT_EQ(r->getResult(0)->getType(), getUnrankedTensorType(ctx));
}

TEST_F(BuilderFixture, CloneDeepCopiesRegions) {
  makeFunc({getBoolType(ctx), getIntType(ctx)});
  Value *c = arg(0), *x = arg(1);
  Operation *ifOp = b.create(loc, OpId::PrimIf, {getIntType(ctx)}, {c});
  for (unsigned i = 0; i < 2; ++i) {
    Block &block = ifOp->getRegion(i).emplaceBlock();
    Builder inner(ctx);
    inner.setInsertionPointToEnd(&block);
    Value *k = inner.createIntConstant(loc, int64_t(i));
    Operation *add =
        inner.create(loc, OpId::AtenAddInt, {getIntType(ctx)}, {x, k});
    inner.create(loc, OpId::PrimYield, {}, {add->getResult(0)});
  }
  ASSERT_TRUE(succeeded(verify(module.getOperation())));

  IRMapping map;
  b.setInsertionPointAfter(ifOp);
  Operation *copy = b.clone(*ifOp, map);
  ASSERT_EQ(copy->getNumRegions(), 2u);
  EXPECT_EQ(&*std::prev(Block::iterator(copy)), ifOp);
  for (unsigned i = 0; i < 2; ++i) {
    Block &orig = ifOp->getRegion(i).front();
    Block &dup = copy->getRegion(i).front();
    ASSERT_EQ(std::distance(dup.begin(), dup.end()), 3);
    Operation &k = dup.front();
    Operation &add = *std::next(dup.begin());
    Operation &yield = dup.back();
    // New ops, new values, wired to each other, not to the original.
    EXPECT_NE(&k, &orig.front());
    EXPECT_EQ(add.getOperand(0), x);
    EXPECT_EQ(add.getOperand(1), k.getResult(0));
    EXPECT_EQ(yield.getOperand(0), add.getResult(0));
    EXPECT_EQ(map.lookupOrNull(orig.front().getResult(0)), k.getResult(0));
    EXPECT_EQ(k.getAttr("value"), getIntAttr(ctx, int64_t(i)));
  }
  EXPECT_EQ(map.lookupOrNull(ifOp->getResult(0)), copy->getResult(0));
  EXPECT_EQ(x->getNumUses(), 4u);

  // Changing the copy leaves the original alone.
  Operation &dupAdd = *std::next(copy->getRegion(0).front().begin());
  dupAdd.setOperand(0, dupAdd.getOperand(1));
  Operation &origAdd = *std::next(ifOp->getRegion(0).front().begin());
  EXPECT_EQ(origAdd.getOperand(0), x);
  EXPECT_TRUE(succeeded(verify(module.getOperation())));

  std::string a, bText;
  llvm::raw_string_ostream os1(a), os2(bText);
  printOp(ifOp, os1);
  dupAdd.setOperand(0, x);
  printOp(copy, os2);
  // Once made equal again, both print the same (values renumbered).
  EXPECT_EQ(os1.str(), os2.str());
}

TEST_F(BuilderFixture, CloneRemapsBlockArguments) {
  makeFunc({getIntType(ctx)});
  Value *n = arg(0);
  Value *t = b.createBoolConstant(loc, true);
  Operation *loop = b.create(loc, OpId::PrimLoop, {getIntType(ctx)}, {n, t, n});
  Block &body = loop->getRegion(0).emplaceBlock();
  BlockArgument *i = body.addArgument(getIntType(ctx), "i");
  BlockArgument *acc = body.addArgument(getIntType(ctx), "acc");
  Builder inner(ctx);
  inner.setInsertionPointToEnd(&body);
  Operation *add =
      inner.create(loc, OpId::AtenAddInt, {getIntType(ctx)}, {i, acc});
  inner.create(loc, OpId::PrimYield, {}, {t, add->getResult(0)});
  ASSERT_TRUE(succeeded(verify(module.getOperation())));

  Operation *copy = loop->clone();
  Block &dupBody = copy->getRegion(0).front();
  ASSERT_EQ(dupBody.getNumArguments(), 2u);
  EXPECT_NE(dupBody.getArgument(0), i);
  EXPECT_EQ(dupBody.getArgument(0)->getNameHint(), "i");
  Operation &dupAdd = dupBody.front();
  EXPECT_EQ(dupAdd.getOperand(0), dupBody.getArgument(0));
  EXPECT_EQ(dupAdd.getOperand(1), dupBody.getArgument(1));
  EXPECT_EQ(i->getNumUses(), 1u);
  EXPECT_EQ(dupBody.getArgument(0)->getNumUses(), 1u);
  // Values from outside stay shared.
  EXPECT_EQ(dupBody.back().getOperand(0), t);
  EXPECT_EQ(copy->getOperand(0), n);
  copy->destroy();
  EXPECT_EQ(n->getNumUses(), 2u);
  EXPECT_EQ(t->getNumUses(), 2u);
}

} // namespace
