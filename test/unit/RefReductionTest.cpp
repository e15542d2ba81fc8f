//===- RefReductionTest.cpp - Reference reduction kernels
//-------------------===//
//
// Semantics of the reduction kernels the op zoo does not show (NaN
// propagation, first-occurrence indices on ties, empty reductions, integer
// wrap-around, dtype conversion before reducing, strided and read-only
// inputs) and their error paths. Expected values are small hand-derived
// cases.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtils.h"

#include <cmath>
#include <limits>
#include <memory>

using namespace irc;
using namespace irc::test;
using rt::DType;
using rt::Tensor;
using rt::Value;

namespace {

const double NaN = std::numeric_limits<double>::quiet_NaN();
const double Inf = std::numeric_limits<double>::infinity();

std::pair<Tensor, Tensor> run2(const std::string &op,
                               std::vector<Value> operands) {
  std::vector<Value> r = runKernel(op, std::move(operands), 2);
  return {r[0].toTensor(), r[1].toTensor()};
}
void expectNear(const std::vector<double> &got, const std::vector<double> &want,
                double tol = 1e-6) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i]))
      EXPECT_TRUE(std::isnan(got[i])) << "element " << i;
    else if (std::isinf(want[i]))
      EXPECT_EQ(got[i], want[i]) << "element " << i;
    else
      EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
  }
}

//===----------------------------------------------------------------------===//
// sum and mean
//===----------------------------------------------------------------------===//

TEST(RefReductionTest, SumOfIntegersAndBoolsIsInt64) {
  Tensor s = run1("aten.sum", {tensorOf({3}, {1, 2, 3}, DType::I8), none()});
  EXPECT_EQ(s.dtype(), DType::I64);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(valuesOf(s), std::vector<double>({6}));
  // int8 input: no wrap-around, the sum is taken in int64.
  s = run1("aten.sum", {tensorOf({2}, {100, 100}, DType::I8), none()});
  EXPECT_EQ(valuesOf(s), std::vector<double>({200}));
  s = run1("aten.sum", {tensorOf({3}, {1, 0, 1}, DType::Bool), none()});
  EXPECT_EQ(s.dtype(), DType::I64);
  EXPECT_EQ(valuesOf(s), std::vector<double>({2}));
}

TEST(RefReductionTest, SumDtypeConvertsBeforeReducing) {
  // 1.5 -> 1 twice, so 2 (not int(3.0) = 3).
  Tensor s = run1("aten.sum", {tensorOf({2}, {1.5, 1.5}), code(DType::I32)});
  EXPECT_EQ(s.dtype(), DType::I32);
  EXPECT_EQ(valuesOf(s), std::vector<double>({2}));
  // dtype=int8 wraps: 100 + 100 = 200 = -56 (mod 256).
  s = run1("aten.sum.dim_IntList", {tensorOf({2}, {100, 100}, DType::I8),
                                    ints({0}), Value(false), code(DType::I8)});
  EXPECT_EQ(s.dtype(), DType::I8);
  EXPECT_EQ(valuesOf(s), std::vector<double>({-56}));
  s = run1("aten.sum", {tensorOf({2}, {1, 2}, DType::I64), code(DType::F64)});
  EXPECT_EQ(s.dtype(), DType::F64);
}

TEST(RefReductionTest, SumDims) {
  Tensor x = iota({2, 3});
  // dim -1, keepdim.
  Tensor s = run1("aten.sum.dim_IntList", {x, ints({-1}), Value(true), none()});
  EXPECT_EQ(s.sizes(), rt::Shape({2, 1}));
  EXPECT_EQ(valuesOf(s), std::vector<double>({3, 12}));
  // A single int is a one-element list.
  s = run1("aten.sum.dim_IntList",
           {x, Value(int64_t(0)), Value(false), none()});
  EXPECT_EQ(valuesOf(s), std::vector<double>({3, 5, 7}));
  // None and [] both mean every dim.
  for (Value dims : {none(), ints({})}) {
    s = run1("aten.sum.dim_IntList", {x, dims, Value(true), none()});
    EXPECT_EQ(s.sizes(), rt::Shape({1, 1}));
    EXPECT_EQ(valuesOf(s), std::vector<double>({15}));
  }
  s = run1("aten.sum.dim_IntList", {x, ints({1, -2}), Value(false), none()});
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(valuesOf(s), std::vector<double>({15}));
}

