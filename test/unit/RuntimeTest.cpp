//===- RuntimeTest.cpp - Tensors, values and the executor -----------------===//

#include "runtime/Plan.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace irc::rt;

namespace {

TEST(RuntimeTensor, ViewsShareStorageAndWritesReachTheBase) {
  Tensor base = Tensor::zeros(DType::F32, {2, 3});
  // The second column, as `base[:, 1]` would give it.
  Tensor column = base.asStrided({2}, {3}, 1);
  EXPECT_FALSE(column.isContiguous());
  column.mutableData<float>()[0] = 5;
  column.mutableData<float>()[3] = 7; // element [1] of the view
  const float *p = base.data<float>();
  EXPECT_EQ(p[1], 5);
  EXPECT_EQ(p[4], 7);
  Tensor dense = column.contiguous();
  EXPECT_TRUE(dense.isContiguous());
  EXPECT_NE(dense.getStorage(), base.getStorage());
  EXPECT_EQ(dense.data<float>()[1], 7);
}

TEST(RuntimeTensor, ViewsOutsideTheStorageAreRefused) {
  Tensor base = Tensor::zeros(DType::F32, {6});
  EXPECT_THROW(base.asStrided({3}, {3}, 0), Error);
  EXPECT_THROW(base.asStrided({2}, {-1}, 0), Error);
  EXPECT_NO_THROW(base.asStrided({2}, {-1}, 1));
  EXPECT_NO_THROW(base.asStrided({0, 100}, {100, 1}, 5));
}

TEST(RuntimeTensor, ExpandBroadcastsWithZeroStrides) {
  Tensor row = Tensor::zeros(DType::I64, {3});
  for (int i = 0; i < 3; ++i)
    row.mutableData<int64_t>()[i] = i + 1;
  Tensor grid = expandTo(row, {2, 3});
  EXPECT_EQ(grid.strides(), (Shape{0, 1}));
  Tensor c = grid.contiguous();
  EXPECT_EQ(c.data<int64_t>()[5], 3);
  EXPECT_THROW(expandTo(row, {2, 4}), Error);
  EXPECT_EQ(broadcastShapes({2, 1, 3}, {4, 1}), (Shape{2, 4, 3}));
  EXPECT_THROW(broadcastShapes({2, 3}, {4}), Error);
}

TEST(RuntimeTensor, CopyFromConvertsAndBroadcastsIntoAView) {
  Tensor dst = Tensor::zeros(DType::I32, {2, 2});
  Tensor src = Tensor::scalar(DType::F64, -2.75);
  Tensor row = dst.asStrided({2}, {1}, 2); // dst[1]
  row.copyFrom(src);
  EXPECT_EQ(dst.data<int32_t>()[0], 0);
  EXPECT_EQ(dst.data<int32_t>()[2], -2); // truncation toward zero
  EXPECT_EQ(dst.data<int32_t>()[3], -2);
}

TEST(RuntimeTensor, WeightsAreReadOnly) {
  static const float weights[4] = {1, 2, 3, 4};
  Tensor w = Tensor::wrap(DType::F32, {2, 2}, weights, nullptr);
  EXPECT_EQ(w.data<float>()[3], 4);
  EXPECT_THROW(w.mutableData<float>(), Error);
  Tensor copy = w.clone();
  EXPECT_NO_THROW(copy.mutableData<float>()[0] = 9);
  EXPECT_EQ(weights[0], 1);
}

TEST(RuntimeTensor, WrongElementTypeAndHugeShapesAreErrors) {
  Tensor t = Tensor::zeros(DType::F32, {2});
  EXPECT_THROW(t.data<double>(), Error);
  EXPECT_THROW(Tensor::zeros(DType::F32, {int64_t(1) << 40, int64_t(1) << 40}),
               Error);
  EXPECT_THROW(Tensor::zeros(DType::F32, {-1}), Error);
  EXPECT_THROW(t.item(), Error);
  EXPECT_THROW(t.size(2), Error);
  EXPECT_EQ(t.size(-1), 2);
}

TEST(RuntimeDType, HalfAndBFloat16RoundToNearestEven) {
  EXPECT_EQ(float(Half(1.0f)), 1.0f);
  EXPECT_EQ(Half(1.0f).bits, 0x3c00);
  EXPECT_EQ(Half(65504.0f).bits, 0x7bff);
  EXPECT_EQ(Half(1e6f).bits, 0x7c00);            // overflow to inf
  EXPECT_EQ(float(Half(5.9604645e-08f)), 5.9604645e-08f); // smallest subnormal
  EXPECT_EQ(Half(1.0f + 1.0f / 2048).bits, 0x3c00); // tie to even (down)
  EXPECT_EQ(Half(1.0f + 3.0f / 2048).bits, 0x3c02); // tie to even (up)
  EXPECT_TRUE(std::isnan(float(Half(NAN))));
  EXPECT_EQ(float(BFloat16(1.0f)), 1.0f);
  EXPECT_EQ(BFloat16(1.0f + 1.0f / 256).bits, 0x3f80); // tie to even
  EXPECT_EQ(fromScalarType(6), DType::F32);
  EXPECT_EQ(toScalarType(DType::Bool), 11);
  EXPECT_THROW(fromScalarType(8), Error); // complex32
}

TEST(RuntimeValue, ListsAreSharedAndDeepCopiesAreNot) {
  Value a = Value::list({Value(int64_t(1)), Value(int64_t(2))});
  Value b = a;
  b.toList().items.push_back(Value(int64_t(3)));
  EXPECT_EQ(a.items().size(), 3u);
  Value c = a.deepCopy();
  c.toList().items.pop_back();
  EXPECT_EQ(a.items().size(), 3u);
  EXPECT_EQ(a.toIntVector(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(a.describe(), "[1, 2, 3]");
  EXPECT_THROW(a.toTensor(), Error);
  EXPECT_TRUE(Value(int64_t(2)) == Value(2.0));
  EXPECT_EQ(Value::tuple({Value(2.5), Value("s")}).describe(), "(2.5, \"s\")");
}

// A kernel that adds its two int operands.
void addInts(KernelContext &ctx) {
  ctx.setResult(0, Value(ctx.getInt(0) + ctx.getInt(1)));
}

void failing(KernelContext &) { throw Error("bad input"); }

Instr kernel(KernelFn fn, std::vector<uint32_t> operands,
             std::vector<uint32_t> results) {
  Instr i;
  i.kind = Instr::Kind::Kernel;
  i.kernel = fn;
  i.opName = "test.op";
  i.location = "m.py:3:7";
  i.operands = std::move(operands);
  i.results = std::move(results);
  return i;
}

TEST(RuntimeExecutor, LoopsSwapCarriedValuesAndStopOnTheTripCount) {
  // (a, b) = (x, y); for i in range(n): (a, b) = (b, a + i); return a, b
  Plan plan;
  Function fn;
  fn.name = "forward";
  for (int k = 0; k < 3; ++k)
    fn.argTypes.push_back(TypeSpec{TypeSpec::Kind::Int, false, {}, {}, "i64"});
  fn.body.args = {0, 1, 2};
  plan.constants.push_back(Value(true));
  Instr t;
  t.kind = Instr::Kind::Constant;
  t.index = 0;
  t.results = {3};
  fn.body.instrs.push_back(t);
  Instr loop;
  loop.kind = Instr::Kind::Loop;
  loop.operands = {2, 3, 0, 1};
  loop.results = {4, 5};
  Block body;
  body.args = {6, 7, 8};
  body.instrs.push_back(kernel(addInts, {7, 6}, {9}));
  body.results = {3, 8, 9};
  loop.regions.push_back(body);
  fn.body.instrs.push_back(loop);
  fn.body.results = {4, 5};
  fn.numRegisters = 10;
  plan.functions.push_back(fn);

  std::vector<Value> r = run(plan, plan.functions[0],
                             {Value(int64_t(10)), Value(int64_t(20)),
                              Value(int64_t(3))});
  // i=0: (20, 10); i=1: (10, 21); i=2: (21, 12)
  EXPECT_EQ(r[0].toInt(), 21);
  EXPECT_EQ(r[1].toInt(), 12);
  r = run(plan, plan.functions[0],
          {Value(int64_t(10)), Value(int64_t(20)), Value(int64_t(0))});
  EXPECT_EQ(r[0].toInt(), 10);

  // Wrong arguments are reported before anything runs.
  EXPECT_THROW(run(plan, plan.functions[0], {Value(int64_t(1))}), Error);
  try {
    run(plan, plan.functions[0],
        {Value(int64_t(1)), Value(2.5), Value(int64_t(1))});
    FAIL();
  } catch (const Error &e) {
    EXPECT_STREQ(e.what(), "argument 1 of 'forward': expected i64, got 2.5");
  }
}

TEST(RuntimeExecutor, KernelErrorsCarryTheOpAndItsLocationOnce) {
  Plan plan;
  Function fn;
  fn.name = "forward";
  fn.argTypes.push_back(TypeSpec{TypeSpec::Kind::Bool, false, {}, {}, "bool"});
  fn.body.args = {0};
  Instr branch;
  branch.kind = Instr::Kind::If;
  branch.operands = {0};
  Block thenBlock, elseBlock;
  thenBlock.instrs.push_back(kernel(failing, {}, {}));
  branch.regions = {thenBlock, elseBlock};
  fn.body.instrs.push_back(branch);
  fn.numRegisters = 1;
  plan.functions.push_back(fn);
  EXPECT_NO_THROW(run(plan, plan.functions[0], {Value(false)}));
  try {
    run(plan, plan.functions[0], {Value(true)});
    FAIL();
  } catch (const Error &e) {
    EXPECT_STREQ(e.what(), "m.py:3:7: test.op: bad input");
  }
}

} // namespace
