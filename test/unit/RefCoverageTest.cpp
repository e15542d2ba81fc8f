//===- RefCoverageTest.cpp - Reference kernels added for op coverage ------===//
//
// Error paths and semantics the op zoo (scripts/opzoo/coverage.py) cannot
// show for the ops added to widen model coverage: relu6, exp/log/sqrt/
// rsqrt and the in-place unary ops, clamp_/clamp_min/clamp_max, maximum,
// __xor__, where, masked_fill, feature_dropout_, _unwrap_optional, list
// insert/pop, clone, permute, expand, flip, repeat, stack, split, unbind,
// arange, mm, group_norm and instance_norm. Expected values are small
// hand-derived cases.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtils.h"

#include <cmath>
#include <memory>

using namespace irc;
using namespace irc::test;
using rt::DType;
using rt::Tensor;
using rt::Value;

namespace {

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

TEST(RefCoverageTest, Relu6ClampsAndRejectsBool) {
  Tensor x = tensorOf({4}, {-1, 3, 6, 9});
  EXPECT_EQ(valuesOf(run1("aten.relu6", {x})),
            (std::vector<double>{0, 3, 6, 6}));
  EXPECT_THROW(run1("aten.relu6", {tensorOf({1}, {1}, DType::Bool)}),
               rt::Error);
  // uint8: the bounds 0 and 6 are fine (hardtanh refuses negative ones).
  EXPECT_EQ(valuesOf(run1("aten.relu6", {tensorOf({2}, {255, 2}, DType::U8)})),
            (std::vector<double>{6, 2}));
}

TEST(RefCoverageTest, Relu6InPlaceWritesThroughAView) {
  Tensor base = tensorOf({2, 2}, {-1, 7, 8, -2});
  Tensor r = row(base, 1);
  std::vector<Value> res = runKernel("aten.relu6_", {r});
  EXPECT_TRUE(sameStorage(res[0].toTensor(), base));
  EXPECT_EQ(valuesOf(base), (std::vector<double>{-1, 7, 6, 0}));
  EXPECT_THROW(runKernel("aten.relu6_", {weight({1}, {9})}), rt::Error);
}

TEST(RefCoverageTest, FloatUnaryOpsPromoteIntsButNotInPlace) {
  Tensor i = tensorOf({2}, {1, 4}, DType::I64);
  Tensor s = run1("aten.sqrt", {i});
  EXPECT_EQ(s.dtype(), DType::F32);
  EXPECT_EQ(valuesOf(s), (std::vector<double>{1, 2}));
  EXPECT_EQ(valuesOf(run1("aten.rsqrt", {i})), (std::vector<double>{1, 0.5}));
  EXPECT_EQ(run1("aten.exp", {tensorOf({1}, {0}, DType::Bool)}).dtype(),
            DType::F32);
  for (const char *op : {"aten.exp_", "aten.log_", "aten.sqrt_", "aten.rsqrt_",
                         "aten.sigmoid_", "aten.tanh_"})
    EXPECT_THROW(runKernel(op, {tensorOf({1}, {1}, DType::I64)}), rt::Error)
        << op;
  EXPECT_TRUE(std::isnan(valuesOf(run1("aten.log", {tensorOf({1}, {-1})}))[0]));
}

TEST(RefCoverageTest, InPlaceUnaryOpsWriteThroughViews) {
  Tensor base = tensorOf({2, 2}, {0, 0, 4, 0});
  runKernel("aten.sqrt_", {row(base, 1)});
  EXPECT_EQ(valuesOf(base), (std::vector<double>{0, 0, 2, 0}));
  runKernel("aten.sigmoid_", {row(base, 0)});
  EXPECT_EQ(valuesOf(base), (std::vector<double>{0.5, 0.5, 2, 0}));
  runKernel("aten.tanh_", {row(base, 0)});
  EXPECT_NEAR(valuesOf(base)[0], std::tanh(0.5), 1e-6);
  Tensor n = tensorOf({2, 2}, {1, -2, 3, -4}, DType::I32);
  runKernel("aten.abs_", {row(n, 0)});
  runKernel("aten.neg_", {row(n, 1)});
  EXPECT_EQ(valuesOf(n), (std::vector<double>{1, 2, -3, 4}));
  EXPECT_THROW(runKernel("aten.abs_", {tensorOf({1}, {1}, DType::Bool)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.neg_", {tensorOf({1}, {1}, DType::Bool)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.exp_", {weight({1}, {1})}), rt::Error);
}

TEST(RefCoverageTest, ClampMinMaxPromoteAndPropagateNaN) {
  Tensor i = tensorOf({3}, {1, 2, 3}, DType::I64);
  Tensor f = run1("aten.clamp_min", {i, Value(1.5)});
  EXPECT_EQ(f.dtype(), DType::F32);
  EXPECT_EQ(valuesOf(f), (std::vector<double>{1.5, 2, 3}));
  Tensor m = run1("aten.clamp_max", {i, Value(int64_t(2))});
  EXPECT_EQ(m.dtype(), DType::I64);
  EXPECT_EQ(valuesOf(m), (std::vector<double>{1, 2, 2}));
  // A NaN Scalar bound gives NaN everywhere (unlike clamp's).
  for (double v : valuesOf(run1("aten.clamp_min",
                                {tensorOf({2}, {1, 2}), Value(std::nan(""))})))
    EXPECT_TRUE(std::isnan(v));
  // Tensor bound: broadcasts, promotes.
  Tensor t = run1("aten.clamp_max.Tensor",
                  {tensorOf({2, 2}, {1, 5, 1, 5}), tensorOf({2}, {2, 3})});
  EXPECT_EQ(valuesOf(t), (std::vector<double>{1, 3, 1, 3}));
}

TEST(RefCoverageTest, ClampErrors) {
  Tensor i = tensorOf({2}, {1, 2}, DType::I64);
  EXPECT_THROW(runKernel("aten.clamp_", {i, none(), none()}), rt::Error);
  EXPECT_THROW(runKernel("aten.clamp_", {i, Value(1.5), none()}), rt::Error);
  EXPECT_THROW(runKernel("aten.clamp_min_", {i, Value(0.5)}), rt::Error);
  EXPECT_THROW(
      run1("aten.clamp_min", {tensorOf({1}, {0}, DType::I8), Value(300)}),
      rt::Error);
  EXPECT_THROW(
      run1("aten.clamp_min", {tensorOf({1}, {1}, DType::Bool), Value(true)}),
      rt::Error);
  EXPECT_THROW(run1("aten.clamp_min", {i, Value("x")}), rt::Error);
  // In place, the bound may not grow self.
  EXPECT_THROW(runKernel("aten.clamp_min_.Tensor",
                         {tensorOf({1}, {1}), tensorOf({2, 2}, {0, 0, 0, 0})}),
               rt::Error);
}

TEST(RefCoverageTest, ClampInPlaceWritesThroughAView) {
  Tensor base = tensorOf({2, 2}, {-5, 5, -5, 5});
  runKernel("aten.clamp_", {row(base, 0), Value(-1), Value(1)});
  runKernel("aten.clamp_max_.Tensor", {row(base, 1), tensorOf({1}, {0})});
  EXPECT_EQ(valuesOf(base), (std::vector<double>{-1, 1, -5, 0}));
}

TEST(RefCoverageTest, MaximumAndXorRejectWrongDtypes) {
  Tensor c = Tensor::zeros(DType::C64, {1});
  EXPECT_THROW(run1("aten.maximum", {c, c}), rt::Error);
  EXPECT_THROW(run1("aten.minimum", {tensorOf({2}, {1, 2}), Value(1)}),
               rt::Error);
  Tensor f = tensorOf({1}, {1});
  EXPECT_THROW(run1("aten.__xor__.Tensor", {f, f}), rt::Error);
  EXPECT_THROW(run1("aten.__xor__.Scalar",
                    {tensorOf({1}, {1}, DType::Bool), Value(2.5)}),
               rt::Error);
  // bool ^ int Scalar promotes to int64.
  Tensor x = run1("aten.__xor__.Scalar",
                  {tensorOf({2}, {1, 0}, DType::Bool), Value(int64_t(1))});
  EXPECT_EQ(x.dtype(), DType::I64);
  EXPECT_EQ(valuesOf(x), (std::vector<double>{0, 1}));
}

TEST(RefCoverageTest, WhereChecksTheCondition) {
  Tensor x = tensorOf({2}, {1, 2}), y = tensorOf({2}, {3, 4});
  EXPECT_THROW(
      run1("aten.where.self", {tensorOf({2}, {1, 0}, DType::I64), x, y}),
      rt::Error);
  EXPECT_THROW(
      run1("aten.where.self", {tensorOf({3}, {1, 0, 1}, DType::Bool), x, y}),
      rt::Error);
  EXPECT_THROW(run1("aten.where.ScalarOther",
                    {tensorOf({2}, {1, 0}, DType::Bool), x, Value("s")}),
               rt::Error);
  // Two Python floats give float32, two ints int64; uint8 conditions work.
  Tensor c = tensorOf({2}, {1, 0}, DType::U8);
  Tensor f = run1("aten.where.Scalar", {c, Value(1.0), Value(0.0)});
  EXPECT_EQ(f.dtype(), DType::F32);
  EXPECT_EQ(valuesOf(f), (std::vector<double>{1, 0}));
  EXPECT_EQ(run1("aten.where.Scalar", {c, Value(1), Value(0)}).dtype(),
            DType::I64);
}

TEST(RefCoverageTest, MaskedFillChecksMaskAndValue) {
  Tensor x = tensorOf({2}, {1, 2});
  Tensor b = tensorOf({2}, {1, 0}, DType::Bool);
  EXPECT_THROW(run1("aten.masked_fill.Scalar",
                    {x, tensorOf({2}, {1, 0}, DType::I64), Value(0)}),
               rt::Error);
  EXPECT_THROW(run1("aten.masked_fill.Scalar",
                    {x, tensorOf({2}, {2, 0}, DType::U8), Value(0)}),
               rt::Error);
  EXPECT_THROW(run1("aten.masked_fill.Tensor", {x, b, tensorOf({1}, {5})}),
               rt::Error);
  EXPECT_THROW(run1("aten.masked_fill.Scalar",
                    {tensorOf({1}, {0}, DType::I8), b, Value(300)}),
               rt::Error);
  // A float value truncates into an int tensor; a 0-d tensor value works.
  Tensor i = run1("aten.masked_fill.Scalar",
                  {tensorOf({2}, {5, 5}, DType::I64), b, Value(2.7)});
  EXPECT_EQ(valuesOf(i), (std::vector<double>{2, 5}));
  EXPECT_EQ(valuesOf(run1("aten.masked_fill.Tensor",
                          {x, b, Tensor::scalar(DType::F64, 7.5)})),
            (std::vector<double>{7.5, 2}));
  // Out of place the mask may grow self; in place it may not.
  Tensor grown =
      run1("aten.masked_fill.Scalar", {tensorOf({1}, {0}), b, Value(1)});
  EXPECT_EQ(grown.sizes(), (rt::Shape{2}));
  EXPECT_THROW(
      runKernel("aten.masked_fill_.Scalar", {tensorOf({1}, {0}), b, Value(1)}),
      rt::Error);
}

TEST(RefCoverageTest, MaskedFillInPlaceWritesThroughAView) {
  Tensor base = tensorOf({2, 2}, {1, 2, 3, 4});
  std::vector<Value> res =
      runKernel("aten.masked_fill_.Scalar",
                {row(base, 1), tensorOf({2}, {0, 1}, DType::Bool), Value(-1)});
  EXPECT_TRUE(sameStorage(res[0].toTensor(), base));
  EXPECT_EQ(valuesOf(base), (std::vector<double>{1, 2, 3, -1}));
  EXPECT_THROW(
      runKernel("aten.masked_fill_.Scalar",
                {weight({1}, {1}), tensorOf({1}, {1}, DType::Bool), Value(0)}),
      rt::Error);
}

TEST(RefCoverageTest, FeatureDropoutInPlace) {
  Tensor x = tensorOf({1, 2, 1}, {1, 2});
  // Eval mode: self itself.
  std::vector<Value> res =
      runKernel("aten.feature_dropout_", {x, Value(0.5), Value(false)});
  EXPECT_TRUE(sameStorage(res[0].toTensor(), x));
  EXPECT_THROW(runKernel("aten.feature_dropout_", {x, Value(0.5), Value(true)}),
               rt::Error);
  EXPECT_THROW(
      runKernel("aten.feature_dropout_", {x, Value(1.5), Value(false)}),
      rt::Error);
  runKernel("aten.feature_dropout_", {x, Value(1.0), Value(true)});
  EXPECT_EQ(valuesOf(x), (std::vector<double>{0, 0}));
}

//===----------------------------------------------------------------------===//
// Scalars and lists
//===----------------------------------------------------------------------===//

TEST(RefCoverageTest, XorOnNumbersAndUnwrapOptional) {
  EXPECT_EQ(runKernel("aten.__xor__.int", {Value(6), Value(3)})[0].toInt(), 5);
  EXPECT_TRUE(
      runKernel("aten.__xor__.bool", {Value(true), Value(false)})[0].toBool());
  EXPECT_FALSE(
      runKernel("aten.__xor__.bool", {Value(true), Value(true)})[0].toBool());
  EXPECT_EQ(runKernel("aten._unwrap_optional", {Value(4)})[0].toInt(), 4);
  EXPECT_THROW(runKernel("aten._unwrap_optional", {none()}), rt::Error);
}

TEST(RefCoverageTest, ListInsertAndPop) {
  Value l = ints({1, 2});
  runKernel("aten.insert.t", {l, Value(-1), Value(9)}, 0);   // [1, 9, 2]
  runKernel("aten.insert.t", {l, Value(100), Value(7)}, 0);  // [1, 9, 2, 7]
  runKernel("aten.insert.t", {l, Value(-100), Value(5)}, 0); // [5, 1, 9, 2, 7]
  EXPECT_EQ(l.toIntVector(), (std::vector<int64_t>{5, 1, 9, 2, 7}));
  EXPECT_EQ(runKernel("aten.pop.t", {l, Value(-1)})[0].toInt(), 7);
  EXPECT_EQ(runKernel("aten.pop.t", {l, Value(1)})[0].toInt(), 1);
  EXPECT_EQ(l.toIntVector(), (std::vector<int64_t>{5, 9, 2}));
  EXPECT_THROW(runKernel("aten.pop.t", {l, Value(3)}), rt::Error);
  EXPECT_THROW(runKernel("aten.pop.t", {ints({}), Value(-1)}), rt::Error);
  EXPECT_THROW(runKernel("aten.insert.t", {Value(1), Value(0), Value(1)}, 0),
               rt::Error);
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

TEST(RefCoverageTest, CloneCopiesAndPreservesLayout) {
  Tensor x = iota({2, 3});
  Tensor xt = x.asStrided({3, 2}, {1, 3}, 0); // x.t()
  Tensor c = run1("aten.clone", {xt, none()});
  EXPECT_FALSE(sameStorage(c, x));
  EXPECT_EQ(c.strides(), (rt::Shape{1, 3})); // preserve keeps the transpose
  EXPECT_EQ(valuesOf(c), valuesOf(xt));
  Tensor d = run1("aten.clone", {xt, Value(0)}); // contiguous_format
  EXPECT_EQ(d.strides(), (rt::Shape{2, 1}));
  EXPECT_THROW(run1("aten.clone", {x, Value(2)}), rt::Error); // 2-d, NHWC
  EXPECT_THROW(run1("aten.clone", {x, Value(9)}), rt::Error);
  // A clone of a weight is writable.
  Tensor w = run1("aten.clone", {weight({1}, {3}), none()});
  runKernel("aten.neg_", {w});
  EXPECT_EQ(valuesOf(w), (std::vector<double>{-3}));
}

TEST(RefCoverageTest, PermuteIsAViewAndChecksDims) {
  Tensor x = iota({2, 3, 4});
  Tensor p = run1("aten.permute", {x, ints({2, 0, -2})});
  EXPECT_TRUE(sameStorage(p, x));
  EXPECT_EQ(p.sizes(), (rt::Shape{4, 2, 3}));
  EXPECT_EQ(p.strides(), (rt::Shape{1, 12, 4}));
  EXPECT_THROW(run1("aten.permute", {x, ints({0, 1})}), rt::Error);
  EXPECT_THROW(run1("aten.permute", {x, ints({0, 1, 1})}), rt::Error);
  EXPECT_THROW(run1("aten.permute", {x, ints({0, 1, 3})}), rt::Error);
  EXPECT_EQ(
      run1("aten.permute", {Tensor::scalar(DType::F32, 1), ints({})}).dim(), 0);
}

TEST(RefCoverageTest, ExpandUsesStrideZeroAndSharesStorage) {
  Tensor x = tensorOf({3, 1}, {1, 2, 3});
  Tensor e = run1("aten.expand", {x, ints({2, -1, 4}), Value(false)});
  EXPECT_TRUE(sameStorage(e, x));
  EXPECT_EQ(e.sizes(), (rt::Shape{2, 3, 4}));
  EXPECT_EQ(e.strides()[0], 0);
  EXPECT_EQ(e.strides()[2], 0);
  // A later in-place change to the base shows through the view.
  runKernel("aten.mul_.Scalar", {x, Value(10)});
  EXPECT_EQ(valuesOf(e)[23], 30);
  Tensor a = run1("aten.expand_as", {x, iota({3, 5})});
  EXPECT_EQ(a.sizes(), (rt::Shape{3, 5}));
  EXPECT_THROW(run1("aten.expand", {x, ints({3}), Value(false)}), rt::Error);
  EXPECT_THROW(run1("aten.expand", {x, ints({-1, 3, 1}), Value(false)}),
               rt::Error);
  EXPECT_THROW(run1("aten.expand", {x, ints({4, 2}), Value(false)}), rt::Error);
  EXPECT_THROW(run1("aten.expand", {x, ints({3, -2}), Value(false)}),
               rt::Error);
  EXPECT_THROW(run1("aten.expand_as", {x, iota({2, 5})}), rt::Error);
}

TEST(RefCoverageTest, FlipAndRepeatCopy) {
  Tensor x = iota({2, 3});
  Tensor f = run1("aten.flip", {x, ints({0, -1})});
  EXPECT_FALSE(sameStorage(f, x));
  EXPECT_EQ(valuesOf(f), (std::vector<double>{5, 4, 3, 2, 1, 0}));
  EXPECT_THROW(run1("aten.flip", {x, ints({1, -1})}), rt::Error);
  EXPECT_THROW(run1("aten.flip", {x, ints({2})}), rt::Error);
  Tensor r = run1("aten.repeat", {tensorOf({2}, {1, 2}), ints({2, 2})});
  EXPECT_EQ(r.sizes(), (rt::Shape{2, 4}));
  EXPECT_EQ(valuesOf(r), (std::vector<double>{1, 2, 1, 2, 1, 2, 1, 2}));
  EXPECT_THROW(run1("aten.repeat", {x, ints({2})}), rt::Error);
  EXPECT_THROW(run1("aten.repeat", {x, ints({-1, 1})}), rt::Error);
  EXPECT_EQ(run1("aten.repeat", {x, ints({0, 1})}).numel(), 0);
}

TEST(RefCoverageTest, StackChecksShapesAndPromotes) {
  Tensor a = tensorOf({2}, {1, 2}), b = tensorOf({2}, {3, 4}, DType::I64);
  Tensor s = run1("aten.stack", {tensors({a, b}), Value(-1)});
  EXPECT_EQ(s.dtype(), DType::F32);
  EXPECT_EQ(s.sizes(), (rt::Shape{2, 2}));
  EXPECT_EQ(valuesOf(s), (std::vector<double>{1, 3, 2, 4}));
  EXPECT_THROW(run1("aten.stack", {tensors({}), Value(0)}), rt::Error);
  EXPECT_THROW(run1("aten.stack", {tensors({a, iota({3})}), Value(0)}),
               rt::Error);
  EXPECT_THROW(run1("aten.stack", {tensors({a, a}), Value(2)}), rt::Error);
}

TEST(RefCoverageTest, SplitAndUnbindGiveViews) {
  Tensor x = iota({5, 2});
  Value parts = runKernel("aten.split.Tensor", {x, Value(2), Value(0)})[0];
  ASSERT_EQ(parts.items().size(), 3u);
  EXPECT_EQ(parts.items()[2].toTensor().sizes(), (rt::Shape{1, 2}));
  EXPECT_TRUE(sameStorage(parts.items()[2].toTensor(), x));
  runKernel("aten.neg_", {parts.items()[2]});
  EXPECT_EQ(valuesOf(x)[8], -8);
  Value sized =
      runKernel("aten.split_with_sizes", {x, ints({1, 0, 1}), Value(-1)})[0];
  ASSERT_EQ(sized.items().size(), 3u);
  EXPECT_EQ(sized.items()[1].toTensor().sizes(), (rt::Shape{5, 0}));
  Value rows = runKernel("aten.unbind.int", {x, Value(1)})[0];
  ASSERT_EQ(rows.items().size(), 2u);
  EXPECT_EQ(valuesOf(rows.items()[1].toTensor()),
            (std::vector<double>{1, 3, 5, 7, -9}));
  // An empty dim split by 0 gives one empty piece.
  Value empty =
      runKernel("aten.split.Tensor", {iota({0, 2}), Value(0), Value(0)})[0];
  EXPECT_EQ(empty.items().size(), 1u);
}

TEST(RefCoverageTest, SplitErrors) {
  Tensor x = iota({4, 2});
  EXPECT_THROW(runKernel("aten.split.Tensor", {x, Value(-1), Value(0)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.split.Tensor", {x, Value(0), Value(0)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.split.Tensor", {x, Value(1), Value(2)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.split.Tensor",
                         {Tensor::scalar(DType::F32, 1), Value(1), Value(0)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.split.sizes", {x, ints({1, 1}), Value(0)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.split", {x, ints({-1, 5}), Value(0)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.split_with_sizes",
                         {x, ints({INT64_MAX, INT64_MAX, 2}), Value(0)}),
               rt::Error);
  EXPECT_THROW(
      runKernel("aten.unbind.int", {Tensor::scalar(DType::F32, 1), Value(0)}),
      rt::Error);
  EXPECT_THROW(runKernel("aten.unbind.int", {x, Value(-3)}), rt::Error);
}

//===----------------------------------------------------------------------===//
// arange
//===----------------------------------------------------------------------===//

Tensor arange(Value start, Value end, Value step, Value dtype = Value()) {
  return run1("aten.arange.start_step",
              {start, end, step, dtype, none(), none(), none()});
}

TEST(RefCoverageTest, ArangeInfersDtypeAndLength) {
  Tensor a = run1("aten.arange", {Value(4), none(), none(), none(), none()});
  EXPECT_EQ(a.dtype(), DType::I64);
  EXPECT_EQ(valuesOf(a), (std::vector<double>{0, 1, 2, 3}));
  Tensor f = arange(Value(1), Value(2.5), Value(0.5));
  EXPECT_EQ(f.dtype(), DType::F32);
  EXPECT_EQ(valuesOf(f), (std::vector<double>{1, 1.5, 2}));
  // int64 converts the bounds first: -2.5 .. 2.4 is -2 .. 2, four values;
  // int32 takes the length from the doubles: 0.5 .. 5 has five.
  EXPECT_EQ(
      valuesOf(arange(Value(-2.5), Value(2.4), Value(1), code(DType::I64))),
      (std::vector<double>{-2, -1, 0, 1}));
  EXPECT_EQ(valuesOf(arange(Value(0.5), Value(5), Value(1), code(DType::I32))),
            (std::vector<double>{0, 1, 2, 3, 4}));
  EXPECT_EQ(arange(Value(1), Value(1), Value(1)).numel(), 0);
  Tensor e = run1("aten.arange.start", {Value(3), Value(3.0), code(DType::F64),
                                        none(), none(), none()});
  EXPECT_EQ(e.dtype(), DType::F64);
  EXPECT_EQ(e.numel(), 0);
}

TEST(RefCoverageTest, ArangeErrors) {
  EXPECT_THROW(arange(Value(0), Value(5), Value(0)), rt::Error);
  EXPECT_THROW(arange(Value(0), Value(5), Value(0.4), code(DType::I64)),
               rt::Error); // the step truncates to 0
  EXPECT_THROW(arange(Value(5), Value(0), Value(1)), rt::Error);
  EXPECT_THROW(arange(Value(0), Value(INFINITY), Value(1)), rt::Error);
  EXPECT_THROW(arange(Value(0), Value(NAN), Value(1)), rt::Error);
  EXPECT_THROW(arange(Value(0), Value(2), Value(1), code(DType::Bool)),
               rt::Error);
  EXPECT_THROW(arange(Value(0), Value(1e300), Value(1)), rt::Error);
  EXPECT_THROW(arange(Value(0), Value("x"), Value(1)), rt::Error);
  EXPECT_THROW(
      run1("aten.arange", {Value(3), none(), Value(1), none(), none()}),
      rt::Error); // a sparse layout
}

//===----------------------------------------------------------------------===//
// mm, group_norm, instance_norm
//===----------------------------------------------------------------------===//

TEST(RefCoverageTest, MmChecksRanksShapesAndDtypes) {
  Tensor a = tensorOf({2, 2}, {1, 2, 3, 4});
  EXPECT_EQ(valuesOf(run1("aten.mm", {a, a})),
            (std::vector<double>{7, 10, 15, 22}));
  EXPECT_THROW(run1("aten.mm", {tensorOf({2}, {1, 2}), a}), rt::Error);
  EXPECT_THROW(run1("aten.mm", {a, iota({2, 2, 1})}), rt::Error);
  EXPECT_THROW(run1("aten.mm", {a, iota({3, 2})}), rt::Error);
  EXPECT_THROW(run1("aten.mm", {a, iota({2, 2}, DType::F64)}), rt::Error);
  EXPECT_THROW(
      run1("aten.mm", {iota({2, 2}, DType::F16), iota({2, 2}, DType::F16)}),
      rt::Error);
  EXPECT_THROW(
      run1("aten.mm", {iota({2, 2}, DType::Bool), iota({2, 2}, DType::Bool)}),
      rt::Error);
}

Value groupNorm(Tensor x, int64_t groups, Value w = Value(),
                Value b = Value()) {
  return runKernel("aten.group_norm",
                   {x, Value(groups), w, b, Value(1e-5), Value(true)})[0];
}

TEST(RefCoverageTest, GroupNormNormalizesGroups) {
  // Two groups of one channel with two positions: (x - mean) / std = -1, 1.
  Tensor x = tensorOf({1, 2, 2}, {1, 3, 10, 30});
  std::vector<double> y = valuesOf(groupNorm(x, 2).toTensor());
  for (size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(y[i], i % 2 ? 1 : -1, 1e-3);
  // weight and bias per channel.
  y = valuesOf(
      groupNorm(x, 2, tensorOf({2}, {2, 3}), tensorOf({2}, {0, 1})).toTensor());
  EXPECT_NEAR(y[0], -2, 1e-3);
  EXPECT_NEAR(y[3], 4, 1e-3);
  EXPECT_EQ(groupNorm(iota({0, 2, 3}), 1).toTensor().numel(), 0);
}

TEST(RefCoverageTest, GroupNormErrors) {
  Tensor x = iota({2, 6, 3});
  EXPECT_THROW(groupNorm(x, 4), rt::Error);
  EXPECT_THROW(groupNorm(x, 0), rt::Error);
  EXPECT_THROW(groupNorm(x, -2), rt::Error);
  EXPECT_THROW(groupNorm(iota({6}), 1), rt::Error);
  EXPECT_THROW(groupNorm(iota({2, 6, 3}, DType::I64), 2), rt::Error);
  EXPECT_THROW(groupNorm(x, 2, iota({3})), rt::Error);
  EXPECT_THROW(groupNorm(x, 2, Value(), iota({6, 1})), rt::Error);
  EXPECT_THROW(groupNorm(x, 2, iota({6}, DType::F64)), rt::Error);
}

Value instanceNorm(Tensor x, Value rm, Value rv, bool useInput,
                   Value w = Value()) {
  return runKernel("aten.instance_norm",
                   {x, w, Value(), rm, rv, Value(useInput), Value(0.5),
                    Value(1e-5), Value(false)})[0];
}

TEST(RefCoverageTest, InstanceNormStatistics) {
  // Per sample and channel: 1, 3 -> -1, 1 whatever the other sample holds.
  Tensor x = tensorOf({2, 1, 2}, {1, 3, 5, 9});
  std::vector<double> y =
      valuesOf(instanceNorm(x, Value(), Value(), true).toTensor());
  EXPECT_NEAR(y[0], -1, 1e-3);
  EXPECT_NEAR(y[3], 1, 1e-3);
  // Running statistics move halfway (momentum 0.5) to the average of the
  // samples' means (2 and 7) and unbiased variances (2 and 8).
  Tensor rm = tensorOf({1}, {0}), rv = tensorOf({1}, {1});
  instanceNorm(x, rm, rv, true);
  EXPECT_NEAR(valuesOf(rm)[0], 2.25, 1e-6);
  EXPECT_NEAR(valuesOf(rv)[0], 3, 1e-6);
  // Without input statistics the running ones normalize and stay put, so
  // read-only ones are fine.
  Tensor wm = weight({1}, {1}), wv = weight({1}, {4});
  y = valuesOf(instanceNorm(x, wm, wv, false).toTensor());
  EXPECT_NEAR(y[3], 4, 1e-3);
  EXPECT_THROW(instanceNorm(x, weight({1}, {0}), weight({1}, {1}), true),
               rt::Error); // would update read-only statistics
}

TEST(RefCoverageTest, InstanceNormErrors) {
  Tensor x = iota({2, 3, 4});
  EXPECT_THROW(instanceNorm(x, Value(), Value(), false), rt::Error);
  EXPECT_THROW(instanceNorm(iota({3}), Value(), Value(), true), rt::Error);
  EXPECT_THROW(
      instanceNorm(iota({2, 3, 4}, DType::I32), Value(), Value(), true),
      rt::Error);
  EXPECT_THROW(instanceNorm(x, iota({2}), iota({3}), true), rt::Error);
  EXPECT_THROW(instanceNorm(x, Value(), Value(), true, iota({4})), rt::Error);
  EXPECT_THROW(instanceNorm(x, Value(), Value(), true, iota({3}, DType::F64)),
               rt::Error);
}

} // namespace