TEST(RefReductionTest, SumOfStridedAndReadOnlyInputs) {
  Tensor t = transposed(iota({2, 3})); // [[0,3],[1,4],[2,5]]
  Tensor s = run1("aten.sum.dim_IntList", {t, ints({1}), Value(false), none()});
  EXPECT_EQ(valuesOf(s), std::vector<double>({3, 5, 7}));
  Tensor w = weight({2, 2}, {1, 2, 3, 4});
  s = run1("aten.sum.dim_IntList", {w, ints({0}), Value(false), none()});
  EXPECT_EQ(valuesOf(s), std::vector<double>({4, 6}));
  EXPECT_EQ(valuesOf(w), std::vector<double>({1, 2, 3, 4}));
}

TEST(RefReductionTest, SumOverEmptyDimIsZeroAndScalarsReduceToThemselves) {
  Tensor e = Tensor::zeros(DType::F32, {2, 0});
  Tensor s = run1("aten.sum.dim_IntList", {e, ints({1}), Value(false), none()});
  EXPECT_EQ(s.sizes(), rt::Shape({2}));
  EXPECT_EQ(valuesOf(s), std::vector<double>({0, 0}));
  Tensor sc = Tensor::scalar(DType::F32, 3);
  for (int64_t d : {0, -1}) {
    s = run1("aten.sum.dim_IntList", {sc, ints({d}), Value(true), none()});
    EXPECT_EQ(s.dim(), 0);
    EXPECT_EQ(valuesOf(s), std::vector<double>({3}));
  }
}

TEST(RefReductionTest, SumRejectsBadDims) {
  Tensor x = iota({2, 3});
  EXPECT_THROW(
      run1("aten.sum.dim_IntList", {x, ints({2}), Value(false), none()}),
      rt::Error);
  EXPECT_THROW(
      run1("aten.sum.dim_IntList", {x, ints({-3}), Value(false), none()}),
      rt::Error);
  EXPECT_THROW(
      run1("aten.sum.dim_IntList", {x, ints({0, -2}), Value(false), none()}),
      rt::Error);
  EXPECT_THROW(run1("aten.sum.dim_IntList", {Tensor::scalar(DType::F32, 1),
                                             ints({1}), Value(false), none()}),
               rt::Error);
  EXPECT_THROW(
      run1("aten.sum.dim_IntList", {Tensor::scalar(DType::F32, 1),
                                    ints({0, -1}), Value(false), none()}),
      rt::Error);
  // Wrong operand kinds are errors, not crashes.
  EXPECT_THROW(
      run1("aten.sum.dim_IntList", {x, Value("a"), Value(false), none()}),
      rt::Error);
  EXPECT_THROW(run1("aten.sum", {Value(int64_t(1)), none()}), rt::Error);
  EXPECT_THROW(run1("aten.sum", {x}), rt::Error); // missing dtype operand
}

