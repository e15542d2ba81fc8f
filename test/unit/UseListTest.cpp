//===- UseListTest.cpp - Values keep exact use lists ----------------------===//
#include "ir/AsmParser.h"
#include "ir/Builder.h"
#include "ir/Module.h"
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
  Operation *add = b.create(loc, OpId::AtenAddInt, {getIntType(ctx)},
                            {one, one});
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
} // namespace
