//===- RefElementwiseTest.cpp - Reference elementwise kernels -------------===//
//
// Semantics of the elementwise kernels the op zoo does not show: in-place
// ops through views, on read-only weights and on aliased operands; dropout's
// identity result; complex arithmetic; integer division by zero and
// overflow; half rounding of scalars; _add_relu's saturation; and the error
// paths (bad dtypes, casts, alphas, shapes and operand kinds). Expected
// values are small hand-derived cases.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtils.h"

#include <complex>
#include <limits>
#include <memory>

using namespace irc;
using namespace irc::test;
using rt::DType;
using rt::Tensor;
using rt::Value;

namespace {

Value one() { return Value(int64_t(1)); }
Tensor complex64(std::vector<std::complex<float>> v) {
  Tensor t = Tensor::zeros(DType::C64, {int64_t(v.size())});
  auto *p = t.mutableData<std::complex<float>>();
  for (size_t i = 0; i < v.size(); ++i)
    p[i] = v[i];
  return t;
}
std::vector<std::complex<double>> complexValues(const Tensor &t) {
  Tensor c = t.to(DType::C128);
  std::vector<std::complex<double>> out;
  for (int64_t i = 0; i < c.numel(); ++i)
    out.push_back(c.data<std::complex<double>>()[i]);
  return out;
}

TEST(RefElementwiseTest, InPlaceOnSelectViewWritesBase) {
  Tensor x = tensorOf({2, 3}, {1, 2, 3, 4, 5, 6});
  Value view(row(x, 1));
  std::vector<Value> r = runKernel("aten.add_.Scalar", {view, one(), one()});
  EXPECT_EQ(valuesOf(x), (std::vector<double>{1, 2, 3, 5, 6, 7}));
  // The result is operand 0 itself, sharing its storage.
  ASSERT_TRUE(r[0].isTensor());
  EXPECT_EQ(r[0].toTensor().getStorage(), x.getStorage());
  EXPECT_EQ(r[0].toTensor().storageOffset(), 3);
}

TEST(RefElementwiseTest, InPlaceOnTransposedViewWritesThroughStrides) {
  Tensor x = tensorOf({2, 3}, {-1, 2, -3, 4, -5, 6});
  runKernel("aten.relu_", {Value(transposed(x))});
  EXPECT_EQ(valuesOf(x), (std::vector<double>{0, 2, 0, 4, 0, 6}));
  // A broadcast other on a transposed self: self[i][j] += other[j].
  Tensor y = tensorOf({2, 3}, {0, 0, 0, 0, 0, 0});
  runKernel("aten.add_.Tensor",
            {Value(transposed(y)), Value(tensorOf({2}, {10, 20})), one()});
  EXPECT_EQ(valuesOf(y), (std::vector<double>{10, 10, 10, 20, 20, 20}));
}

TEST(RefElementwiseTest, InPlaceReadsAliasedOperandBeforeWriting) {
  // x += x.t() on a 2x2: every element reads the original values.
  Tensor x = tensorOf({2, 2}, {1, 2, 3, 4});
  runKernel("aten.add_.Tensor", {Value(x), Value(transposed(x)), one()});
  EXPECT_EQ(valuesOf(x), (std::vector<double>{2, 5, 5, 8}));
}

TEST(RefElementwiseTest, InPlaceOnReadOnlyWeightIsError) {
  Tensor w = weight({2}, {1, -2});
  EXPECT_THROW(runKernel("aten.relu_", {Value(w)}), rt::Error);
  EXPECT_THROW(runKernel("aten.mul_.Scalar", {Value(w), Value(2.0)}),
               rt::Error);
  // Out-of-place ops read weights without copying them first.
  EXPECT_EQ(valuesOf(run1("aten.relu", {Value(w)})),
            (std::vector<double>{1, 0}));
  EXPECT_EQ(valuesOf(w), (std::vector<double>{1, -2}));
}

TEST(RefElementwiseTest, InPlaceKeepsSelfDtype) {
  // float32 self, float64 other: computed in float64, stored as float32.
  Tensor x = tensorOf({2}, {1, 2});
  Tensor r = runKernel("aten.add_.Tensor",
                       {Value(x), Value(tensorOf({2}, {0.5, 1}, DType::F64)),
                        one()})[0]
                 .toTensor();
  EXPECT_EQ(r.dtype(), DType::F32);
  EXPECT_EQ(valuesOf(x), (std::vector<double>{1.5, 3}));
  // float self times an int tensor stays float.
  runKernel("aten.mul_.Tensor",
            {Value(x), Value(tensorOf({2}, {2, 3}, DType::I64))});
  EXPECT_EQ(valuesOf(x), (std::vector<double>{3, 9}));
  // floor division in place keeps an int self.
  Tensor i = tensorOf({2}, {7, -7}, DType::I64);
  EXPECT_EQ(valuesOf(run1("aten.div.Tensor_mode",
                          {Value(i), Value(int64_t(2)), Value("floor")})),
            (std::vector<double>{3, -4}));
}

TEST(RefElementwiseTest, InPlaceCastErrors) {
  Tensor i = tensorOf({2}, {1, 2}, DType::I64);
  // result type Float can't be cast to the desired output type Long.
  EXPECT_THROW(runKernel("aten.add_.Scalar", {Value(i), Value(1.5), one()}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.add_.Tensor",
                         {Value(i), Value(tensorOf({2}, {1, 2})), one()}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.div_.Scalar", {Value(i), Value(int64_t(2))}),
               rt::Error);
  Tensor b = tensorOf({2}, {1, 0}, DType::Bool);
  EXPECT_THROW(runKernel("aten.mul_.Scalar", {Value(b), Value(int64_t(2))}),
               rt::Error);
  Tensor x = tensorOf({2}, {1, 2});
  EXPECT_THROW(
      runKernel("aten.add_.Tensor", {Value(x), Value(complex64({1})), one()}),
      rt::Error);
  // Nothing was written by the failed ops.
  EXPECT_EQ(valuesOf(i), (std::vector<double>{1, 2}));
  EXPECT_EQ(valuesOf(x), (std::vector<double>{1, 2}));
}

TEST(RefElementwiseTest, InPlaceMayNotBroadcastSelf) {
  Tensor x = tensorOf({3}, {1, 2, 3});
  EXPECT_THROW(
      runKernel("aten.mul_.Tensor",
                {Value(x), Value(tensorOf({2, 3}, {1, 1, 1, 1, 1, 1}))}),
      rt::Error);
  EXPECT_THROW(runKernel("aten.add.Tensor",
                         {Value(x), Value(tensorOf({2}, {1, 1})), one()}),
               rt::Error);
}

TEST(RefElementwiseTest, DropoutInEvalModeReturnsInputItself) {
  Tensor x = tensorOf({2}, {1, 2});
  for (const char *op :
       {"aten.dropout", "aten.feature_dropout", "aten.dropout_"}) {
    Tensor r = run1(op, {Value(x), Value(0.5), Value(false)});
    EXPECT_EQ(r.getStorage(), x.getStorage()) << op;
    // p == 0 is the identity even in training mode.
    Tensor r0 = run1(op, {Value(x), Value(0.0), Value(true)});
    EXPECT_EQ(r0.getStorage(), x.getStorage()) << op;
    EXPECT_THROW(run1(op, {Value(x), Value(0.5), Value(true)}), rt::Error)
        << op;
    EXPECT_THROW(run1(op, {Value(x), Value(1.5), Value(false)}), rt::Error)
        << op;
  }
  // p == 1 in training mode is deterministic: zeros.
  EXPECT_EQ(valuesOf(run1("aten.dropout", {Value(x), Value(1.0), Value(true)})),
            (std::vector<double>{0, 0}));
  EXPECT_EQ(valuesOf(x), (std::vector<double>{1, 2}));
}

TEST(RefElementwiseTest, ComplexArithmetic) {
  // c64 * 2.0 + f32 tensor stays complex64 (the buffer_dtypes_rare fixture).
  Tensor c = complex64({{1, 2}, {0, -1}});
  Tensor m = run1("aten.mul.Scalar", {Value(c), Value(2.0)});
  EXPECT_EQ(m.dtype(), DType::C64);
  Tensor s = run1("aten.add.Tensor",
                  {Value(m), Value(tensorOf({2}, {0.5, 2})), one()});
  EXPECT_EQ(s.dtype(), DType::C64);
  EXPECT_EQ(complexValues(s),
            (std::vector<std::complex<double>>{{2.5, 4}, {2, -2}}));
  Tensor d = run1("aten.div.Tensor", {Value(c), Value(tensorOf({1}, {2}))});
  EXPECT_EQ(complexValues(d),
            (std::vector<std::complex<double>>{{0.5, 1}, {0, -0.5}}));
  Tensor c128 = c.to(DType::C128);
  Tensor t = run1("aten.sub.Scalar", {Value(c128), Value(int64_t(1)), one()});
  EXPECT_EQ(t.dtype(), DType::C128);
  EXPECT_EQ(complexValues(t),
            (std::vector<std::complex<double>>{{0, 2}, {-1, -1}}));
  EXPECT_EQ(valuesOf(run1("aten.eq.Tensor", {Value(c), Value(c)})),
            (std::vector<double>{1, 1}));
  EXPECT_THROW(run1("aten.lt.Scalar", {Value(c), one()}), rt::Error);
  EXPECT_THROW(run1("aten.remainder.Scalar", {Value(c), one()}), rt::Error);
  EXPECT_THROW(run1("aten.relu", {Value(c)}), rt::Error);
}

TEST(RefElementwiseTest, IntegerDivisionByZeroIsError) {
  Tensor i = tensorOf({2}, {1, 2}, DType::I32);
  Tensor z = tensorOf({2}, {1, 0}, DType::I32);
  EXPECT_THROW(
      run1("aten.div.Tensor_mode", {Value(i), Value(z), Value("trunc")}),
      rt::Error);
  EXPECT_THROW(run1("aten.div.Scalar_mode",
                    {Value(i), Value(int64_t(0)), Value("floor")}),
               rt::Error);
  EXPECT_THROW(run1("aten.floor_divide", {Value(i), Value(z)}), rt::Error);
  EXPECT_THROW(run1("aten.remainder.Tensor", {Value(i), Value(z)}), rt::Error);
  EXPECT_THROW(
      run1("aten.remainder.Scalar_Tensor", {Value(int64_t(3)), Value(z)}),
      rt::Error);
  // True division of integers is float: x / 0 is inf.
  Tensor q = run1("aten.div.Tensor", {Value(i), Value(z)});
  EXPECT_EQ(q.dtype(), DType::F32);
  EXPECT_EQ(valuesOf(q)[1], std::numeric_limits<double>::infinity());
}

TEST(RefElementwiseTest, IntegerOverflowWraps) {
  const int64_t min = std::numeric_limits<int64_t>::min();
  Tensor m = Tensor::zeros(DType::I64, {1});
  m.mutableData<int64_t>()[0] = min;
  Value minus1(int64_t(-1));
  EXPECT_EQ(
      run1("aten.floor_divide.Scalar", {Value(m), minus1}).data<int64_t>()[0],
      min);
  EXPECT_EQ(run1("aten.div.Scalar_mode", {Value(m), minus1, Value("trunc")})
                .data<int64_t>()[0],
            min);
  EXPECT_EQ(
      run1("aten.remainder.Scalar", {Value(m), minus1}).data<int64_t>()[0], 0);
  EXPECT_EQ(run1("aten.neg", {Value(m)}).data<int64_t>()[0], min);
  EXPECT_EQ(run1("aten.abs", {Value(m)}).data<int64_t>()[0], min);
  Tensor i8 = tensorOf({2}, {100, -100}, DType::I8);
  EXPECT_EQ(valuesOf(run1("aten.add.Tensor", {Value(i8), Value(i8), one()})),
            (std::vector<double>{-56, 56}));
  // A wrapped scalar converts modulo 2^8; the result stays uint8.
  Tensor u8 = tensorOf({2}, {255, 1}, DType::U8);
  Tensor e = run1("aten.eq.Scalar", {Value(u8), Value(int64_t(-1))});
  EXPECT_EQ(valuesOf(e), (std::vector<double>{1, 0}));
}

TEST(RefElementwiseTest, PowOfIntegers) {
  Tensor i = tensorOf({3}, {-1, 1, 2}, DType::I64);
  EXPECT_THROW(run1("aten.pow.Tensor_Scalar", {Value(i), Value(int64_t(-1))}),
               rt::Error);
  // Elementwise negative exponents give 0, except for bases 1 and -1.
  Tensor e = tensorOf({3}, {-1, -3, -1}, DType::I64);
  EXPECT_EQ(valuesOf(run1("aten.pow.Tensor_Tensor", {Value(i), Value(e)})),
            (std::vector<double>{-1, 1, 0}));
  // A float exponent promotes to float32.
  Tensor f = run1("aten.pow.Tensor_Scalar", {Value(i), Value(2.0)});
  EXPECT_EQ(f.dtype(), DType::F32);
  EXPECT_EQ(valuesOf(f), (std::vector<double>{1, 1, 4}));
  // The exponent must fit the dtype.
  Tensor i8 = tensorOf({1}, {2}, DType::I8);
  EXPECT_THROW(run1("aten.pow.Tensor_Scalar", {Value(i8), Value(int64_t(300))}),
               rt::Error);
  EXPECT_EQ(valuesOf(run1("aten.pow.Scalar", {Value(int64_t(2)), Value(i)})),
            (std::vector<double>{0, 2, 4}));
}

TEST(RefElementwiseTest, HalfRoundsScalarsFirst) {
  // half(0.1) = 0.0999755859375; 3 * that = 0.2999267578125, a tie between
  // two halves that rounds to even: 0.2998046875 (not half(0.3)).
  Tensor h = tensorOf({1}, {3}, DType::F16);
  Tensor r = run1("aten.mul.Scalar", {Value(h), Value(0.1)});
  EXPECT_EQ(r.dtype(), DType::F16);
  EXPECT_EQ(valuesOf(r)[0], 0.2998046875);
}

TEST(RefElementwiseTest, AddReluSaturatesAtSelfDtype) {
  // PyTorch clamps to [0, max of self's dtype]: int8 + int32 stops at 127.
  Tensor a = tensorOf({2}, {100, -100}, DType::I8);
  Tensor b = tensorOf({2}, {100, 50}, DType::I32);
  Tensor r = run1("aten._add_relu.Tensor", {Value(a), Value(b), one()});
  EXPECT_EQ(r.dtype(), DType::I32);
  EXPECT_EQ(valuesOf(r), (std::vector<double>{127, 0}));
  EXPECT_THROW(run1("aten._add_relu.Tensor",
                    {Value(tensorOf({1}, {1}, DType::Bool)),
                     Value(tensorOf({1}, {1}, DType::Bool)), one()}),
               rt::Error);
}

TEST(RefElementwiseTest, AlphaChecks) {
  Tensor i = tensorOf({2}, {1, 2}, DType::I64);
  Tensor x = tensorOf({2}, {1, 2});
  EXPECT_THROW(run1("aten.add.Tensor", {Value(i), Value(i), Value(2.5)}),
               rt::Error);
  EXPECT_THROW(run1("aten.sub.Tensor", {Value(x), Value(x), Value(true)}),
               rt::Error);
  Tensor i8 = tensorOf({1}, {1}, DType::I8);
  EXPECT_THROW(
      run1("aten.add.Tensor", {Value(i8), Value(i8), Value(int64_t(300))}),
      rt::Error);
  EXPECT_EQ(valuesOf(run1("aten.sub.Tensor", {Value(x), Value(x), Value(0.5)})),
            (std::vector<double>{0.5, 1}));
  EXPECT_THROW(run1("aten.add.Tensor", {Value(i), Value(i), Value("2")}),
               rt::Error);
}

TEST(RefElementwiseTest, DtypeErrors) {
  Tensor b = tensorOf({2}, {1, 0}, DType::Bool);
  Tensor i = tensorOf({2}, {1, 2}, DType::I64);
  Tensor x = tensorOf({2}, {1, 2});
  EXPECT_THROW(run1("aten.sub.Tensor", {Value(b), Value(b), one()}), rt::Error);
  EXPECT_THROW(run1("aten.sub.Scalar", {Value(i), Value(true), one()}),
               rt::Error);
  EXPECT_THROW(run1("aten.neg", {Value(b)}), rt::Error);
  EXPECT_THROW(run1("aten.abs", {Value(b)}), rt::Error);
  EXPECT_THROW(run1("aten.relu", {Value(b)}), rt::Error);
  EXPECT_THROW(run1("aten.silu", {Value(i)}), rt::Error);
  EXPECT_THROW(run1("aten.gelu", {Value(i), Value("none")}), rt::Error);
  EXPECT_THROW(run1("aten.hardswish_", {Value(i)}), rt::Error);
  EXPECT_THROW(run1("aten.leaky_relu", {Value(i), Value(0.01)}), rt::Error);
  EXPECT_THROW(run1("aten.__and__.Tensor", {Value(x), Value(x)}), rt::Error);
  EXPECT_THROW(run1("aten.__or__.Scalar", {Value(i), Value(1.5)}), rt::Error);
  EXPECT_THROW(run1("aten.floor_divide", {Value(b), Value(b)}), rt::Error);
  EXPECT_THROW(run1("aten.pow.Tensor_Tensor", {Value(b), Value(b)}), rt::Error);
  EXPECT_THROW(run1("aten.hardtanh", {Value(b), Value(int64_t(-1)), one()}),
               rt::Error);
  EXPECT_THROW(run1("aten.hardtanh", {Value(tensorOf({1}, {1}, DType::U8)),
                                      Value(int64_t(-1)), one()}),
               rt::Error);
  EXPECT_THROW(run1("aten.clamp", {Value(tensorOf({1}, {1}, DType::I8)),
                                   Value(int64_t(-300)), one()}),
               rt::Error);
  EXPECT_THROW(run1("aten.clamp", {Value(b), Value(true), Value(true)}),
               rt::Error);
}

TEST(RefElementwiseTest, BadArgumentsAreErrors) {
  Tensor x = tensorOf({2}, {1, 2});
  EXPECT_THROW(run1("aten.clamp", {Value(x), Value(), Value()}), rt::Error);
  EXPECT_THROW(run1("aten.clamp.Tensor", {Value(x), Value(), Value()}),
               rt::Error);
  EXPECT_THROW(run1("aten.clamp.Tensor", {Value(x), Value(1.0), Value()}),
               rt::Error);
  EXPECT_THROW(run1("aten.gelu", {Value(x), Value("fast")}), rt::Error);
  EXPECT_THROW(
      run1("aten.div.Tensor_mode", {Value(x), Value(x), Value("round")}),
      rt::Error);
  EXPECT_THROW(run1("aten.mul.Tensor", {Value(x), Value("x")}), rt::Error);
  EXPECT_THROW(run1("aten.relu", {Value(1.0)}), rt::Error);
  EXPECT_THROW(run1("aten.add.Scalar", {Value(int64_t(1)), one(), one()}),
               rt::Error);
  EXPECT_THROW(
      run1("aten.mul.Tensor", {Value(x), Value(tensorOf({3}, {1, 2, 3}))}),
      rt::Error);
  EXPECT_THROW(run1("aten.max.other", {Value(x), Value(2.0)}), rt::Error);
}

TEST(RefElementwiseTest, PromotionOfScalarsAndZeroDimTensors) {
  Tensor i = tensorOf({2}, {1, 2}, DType::I64);
  Tensor a = run1("aten.add.Scalar", {Value(i), Value(2.5), one()});
  EXPECT_EQ(a.dtype(), DType::F32);
  EXPECT_EQ(valuesOf(a), (std::vector<double>{3.5, 4.5}));
  EXPECT_EQ(
      run1("aten.add.Scalar", {Value(i), Value(int64_t(2)), one()}).dtype(),
      DType::I64);
  // A 0-d float64 tensor of a higher category keeps its dtype; a 0-d
  // tensor of the same category does not.
  Tensor d = tensorOf({}, {0.5}, DType::F64);
  EXPECT_EQ(run1("aten.mul.Tensor", {Value(i), Value(d)}).dtype(), DType::F64);
  EXPECT_EQ(
      run1("aten.mul.Tensor", {Value(tensorOf({2}, {1, 2})), Value(d)}).dtype(),
      DType::F32);
  // Comparisons compute in the promoted dtype: 1 < 1.5.
  Tensor c = run1("aten.lt.Scalar", {Value(i), Value(1.5)});
  EXPECT_EQ(c.dtype(), DType::Bool);
  EXPECT_EQ(valuesOf(c), (std::vector<double>{1, 0}));
  // sigmoid of an int tensor is float32; clamp of one with a float bound too.
  EXPECT_EQ(run1("aten.sigmoid", {Value(i)}).dtype(), DType::F32);
  EXPECT_EQ(run1("aten.clamp", {Value(i), Value(), Value(1.5)}).dtype(),
            DType::F32);
}

TEST(RefElementwiseTest, IsFloatingPoint) {
  EXPECT_TRUE(runKernel("aten.is_floating_point",
                        {Value(tensorOf({1}, {1}, DType::F16))})[0]
                  .toBool());
  EXPECT_FALSE(runKernel("aten.is_floating_point",
                         {Value(tensorOf({1}, {1}, DType::I64))})[0]
                   .toBool());
}

} // namespace