TEST(RefReductionTest, Mean) {
  Tensor x = iota({2, 3});
  Tensor m = run1("aten.mean.dim", {x, ints({1}), Value(false), none()});
  EXPECT_EQ(valuesOf(m), std::vector<double>({1, 4}));
  m = run1("aten.mean", {x, none()});
  EXPECT_EQ(valuesOf(m), std::vector<double>({2.5}));
  // An integer input needs a floating dtype, which converts first.
  Tensor xi = iota({2, 3}, DType::I64);
  EXPECT_THROW(run1("aten.mean", {xi, none()}), rt::Error);
  EXPECT_THROW(run1("aten.mean", {x, code(DType::I64)}), rt::Error);
  EXPECT_THROW(run1("aten.mean.dim", {tensorOf({2}, {1, 0}, DType::Bool),
                                      none(), Value(false), none()}),
               rt::Error);
  m = run1("aten.mean.dim", {xi, none(), Value(true), code(DType::F64)});
  EXPECT_EQ(m.dtype(), DType::F64);
  EXPECT_EQ(m.sizes(), rt::Shape({1, 1}));
  EXPECT_EQ(valuesOf(m), std::vector<double>({2.5}));
  // An empty reduction is 0/0.
  m = run1("aten.mean.dim", {Tensor::zeros(DType::F32, {2, 0}), ints({1}),
                             Value(false), none()});
  expectNear(valuesOf(m), {NaN, NaN});
}

//===----------------------------------------------------------------------===//
// max, min, argmax
//===----------------------------------------------------------------------===//

TEST(RefReductionTest, MaxMinDimTakeTheFirstOccurrence) {
  Tensor x = tensorOf({2, 4}, {3, 1, 3, 1, 2, 5, 5, 0});
  auto [v, i] = run2("aten.max.dim", {x, Value(int64_t(1)), Value(false)});
  EXPECT_EQ(valuesOf(v), std::vector<double>({3, 5}));
  EXPECT_EQ(i.dtype(), DType::I64);
  EXPECT_EQ(valuesOf(i), std::vector<double>({0, 1}));
  auto [v2, i2] = run2("aten.min.dim", {x, Value(int64_t(-1)), Value(true)});
  EXPECT_EQ(v2.sizes(), rt::Shape({2, 1}));
  EXPECT_EQ(valuesOf(v2), std::vector<double>({1, 0}));
  EXPECT_EQ(valuesOf(i2), std::vector<double>({1, 3}));
  // Along the strided dim of a transpose.
  auto [v3, i3] =
      run2("aten.max.dim", {transposed(x), Value(int64_t(0)), Value(false)});
  EXPECT_EQ(valuesOf(v3), std::vector<double>({3, 5}));
  EXPECT_EQ(valuesOf(i3), std::vector<double>({0, 1}));
}

TEST(RefReductionTest, MaxMinPropagateNaN) {
  Tensor x = tensorOf({4}, {1, NaN, 3, NaN});
  expectNear(valuesOf(run1("aten.max", {x})), {NaN});
  expectNear(valuesOf(run1("aten.min", {x})), {NaN});
  auto [v, i] = run2("aten.max.dim", {x, Value(int64_t(0)), Value(false)});
  expectNear(valuesOf(v), {NaN});
  EXPECT_EQ(valuesOf(i), std::vector<double>({1}));
  auto [v2, i2] = run2("aten.min.dim", {x, Value(int64_t(0)), Value(false)});
  expectNear(valuesOf(v2), {NaN});
  EXPECT_EQ(valuesOf(i2), std::vector<double>({1}));
  EXPECT_EQ(valuesOf(run1("aten.argmax", {x, none(), Value(false)})),
            std::vector<double>({1}));
}

TEST(RefReductionTest, MaxMinOfIntsBoolsAndScalars) {
  Tensor xi = tensorOf({3}, {-7, 9, 2}, DType::I64);
  EXPECT_EQ(valuesOf(run1("aten.max", {xi})), std::vector<double>({9}));
  EXPECT_EQ(valuesOf(run1("aten.min", {xi})), std::vector<double>({-7}));
  EXPECT_EQ(run1("aten.max", {xi}).dtype(), DType::I64);
  Tensor b = tensorOf({3}, {0, 1, 1}, DType::Bool);
  auto [v, i] = run2("aten.max.dim", {b, Value(int64_t(0)), Value(false)});
  EXPECT_EQ(v.dtype(), DType::Bool);
  EXPECT_EQ(valuesOf(v), std::vector<double>({1}));
  EXPECT_EQ(valuesOf(i), std::vector<double>({1}));
  Tensor s = Tensor::scalar(DType::F32, 2.5);
  auto [sv, si] = run2("aten.min.dim", {s, Value(int64_t(-1)), Value(true)});
  EXPECT_EQ(sv.dim(), 0);
  EXPECT_EQ(valuesOf(sv), std::vector<double>({2.5}));
  EXPECT_EQ(valuesOf(si), std::vector<double>({0}));
}

TEST(RefReductionTest, MaxMinRejectEmptyReductions) {
  Tensor e = Tensor::zeros(DType::F32, {0, 3});
  EXPECT_THROW(run1("aten.max", {e}), rt::Error);
  EXPECT_THROW(run1("aten.min", {e}), rt::Error);
  EXPECT_THROW(run2("aten.max.dim", {e, Value(int64_t(0)), Value(false)}),
               rt::Error);
  EXPECT_THROW(run2("aten.min.dim", {e, Value(int64_t(2)), Value(false)}),
               rt::Error);
  // Reducing a non-empty dim of an empty tensor is fine.
  auto [v, i] = run2("aten.max.dim", {e, Value(int64_t(1)), Value(false)});
  EXPECT_EQ(v.sizes(), rt::Shape({0}));
  EXPECT_EQ(i.sizes(), rt::Shape({0}));
}

TEST(RefReductionTest, Argmax) {
  Tensor x = tensorOf({2, 3}, {1, 7, 7, 9, 0, 9});
  // No dim: the index into the flattened tensor (first of the ties).
  Tensor a = run1("aten.argmax", {x, none(), Value(false)});
  EXPECT_EQ(a.dim(), 0);
  EXPECT_EQ(valuesOf(a), std::vector<double>({3}));
  a = run1("aten.argmax", {x, none(), Value(true)});
  EXPECT_EQ(a.sizes(), rt::Shape({1, 1}));
  a = run1("aten.argmax", {x, Value(int64_t(1)), Value(false)});
  EXPECT_EQ(valuesOf(a), std::vector<double>({1, 0}));
  a = run1("aten.argmax", {transposed(x), Value(int64_t(0)), Value(true)});
  EXPECT_EQ(a.sizes(), rt::Shape({1, 2}));
  EXPECT_EQ(valuesOf(a), std::vector<double>({1, 0}));
  EXPECT_THROW(run1("aten.argmax",
                    {Tensor::zeros(DType::F32, {0}), none(), Value(false)}),
               rt::Error);
  EXPECT_THROW(run1("aten.argmax", {Tensor::zeros(DType::F32, {2, 0}),
                                    Value(int64_t(1)), Value(false)}),
               rt::Error);
  EXPECT_THROW(run1("aten.argmax", {x, Value(int64_t(2)), Value(false)}),
               rt::Error);
  EXPECT_THROW(run1("aten.argmax",
                    {tensorOf({2}, {0, 1}, DType::Bool), none(), Value(false)}),
               rt::Error);
}

//===----------------------------------------------------------------------===//
// Norms
//===----------------------------------------------------------------------===//

TEST(RefReductionTest, NormOrders) {
  Tensor x = tensorOf({3}, {3, -4, 0});
  auto norm = [&](double p) {
    return valuesOf(run1("aten.norm.Scalar", {x, Value(p)}))[0];
  };
  EXPECT_DOUBLE_EQ(norm(2), 5);
  EXPECT_DOUBLE_EQ(norm(1), 7);
  EXPECT_DOUBLE_EQ(norm(0), 2); // the non-zeros
  EXPECT_DOUBLE_EQ(norm(Inf), 4);
  EXPECT_DOUBLE_EQ(norm(-Inf), 0);
  EXPECT_NEAR(norm(3), std::cbrt(91.0), 1e-5);
  EXPECT_DOUBLE_EQ(norm(-1), 0); // 1/0 = inf, inf^-1 = 0
  EXPECT_NEAR(valuesOf(run1("aten.norm.Scalar",
                            {tensorOf({2}, {3, -4}), Value(-2.0)}))[0],
              2.4, 1e-6);
  // An int `p` and a bool one (True is 1) work as Scalars.
  EXPECT_DOUBLE_EQ(
      valuesOf(run1("aten.norm.Scalar", {x, Value(int64_t(1))}))[0], 7);
  EXPECT_DOUBLE_EQ(valuesOf(run1("aten.norm.Scalar", {x, Value(true)}))[0], 7);
}

TEST(RefReductionTest, NormNaNAndEmpty) {
  Tensor x = tensorOf({2}, {NaN, 2});
  expectNear(valuesOf(run1("aten.norm.Scalar", {x, Value(Inf)})), {NaN});
  expectNear(valuesOf(run1("aten.norm.Scalar", {x, Value(-Inf)})), {NaN});
  expectNear(valuesOf(run1("aten.norm.Scalar", {x, Value(2.0)})), {NaN});
  expectNear(valuesOf(run1("aten.norm.Scalar", {x, Value(0.0)})), {2});
  // The norm ops give 0 for empty slices, whatever p.
  Tensor e = Tensor::zeros(DType::F32, {2, 0});
  for (double p : {2.0, Inf, -Inf, -1.0}) {
    Tensor n =
        run1("aten.norm.ScalarOpt_dim", {e, Value(p), ints({1}), Value(false)});
    EXPECT_EQ(valuesOf(n), std::vector<double>({0, 0}));
  }
}

TEST(RefReductionTest, NormDimsAndDtypes) {
  Tensor x = tensorOf({2, 2}, {3, 4, 6, 8});
  // p None is 2; [] is every dim.
  Tensor n =
      run1("aten.norm.ScalarOpt_dim", {x, none(), ints({-1}), Value(true)});
  EXPECT_EQ(n.sizes(), rt::Shape({2, 1}));
  expectNear(valuesOf(n), {5, 10});
  n = run1("aten.norm.ScalarOpt_dim", {x, Value(1.0), ints({}), Value(false)});
  EXPECT_EQ(n.dim(), 0);
  expectNear(valuesOf(n), {21});
  // With a dtype an integer input is converted; the dtype must be floating.
  Tensor xi = tensorOf({2, 2}, {3, 4, 6, 8}, DType::I64);
  EXPECT_THROW(run1("aten.norm.Scalar", {xi, Value(2.0)}), rt::Error);
  n = run1("aten.norm.ScalarOpt_dim_dtype",
           {xi, Value(2.0), ints({0}), Value(false), code(DType::F64)});
  EXPECT_EQ(n.dtype(), DType::F64);
  expectNear(valuesOf(n), {std::sqrt(45.0), std::sqrt(80.0)});
  n = run1("aten.norm.ScalarOpt_dtype", {x, none(), code(DType::F64)});
  EXPECT_EQ(n.dtype(), DType::F64);
  expectNear(valuesOf(n), {std::sqrt(125.0)});
  EXPECT_THROW(run1("aten.norm.ScalarOpt_dtype", {x, none(), code(DType::I32)}),
               rt::Error);
  EXPECT_THROW(run1("aten.norm.ScalarOpt_dim",
                    {x, Value(2.0), ints({0, -2}), Value(false)}),
               rt::Error);
  EXPECT_THROW(
      run1("aten.norm.ScalarOpt_dim", {x, Value(2.0), ints({2}), Value(false)}),
      rt::Error);
}

TEST(RefReductionTest, FrobeniusNorm) {
  Tensor x = tensorOf({2, 2}, {3, 4, 6, 8});
  expectNear(valuesOf(run1("aten.frobenius_norm", {x})), {std::sqrt(125.0)});
  Tensor n = run1("aten.frobenius_norm.dim", {x, ints({1}), Value(true)});
  EXPECT_EQ(n.sizes(), rt::Shape({2, 1}));
  expectNear(valuesOf(n), {5, 10});
  n = run1("aten.frobenius_norm.dim", {x, ints({}), Value(false)});
  expectNear(valuesOf(n), {std::sqrt(125.0)});
  // At most two distinct dims; floating inputs only.
  Tensor y = Tensor::zeros(DType::F32, {2, 2, 2});
  EXPECT_THROW(
      run1("aten.frobenius_norm.dim", {y, ints({0, 1, 2}), Value(false)}),
      rt::Error);
  EXPECT_THROW(
      run1("aten.frobenius_norm.dim", {x, ints({0, -2}), Value(false)}),
      rt::Error);
  EXPECT_THROW(run1("aten.frobenius_norm.dim", {x, ints({2}), Value(false)}),
               rt::Error);
  EXPECT_THROW(run1("aten.frobenius_norm", {tensorOf({2}, {1, 2}, DType::I64)}),
               rt::Error);
}

TEST(RefReductionTest, LinalgVectorNorm) {
  Tensor x = tensorOf({2, 2}, {3, 4, 6, 8});
  Tensor n = run1("aten.linalg_vector_norm",
                  {x, Value(2.0), none(), Value(false), none()});
  EXPECT_EQ(n.dim(), 0);
  expectNear(valuesOf(n), {std::sqrt(125.0)});
  n = run1("aten.linalg_vector_norm",
           {x, Value(Inf), ints({0}), Value(true), code(DType::F64)});
  EXPECT_EQ(n.dtype(), DType::F64);
  EXPECT_EQ(n.sizes(), rt::Shape({1, 2}));
  expectNear(valuesOf(n), {6, 8});
  // Input must be floating; dtype must be floating and not narrower.
  EXPECT_THROW(run1("aten.linalg_vector_norm",
                    {tensorOf({2}, {1, 2}, DType::I64), Value(2.0), none(),
                     Value(false), code(DType::F32)}),
               rt::Error);
  EXPECT_THROW(run1("aten.linalg_vector_norm",
                    {x, Value(2.0), none(), Value(false), code(DType::I64)}),
               rt::Error);
  EXPECT_THROW(
      run1("aten.linalg_vector_norm", {x.to(DType::F64), Value(2.0), none(),
                                       Value(false), code(DType::F32)}),
      rt::Error);
  EXPECT_THROW(run1("aten.linalg_vector_norm",
                    {x, Value(2.0), none(), Value(false), code(DType::F16)}),
               rt::Error);
  // Orders without an identity reject empty reductions; others give 0.
  Tensor e = Tensor::zeros(DType::F32, {2, 0});
  EXPECT_THROW(run1("aten.linalg_vector_norm",
                    {e, Value(Inf), ints({1}), Value(false), none()}),
               rt::Error);
  EXPECT_THROW(run1("aten.linalg_vector_norm",
                    {e, Value(-1.0), none(), Value(false), none()}),
               rt::Error);
  n = run1("aten.linalg_vector_norm",
           {e, Value(Inf), ints({0}), Value(false), none()});
  EXPECT_EQ(n.sizes(), rt::Shape({0}));
  n = run1("aten.linalg_vector_norm",
           {e, Value(2.0), ints({1}), Value(false), none()});
  EXPECT_EQ(valuesOf(n), std::vector<double>({0, 0}));
}

//===----------------------------------------------------------------------===//
// softmax, log_softmax
//===----------------------------------------------------------------------===//

TEST(RefReductionTest, Softmax) {
  Tensor x = tensorOf({2, 2}, {0, std::log(3.0), 1000, 1000});
  Tensor s = run1("aten.softmax.int", {x, Value(int64_t(-1)), none()});
  expectNear(valuesOf(s), {0.25, 0.75, 0.5, 0.5}); // large logits: stable
  Tensor l = run1("aten.log_softmax.int", {x, Value(int64_t(1)), none()});
  expectNear(valuesOf(l),
             {std::log(0.25), std::log(0.75), std::log(0.5), std::log(0.5)},
             1e-5);
  // Along dim 0 of a transposed view: the lines are the original rows.
  s = run1("aten.softmax.int", {transposed(x), Value(int64_t(0)), none()});
  EXPECT_EQ(s.sizes(), rt::Shape({2, 2}));
  expectNear(valuesOf(s), {0.25, 0.5, 0.75, 0.5});
  // A 0-d tensor is one line of one element.
  s = run1("aten.softmax.int",
           {Tensor::scalar(DType::F32, 7), Value(int64_t(0)), none()});
  EXPECT_EQ(s.dim(), 0);
  expectNear(valuesOf(s), {1});
  l = run1("aten.log_softmax.int",
           {Tensor::scalar(DType::F32, 7), Value(int64_t(-1)), none()});
  expectNear(valuesOf(l), {0});
}

TEST(RefReductionTest, SoftmaxDtypeAndSpecialValues) {
  Tensor xi = tensorOf({2}, {0, 0}, DType::I64);
  EXPECT_THROW(run1("aten.softmax.int", {xi, Value(int64_t(0)), none()}),
               rt::Error);
  Tensor s =
      run1("aten.softmax.int", {xi, Value(int64_t(0)), code(DType::F64)});
  EXPECT_EQ(s.dtype(), DType::F64);
  expectNear(valuesOf(s), {0.5, 0.5});
  EXPECT_THROW(
      run1("aten.log_softmax.int",
           {tensorOf({2}, {1, 2}), Value(int64_t(0)), code(DType::I64)}),
      rt::Error);
  EXPECT_THROW(run1("aten.softmax.int",
                    {tensorOf({2}, {1, 2}), Value(int64_t(1)), none()}),
               rt::Error);
  // -inf entries get probability 0; a line of -inf (or with +inf or NaN) is
  // NaN, as in PyTorch.
  expectNear(valuesOf(run1("aten.softmax.int", {tensorOf({2}, {1, -Inf}),
                                                Value(int64_t(0)), none()})),
             {1, 0});
  expectNear(
      valuesOf(run1("aten.log_softmax.int",
                    {tensorOf({2}, {1, -Inf}), Value(int64_t(0)), none()})),
      {0, -Inf});
  expectNear(valuesOf(run1("aten.softmax.int", {tensorOf({2}, {-Inf, -Inf}),
                                                Value(int64_t(0)), none()})),
             {NaN, NaN});
  expectNear(valuesOf(run1("aten.softmax.int", {tensorOf({2}, {1, Inf}),
                                                Value(int64_t(0)), none()})),
             {NaN, NaN});
  expectNear(valuesOf(run1("aten.softmax.int", {tensorOf({2}, {NaN, 1}),
                                                Value(int64_t(0)), none()})),
             {NaN, NaN});
  Tensor e = run1("aten.softmax.int", {Tensor::zeros(DType::F32, {2, 0}),
                                       Value(int64_t(1)), none()});
  EXPECT_EQ(e.sizes(), rt::Shape({2, 0}));
}

//===----------------------------------------------------------------------===//
// topk
//===----------------------------------------------------------------------===//

TEST(RefReductionTest, Topk) {
  Tensor x = tensorOf({8}, {3, 1, 4, 1, 5, 9, 2, 6});
  auto [v, i] = run2("aten.topk", {x, Value(int64_t(3)), Value(int64_t(-1)),
                                   Value(true), Value(true)});
  EXPECT_EQ(valuesOf(v), std::vector<double>({9, 6, 5}));
  EXPECT_EQ(valuesOf(i), std::vector<double>({5, 7, 4}));
  // Smallest; equal values keep their index order.
  auto [v2, i2] = run2("aten.topk", {x, Value(int64_t(3)), Value(int64_t(0)),
                                     Value(false), Value(true)});
  EXPECT_EQ(valuesOf(v2), std::vector<double>({1, 1, 2}));
  EXPECT_EQ(valuesOf(i2), std::vector<double>({1, 3, 6}));
  // Along dim 0 of a 2-d strided view.
  Tensor m =
      transposed(tensorOf({2, 3}, {1, 8, 3, 7, 2, 9})); // [[1,7],[8,2],[3,9]]
  auto [v3, i3] = run2("aten.topk", {m, Value(int64_t(2)), Value(int64_t(0)),
                                     Value(true), Value(false)});
  EXPECT_EQ(v3.sizes(), rt::Shape({2, 2}));
  EXPECT_EQ(valuesOf(v3), std::vector<double>({8, 9, 3, 7}));
  EXPECT_EQ(valuesOf(i3), std::vector<double>({1, 2, 2, 0}));
}

TEST(RefReductionTest, TopkNaNAndEdgeCases) {
  Tensor x = tensorOf({3}, {1, NaN, 3});
  auto [v, i] = run2("aten.topk", {x, Value(int64_t(2)), Value(int64_t(0)),
                                   Value(true), Value(true)});
  expectNear(valuesOf(v), {NaN, 3}); // NaN is the largest
  EXPECT_EQ(valuesOf(i), std::vector<double>({1, 2}));
  auto [v2, i2] = run2("aten.topk", {x, Value(int64_t(2)), Value(int64_t(0)),
                                     Value(false), Value(true)});
  expectNear(valuesOf(v2), {1, 3});
  EXPECT_EQ(valuesOf(i2), std::vector<double>({0, 2}));
  // k = 0 and k = size are fine; beyond is an error.
  auto [v3, i3] = run2("aten.topk", {x, Value(int64_t(0)), Value(int64_t(0)),
                                     Value(true), Value(true)});
  EXPECT_EQ(v3.sizes(), rt::Shape({0}));
  EXPECT_THROW(run2("aten.topk", {x, Value(int64_t(4)), Value(int64_t(0)),
                                  Value(true), Value(true)}),
               rt::Error);
  EXPECT_THROW(run2("aten.topk", {x, Value(int64_t(-1)), Value(int64_t(0)),
                                  Value(true), Value(true)}),
               rt::Error);
  EXPECT_THROW(run2("aten.topk", {x, Value(int64_t(1)), Value(int64_t(1)),
                                  Value(true), Value(true)}),
               rt::Error);
  EXPECT_THROW(
      run2("aten.topk", {tensorOf({2}, {0, 1}, DType::Bool), Value(int64_t(1)),
                         Value(int64_t(0)), Value(true), Value(true)}),
      rt::Error);
  // A 0-d tensor gives itself (k 0 or 1).
  auto [sv, si] =
      run2("aten.topk", {Tensor::scalar(DType::F32, 2), Value(int64_t(1)),
                         Value(int64_t(-1)), Value(true), Value(true)});
  EXPECT_EQ(sv.dim(), 0);
  EXPECT_EQ(valuesOf(sv), std::vector<double>({2}));
  EXPECT_EQ(valuesOf(si), std::vector<double>({0}));
  // Integers.
  auto [iv, ii] = run2("aten.topk",
                       {tensorOf({3}, {1, 5, 3}, DType::I64), Value(int64_t(2)),
                        Value(int64_t(0)), Value(true), Value(true)});
  EXPECT_EQ(iv.dtype(), DType::I64);
  EXPECT_EQ(valuesOf(iv), std::vector<double>({5, 3}));
  EXPECT_EQ(valuesOf(ii), std::vector<double>({1, 2}));
}

} // namespace
