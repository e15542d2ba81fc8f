//===- RefRNNTest.cpp - Reference RNN, prepacked and quantize kernels -----===//
//
// Hand-derived cases and error paths of aten::gru / aten::lstm (gate order,
// where b_hn goes, packed-sequence semantics, batch_first views), of the
// XNNPACK prepacked ops (context layout, clamps, weight copies, size
// unpacking) and of quantize_per_tensor / dequantize (round half to even,
// clamping, per-channel scales). The numerics against PyTorch are in the op
// zoo (scripts/opzoo/rnn.py, prepacked.py).
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtils.h"

#include <cmath>
#include <cstring>
#include <memory>

using namespace irc;
using namespace irc::test;
using rt::DType;
using rt::Tensor;
using rt::Value;

namespace {

Tensor zeros(const rt::Shape &sizes, DType dtype = DType::F32) {
  return Tensor::zeros(dtype, sizes);
}
Tensor full(const rt::Shape &sizes, double v, DType dtype = DType::F32) {
  return tensorOf(sizes, std::vector<double>(size_t(rt::numelOf(sizes)), v),
                  dtype);
}
/// A read-only tensor, as weights from a model file are.
Tensor readOnly(const Tensor &t) {
  auto keep = std::make_shared<Tensor>(t.contiguous());
  return Tensor::wrap(t.dtype(), t.sizes(), keep->rawData(),
                      std::shared_ptr<const void>(keep, keep->rawData()));
}
void expectNear(const std::vector<double> &got, const std::vector<double> &want,
                double tol = 1e-6) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
}

//===----------------------------------------------------------------------===//
// GRU / LSTM
//===----------------------------------------------------------------------===//

/// gru.input operands: (input, hx, params, has_biases, num_layers, dropout,
/// train, bidirectional, batch_first).
std::vector<Value> gruArgs(Tensor x, Tensor h0, std::vector<Tensor> params,
                           bool biases = true, int64_t layers = 1,
                           bool bidir = false, bool batchFirst = false,
                           double dropout = 0.0, bool train = false) {
  return {x,      h0,     tensors(std::move(params)),
          biases, layers, dropout,
          train,  bidir,  batchFirst};
}

/// A one-unit GRU with zero weights and the given biases (r, z, n).
std::vector<Tensor> gruParams(std::vector<double> bih, std::vector<double> bhh,
                              int64_t inputSize = 1) {
  return {zeros({3, inputSize}), zeros({3, 1}), tensorOf({3}, bih),
          tensorOf({3}, bhh)};
}

TEST(RefRNN, GruGateOrderAndResetOnHiddenBias) {
  // z -> 0 (h' = n); r -> 1: n = tanh(b_in + 1 * b_hn).
  auto r = runKernel("aten.gru.input",
                     gruArgs(zeros({2, 1, 1}), full({1, 1, 1}, 0.3),
                             gruParams({100, -100, 0.5}, {0, 0, 0.25})),
                     2);
  expectNear(valuesOf(r[0].toTensor()), {std::tanh(0.75), std::tanh(0.75)});
  expectNear(valuesOf(r[1].toTensor()), {std::tanh(0.75)});
  // r -> 0 removes b_hn: n = tanh(b_in).
  r = runKernel("aten.gru.input",
                gruArgs(zeros({1, 1, 1}), full({1, 1, 1}, 0.3),
                        gruParams({-100, -100, 0.5}, {0, 0, 0.25})),
                2);
  expectNear(valuesOf(r[1].toTensor()), {std::tanh(0.5)});
  // z -> 1 keeps h.
  r = runKernel("aten.gru.input",
                gruArgs(zeros({3, 1, 1}), full({1, 1, 1}, 0.3),
                        gruParams({0, 100, 0.5}, {0, 0, 0})),
                2);
  expectNear(valuesOf(r[0].toTensor()), {0.3, 0.3, 0.3});
  // All zero: r = z = 1/2, n = 0, h' = h / 2.
  r = runKernel("aten.gru.input",
                gruArgs(zeros({2, 1, 1}), full({1, 1, 1}, 1.0),
                        gruParams({0, 0, 0}, {0, 0, 0})),
                2);
  expectNear(valuesOf(r[0].toTensor()), {0.5, 0.25});
}

TEST(RefRNN, GruWithoutBiasesAndReadOnlyWeights) {
  // has_biases=false: two params; w_in = 1, z -> 0 impossible without bias,
  // so all gates are 1/2 and n = tanh(x): h' = (h - n) / 2 + n.
  Tensor wih = readOnly(tensorOf({3, 1}, {0, 0, 1}));
  Tensor whh = readOnly(zeros({3, 1}));
  auto r = runKernel(
      "aten.gru.input",
      gruArgs(full({1, 1, 1}, 0.5), zeros({1, 1, 1}), {wih, whh}, false), 2);
  double n = std::tanh(0.5);
  expectNear(valuesOf(r[0].toTensor()), {n / 2});
}

TEST(RefRNN, LstmGateOrder) {
  // i -> 1, f -> 0, g = tanh(0.5), o -> 1: c' = tanh(0.5), h' = tanh(c').
  std::vector<Tensor> params = {zeros({4, 1}), zeros({4, 1}),
                                tensorOf({4}, {100, -100, 0.5, 100}),
                                zeros({4})};
  auto r = runKernel(
      "aten.lstm.input",
      {zeros({1, 1, 1}), tensors({full({1, 1, 1}, 0.7), full({1, 1, 1}, 2.0)}),
       tensors(params), true, int64_t(1), 0.0, false, false, false},
      3);
  double c = std::tanh(0.5);
  expectNear(valuesOf(r[0].toTensor()), {std::tanh(c)});
  expectNear(valuesOf(r[1].toTensor()), {std::tanh(c)});
  expectNear(valuesOf(r[2].toTensor()), {c});
  // f -> 1, i -> 0 keeps c; o -> 0 zeroes h.
  params[2] = tensorOf({4}, {-100, 100, 0.5, -100});
  r = runKernel("aten.lstm.input",
                {zeros({1, 1, 1}),
                 tensors({full({1, 1, 1}, 0.7), full({1, 1, 1}, 2.0)}),
                 tensors(params), true, int64_t(1), 0.0, false, false, false},
                3);
  expectNear(valuesOf(r[1].toTensor()), {0.0});
  expectNear(valuesOf(r[2].toTensor()), {2.0});
}

TEST(RefRNN, LstmProjection) {
  // Projections: h has 1 feature, c has 2; w_hr = [2, -1].
  // i, f, o -> 1, 0, 1 (bias), g = 0 + w_hh * h with w_hh = 0.
  std::vector<Tensor> params = {
      zeros({8, 1}), zeros({8, 1}),
      tensorOf({8}, {100, 100, -100, -100, 0.5, -0.25, 100, 100}), zeros({8}),
      tensorOf({1, 2}, {2, -1})};
  auto r = runKernel(
      "aten.lstm.input",
      {zeros({1, 1, 1}), tensors({zeros({1, 1, 1}), zeros({1, 1, 2})}),
       tensors(params), true, int64_t(1), 0.0, false, false, false},
      3);
  double c0 = std::tanh(0.5), c1 = std::tanh(-0.25);
  expectNear(valuesOf(r[2].toTensor()), {c0, c1});
  expectNear(valuesOf(r[1].toTensor()), {2 * std::tanh(c0) - std::tanh(c1)});
}

TEST(RefRNN, PackedBidirectionalGru) {
  // z -> 0, r -> 0: h' = n = tanh(x). batch_sizes [2, 1]: rows t0b0, t0b1,
  // t1b0.
  std::vector<Tensor> fwd = {tensorOf({3, 1}, {0, 0, 1}), zeros({3, 1}),
                             tensorOf({3}, {-100, -100, 0}), zeros({3})};
  std::vector<Tensor> params = fwd;
  params.insert(params.end(), fwd.begin(), fwd.end());
  Tensor data = tensorOf({3, 1}, {0.1, 0.2, 0.3});
  Tensor bs = tensorOf({2}, {2, 1}, DType::I64);
  auto r = runKernel("aten.gru.data",
                     {data, bs, zeros({2, 2, 1}), tensors(params), true,
                      int64_t(1), 0.0, false, true},
                     2);
  double a = std::tanh(0.1), b = std::tanh(0.2), c = std::tanh(0.3);
  // Output rows (forward, reverse) per packed row.
  expectNear(valuesOf(r[0].toTensor()), {a, a, b, b, c, c});
  // h_n: forward ends at each sequence's last step (b0 at t1, b1 at t0);
  // reverse ends at t0.
  expectNear(valuesOf(r[1].toTensor()), {c, b, a, b});
}

TEST(RefRNN, PackedGruMatchesPaddedWhenBatchIsConstant) {
  std::vector<Tensor> params = {
      tensorOf({6, 2}, {1, -1, 2, 0.5, 0, 1, -1, 0.3, 0.2, 0.1, 1, 1}),
      tensorOf({6, 2}, {0.5, 0, 0, 0.5, 1, -1, 0.2, 0.2, 0, 1, 1, 0}),
      tensorOf({6}, {0.1, 0.2, 0.3, -0.1, -0.2, -0.3}),
      tensorOf({6}, {0, 0.1, 0, 0.1, 0, 0.1})};
  Tensor x = tensorOf({2, 2, 2}, {1, 2, 3, 4, -1, -2, 0.5, 0.25});
  Tensor h0 = tensorOf({1, 2, 2}, {0.1, -0.1, 0.2, 0.3});
  auto padded = runKernel("aten.gru.input", gruArgs(x, h0, params), 2);
  auto packed = runKernel(
      "aten.gru.data",
      {x.asStrided({4, 2}, {2, 1}, 0), tensorOf({2}, {2, 2}, DType::I64), h0,
       tensors(params), true, int64_t(1), 0.0, false, false},
      2);
  expectNear(valuesOf(packed[0].toTensor()), valuesOf(padded[0].toTensor()));
  expectNear(valuesOf(packed[1].toTensor()), valuesOf(padded[1].toTensor()));
}

TEST(RefRNN, BatchFirstReturnsTransposedView) {
  std::vector<Tensor> params = gruParams({0.1, 0.2, 0.3}, {0.3, 0.2, 0.1}, 2);
  params[0] = tensorOf({3, 2}, {1, 0, 0, 1, 1, 1});
  Tensor x = tensorOf({3, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  // The same data, batch-first: (batch 2, seq 3, feature 2).
  Tensor xbf = x.asStrided({2, 3, 2}, {2, 4, 1}, 0).contiguous();
  Tensor h0 = tensorOf({1, 2, 1}, {0.5, -0.5});
  auto a = runKernel("aten.gru.input", gruArgs(x, h0, params), 2);
  auto b = runKernel("aten.gru.input",
                     gruArgs(xbf, h0, params, true, 1, false, true), 2);
  Tensor out = b[0].toTensor();
  EXPECT_EQ(out.sizes(), (rt::Shape{2, 3, 1}));
  EXPECT_FALSE(out.isContiguous()); // ATen's transpose(0, 1)
  Tensor back = out.asStrided(
      {3, 2, 1}, {out.strides()[1], out.strides()[0], 1}, out.storageOffset());
  expectNear(valuesOf(back), valuesOf(a[0].toTensor()));
  expectNear(valuesOf(b[1].toTensor()), valuesOf(a[1].toTensor()));
}

TEST(RefRNN, Float64) {
  std::vector<Tensor> params = {zeros({3, 1}, DType::F64),
                                zeros({3, 1}, DType::F64),
                                tensorOf({3}, {100, -100, 0.5}, DType::F64),
                                tensorOf({3}, {0, 0, 0.25}, DType::F64)};
  auto r = runKernel("aten.gru.input",
                     gruArgs(zeros({1, 1, 1}, DType::F64),
                             zeros({1, 1, 1}, DType::F64), params),
                     2);
  EXPECT_EQ(r[0].toTensor().dtype(), DType::F64);
  expectNear(valuesOf(r[1].toTensor()), {std::tanh(0.75)}, 1e-12);
}

TEST(RefRNN, GruErrors) {
  auto params = gruParams({0, 0, 0}, {0, 0, 0});
  auto gru = [](std::vector<Value> args) {
    runKernel("aten.gru.input", std::move(args), 2);
  };
  // Unbatched input goes through nn.GRU's unsqueeze, never to the op.
  EXPECT_THROW(gru(gruArgs(zeros({2, 1}), zeros({1, 1}), params)), rt::Error);
  EXPECT_THROW(gru(gruArgs(zeros({2, 1, 1}), zeros({1, 2, 1}), params)),
               rt::Error); // hx batch
  EXPECT_THROW(gru(gruArgs(zeros({2, 1, 1}), zeros({2, 1, 1}), params)),
               rt::Error); // hx layers
  EXPECT_THROW(gru(gruArgs(zeros({2, 1, 1}), zeros({1, 1}), params)),
               rt::Error); // 2-d hx
  EXPECT_THROW(gru(gruArgs(zeros({2, 1, 2}), zeros({1, 1, 1}), params)),
               rt::Error); // input size
  EXPECT_THROW(gru(gruArgs(zeros({2, 1, 1}), zeros({1, 1, 1}),
                           {params[0], params[1], params[2]})),
               rt::Error); // parameter count
  EXPECT_THROW(gru(gruArgs(zeros({2, 1, 1}), zeros({1, 1, 1}), params, false)),
               rt::Error); // has_biases=false with four params
  EXPECT_THROW(
      gru(gruArgs(zeros({2, 1, 1}), zeros({1, 1, 1}), params, true, 2)),
      rt::Error); // too few layers of params
  EXPECT_THROW(
      gru(gruArgs(zeros({2, 1, 1}), zeros({1, 1, 1}), params, true, 0)),
      rt::Error);
  EXPECT_THROW(gru(gruArgs(zeros({0, 1, 1}), zeros({1, 1, 1}), params)),
               rt::Error); // no time steps
  EXPECT_THROW(
      gru(gruArgs(zeros({2, 1, 1}, DType::F64), zeros({1, 1, 1}), params)),
      rt::Error); // dtype mismatch
  EXPECT_THROW(gru(gruArgs(zeros({2, 1, 1}, DType::F16),
                           zeros({1, 1, 1}, DType::F16), params)),
               rt::Error);
  EXPECT_THROW(gru(gruArgs(zeros({2, 1, 1}, DType::I64),
                           zeros({1, 1, 1}, DType::I64), params)),
               rt::Error);
  // Dropout between layers in training mode is random.
  std::vector<Tensor> two = params;
  two.insert(two.end(), params.begin(), params.end());
  EXPECT_THROW(gru(gruArgs(zeros({2, 1, 1}), zeros({2, 1, 1}), two, true, 2,
                           false, false, 0.5, true)),
               rt::Error);
  // ...but not with one layer, p = 0, or eval mode.
  EXPECT_NO_THROW(gru(gruArgs(zeros({2, 1, 1}), zeros({1, 1, 1}), params, true,
                              1, false, false, 0.5, true)));
  EXPECT_NO_THROW(gru(gruArgs(zeros({2, 1, 1}), zeros({2, 1, 1}), two, true, 2,
                              false, false, 0.0, true)));
  EXPECT_NO_THROW(gru(gruArgs(zeros({2, 1, 1}), zeros({2, 1, 1}), two, true, 2,
                              false, false, 0.5, false)));
  // Wrong operand kinds.
  EXPECT_THROW(gru({zeros({2, 1, 1}), zeros({1, 1, 1}), Value(int64_t(3)), true,
                    int64_t(1), 0.0, false, false, false}),
               rt::Error);
}

TEST(RefRNN, LstmAndPackedErrors) {
  std::vector<Tensor> lp = {zeros({4, 1}), zeros({4, 1}), zeros({4}),
                            zeros({4})};
  auto lstm = [&](Value hx) {
    runKernel("aten.lstm.input",
              {zeros({1, 1, 1}), hx, tensors(lp), true, int64_t(1), 0.0, false,
               false, false},
              3);
  };
  EXPECT_THROW(lstm(tensors({zeros({1, 1, 1})})), rt::Error);
  EXPECT_THROW(lstm(tensors({zeros({1, 1, 1}), zeros({1, 2, 1})})), rt::Error);
  // h and c of different sizes mean projections: a w_hr is missing.
  EXPECT_THROW(lstm(tensors({zeros({1, 1, 1}), zeros({1, 1, 2})})), rt::Error);
  EXPECT_NO_THROW(lstm(tensors({zeros({1, 1, 1}), zeros({1, 1, 1})})));

  auto params = gruParams({0, 0, 0}, {0, 0, 0});
  auto packed = [&](Tensor data, Tensor bs, Tensor h0) {
    runKernel(
        "aten.gru.data",
        {data, bs, h0, tensors(params), true, int64_t(1), 0.0, false, false},
        2);
  };
  Tensor data = zeros({3, 1});
  EXPECT_NO_THROW(
      packed(data, tensorOf({2}, {2, 1}, DType::I64), zeros({1, 2, 1})));
  EXPECT_THROW(
      packed(data, tensorOf({2}, {1, 2}, DType::I64), zeros({1, 1, 1})),
      rt::Error); // increasing
  EXPECT_THROW(
      packed(data, tensorOf({2}, {2, 2}, DType::I64), zeros({1, 2, 1})),
      rt::Error); // sum mismatch
  EXPECT_THROW(
      packed(data, tensorOf({3}, {3, 0, 0}, DType::I64), zeros({1, 3, 1})),
      rt::Error); // zero batch
  EXPECT_THROW(
      packed(data, tensorOf({2}, {2, 1}, DType::I32), zeros({1, 2, 1})),
      rt::Error);
  EXPECT_THROW(packed(data, zeros({0}, DType::I64), zeros({1, 2, 1})),
               rt::Error);
  EXPECT_THROW(
      packed(data, tensorOf({2}, {2, 1}, DType::I64), zeros({1, 3, 1})),
      rt::Error); // hx batch != batch_sizes[0]
  EXPECT_THROW(packed(zeros({3, 1, 1}), tensorOf({2}, {2, 1}, DType::I64),
                      zeros({1, 2, 1})),
               rt::Error);
}

//===----------------------------------------------------------------------===//
// Prepacked (XNNPACK) ops
//===----------------------------------------------------------------------===//

Value linearContext(Tensor w, Value b, Value lo, Value hi) {
  return runKernel("prepacked.linear_clamp_prepack", {w, b, lo, hi})[0];
}
Value convContext(Tensor w, Value b, std::vector<int64_t> stride,
                  std::vector<int64_t> pad, std::vector<int64_t> dil,
                  int64_t groups, Value lo = none(), Value hi = none()) {
  return runKernel(
      "prepacked.conv2d_clamp_prepack",
      {w, b, ints(stride), ints(pad), ints(dil), groups, lo, hi})[0];
}
Value transposeContext(Tensor w, Value b, std::vector<int64_t> stride,
                       std::vector<int64_t> pad, std::vector<int64_t> outPad,
                       int64_t groups, Value lo = none(), Value hi = none()) {
  return runKernel("prepacked.conv2d_transpose_clamp_prepack",
                   {w, b, ints(stride), ints(pad), ints(outPad), ints({1, 1}),
                    groups, lo, hi})[0];
}

TEST(RefPrepacked, LinearContextLayoutAndClamp) {
  Tensor w = tensorOf({2, 2}, {1, 2, 3, 4});
  Value ctx = linearContext(w, tensorOf({2}, {1, -1}), none(), Value(5.0));
  ASSERT_TRUE(ctx.isObject());
  rt::Object &obj = ctx.toObject();
  EXPECT_EQ(obj.className, "__torch__.torch.classes.xnnpack.LinearOpContext");
  ASSERT_EQ(obj.fields.size(), 4u);
  EXPECT_EQ(obj.fields[0].first, "0");
  EXPECT_TRUE(obj.fields[2].second.isNone());
  EXPECT_EQ(obj.fields[3].second.toDouble(), 5.0);
  // [1, 1] -> [1 + 2 + 1, 3 + 4 - 1] = [4, 6], clamped to 5.
  Tensor y = run1("prepacked.linear_clamp_run", {tensorOf({2}, {1, 1}), ctx});
  EXPECT_EQ(y.sizes(), (rt::Shape{2}));
  expectNear(valuesOf(y), {4, 5});
  // Rank 3, applied to the last dim; integer output_min.
  ctx = linearContext(w, none(), Value(int64_t(0)), none());
  y = run1("prepacked.linear_clamp_run",
           {tensorOf({2, 1, 2}, {1, 0, -1, 0}), ctx});
  EXPECT_EQ(y.sizes(), (rt::Shape{2, 1, 2}));
  expectNear(valuesOf(y), {1, 3, 0, 0});
}

TEST(RefPrepacked, PrepackCopiesTheWeight) {
  Tensor w = tensorOf({1, 1}, {2});
  Value ctx = linearContext(w, none(), none(), none());
  w.mutableData<float>()[0] = 10; // XNNPACK packed the old value
  expectNear(
      valuesOf(run1("prepacked.linear_clamp_run", {tensorOf({1}, {3}), ctx})),
      {6});
}

TEST(RefPrepacked, Conv2dWindowSums) {
  // 2x2 ones over 0..8 (3x3): window sums.
  std::vector<double> x(9);
  for (int i = 0; i < 9; ++i)
    x[size_t(i)] = i;
  Value ctx = convContext(readOnly(full({1, 1, 2, 2}, 1)), tensorOf({1}, {0.5}),
                          {1, 1}, {0, 0}, {1, 1}, 1);
  Tensor y =
      run1("prepacked.conv2d_clamp_run", {tensorOf({1, 1, 3, 3}, x), ctx});
  EXPECT_EQ(y.sizes(), (rt::Shape{1, 1, 2, 2}));
  expectNear(valuesOf(y), {8.5, 12.5, 20.5, 24.5});
  // Padding 1, stride 2, clamped to [0, 10]: windows at (-1,-1), (-1,1),
  // (1,-1), (1,1) sum to 0, 1 + 2, 3 + 6, 4 + 5 + 7 + 8.
  ctx = convContext(full({1, 1, 2, 2}, 1), none(), {2, 2}, {1, 1}, {1, 1}, 1,
                    Value(0.0), Value(10.0));
  y = run1("prepacked.conv2d_clamp_run", {tensorOf({1, 1, 3, 3}, x), ctx});
  EXPECT_EQ(y.sizes(), (rt::Shape{1, 1, 2, 2}));
  expectNear(valuesOf(y), {0, 3, 9, 10});
  // A channels-last-strided (non-contiguous) input gives the same result.
  Tensor nhwc = tensorOf({1, 3, 3, 1}, x);
  Tensor nchw = nhwc.asStrided({1, 1, 3, 3}, {9, 1, 3, 1}, 0);
  y = run1("prepacked.conv2d_clamp_run", {nchw, ctx});
  expectNear(valuesOf(y), {0, 3, 9, 10});
}

TEST(RefPrepacked, GroupedConv) {
  // Two groups of one channel each; weights 1 and -1, 1x1 kernel.
  Value ctx = convContext(tensorOf({2, 1, 1, 1}, {1, -1}), none(), {1, 1},
                          {0, 0}, {1, 1}, 2);
  Tensor y = run1("prepacked.conv2d_clamp_run",
                  {tensorOf({1, 2, 1, 2}, {1, 2, 3, 4}), ctx});
  expectNear(valuesOf(y), {1, 2, -3, -4});
}

TEST(RefPrepacked, ConvTranspose) {
  // Stride 1: overlapping 2x2 scatters of [1 2; 3 4].
  Value ctx = transposeContext(full({1, 1, 2, 2}, 1), none(), {1, 1}, {0, 0},
                               {0, 0}, 1);
  Tensor y = run1("prepacked.conv2d_transpose_clamp_run",
                  {tensorOf({1, 1, 2, 2}, {1, 2, 3, 4}), ctx});
  EXPECT_EQ(y.sizes(), (rt::Shape{1, 1, 3, 3}));
  expectNear(valuesOf(y), {1, 3, 2, 4, 10, 6, 3, 7, 4});
  // Stride 2, output_padding 1 (an extra zero row and column + bias),
  // clamped above at 3.5.
  ctx = transposeContext(full({1, 1, 1, 1}, 1), tensorOf({1}, {0.5}), {2, 2},
                         {0, 0}, {1, 1}, 1, none(), Value(3.5));
  y = run1("prepacked.conv2d_transpose_clamp_run",
           {tensorOf({1, 1, 2, 2}, {1, 2, 3, 4}), ctx});
  EXPECT_EQ(y.sizes(), (rt::Shape{1, 1, 4, 4}));
  expectNear(valuesOf(y), {1.5, 0.5, 2.5, 0.5, 0.5, 0.5, 0.5, 0.5, 3.5, 0.5,
                           3.5, 0.5, 0.5, 0.5, 0.5, 0.5});
}

TEST(RefPrepacked, UnpackSizes) {
  Value c = convContext(zeros({4, 3, 3, 3}), zeros({4}), {1, 2}, {0, 1}, {1, 1},
                        1, Value(0.0), none());
  Value s = runKernel("prepacked.unpack_prepacked_sizes_conv2d", {c})[0];
  ASSERT_TRUE(s.isTuple());
  const auto &items = s.toTuple().items;
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[0].toIntVector(), (std::vector<int64_t>{4, 3, 3, 3}));
  EXPECT_EQ(items[1].toIntVector(), (std::vector<int64_t>{4}));
  EXPECT_EQ(items[2].toIntVector(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(items[3].toIntVector(), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(items[4].toIntVector(), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(items[5].toInt(), 1);
  Value l = linearContext(zeros({5, 3}), none(), none(), none());
  s = runKernel("prepacked.unpack_prepacked_sizes_linear", {l})[0];
  ASSERT_EQ(s.toTuple().items.size(), 2u);
  EXPECT_EQ(s.toTuple().items[0].toIntVector(), (std::vector<int64_t>{5, 3}));
  EXPECT_TRUE(s.toTuple().items[1].isNone());
  // Only a Conv2dOpContext / LinearOpContext.
  Value t =
      transposeContext(zeros({1, 1, 1, 1}), none(), {1, 1}, {0, 0}, {0, 0}, 1);
  EXPECT_THROW(runKernel("prepacked.unpack_prepacked_sizes_conv2d", {t}),
               rt::Error);
  EXPECT_THROW(runKernel("prepacked.unpack_prepacked_sizes_linear", {c}),
               rt::Error);
  EXPECT_THROW(
      runKernel("prepacked.unpack_prepacked_sizes_linear", {zeros({2})}),
      rt::Error);
}

TEST(RefPrepacked, Errors) {
  // Prepack checks (XNNPACK's available()).
  EXPECT_THROW(linearContext(zeros({2}), none(), none(), none()), rt::Error);
  EXPECT_THROW(linearContext(zeros({2, 2}, DType::F64), none(), none(), none()),
               rt::Error);
  EXPECT_THROW(linearContext(zeros({2, 2}), zeros({3}), none(), none()),
               rt::Error);
  EXPECT_THROW(linearContext(zeros({2, 2}), none(), Value(1.0), Value(1.0)),
               rt::Error); // max must exceed min
  EXPECT_THROW(linearContext(zeros({2, 2}), none(), Value("a"), none()),
               rt::Error);
  EXPECT_THROW(convContext(zeros({4, 3, 3}), none(), {1, 1}, {0, 0}, {1, 1}, 1),
               rt::Error);
  EXPECT_THROW(
      convContext(zeros({4, 3, 3, 3}), zeros({3}), {1, 1}, {0, 0}, {1, 1}, 1),
      rt::Error);
  EXPECT_THROW(
      convContext(zeros({3, 1, 3, 3}), none(), {1, 1}, {0, 0}, {1, 1}, 2),
      rt::Error); // groups do not divide
  EXPECT_THROW(
      convContext(zeros({4, 3, 3, 3}), none(), {0, 1}, {0, 0}, {1, 1}, 1),
      rt::Error);
  EXPECT_THROW(
      convContext(zeros({4, 3, 3, 3}), none(), {1, 1}, {-1, 0}, {1, 1}, 1),
      rt::Error);
  EXPECT_THROW(
      convContext(zeros({4, 3, 3, 3}), none(), {1, 1, 1}, {0, 0}, {1, 1}, 1),
      rt::Error);
  EXPECT_THROW(
      convContext(zeros({4, 3, 3, 3}), none(), {1, 1}, {0, 0}, {1, 1}, 0),
      rt::Error);

  // Run checks.
  Value conv =
      convContext(zeros({4, 3, 3, 3}), none(), {1, 1}, {0, 0}, {1, 1}, 1);
  auto convRun = [&](Tensor x, Value c) {
    run1("prepacked.conv2d_clamp_run", {x, c});
  };
  EXPECT_NO_THROW(convRun(zeros({0, 3, 5, 5}), conv)); // empty batch is fine
  EXPECT_THROW(convRun(zeros({3, 5, 5}), conv), rt::Error);
  EXPECT_THROW(convRun(zeros({1, 6, 5, 5}), conv), rt::Error);
  EXPECT_THROW(convRun(zeros({1, 3, 5, 5}, DType::F64), conv), rt::Error);
  EXPECT_THROW(convRun(zeros({1, 3, 2, 2}), conv), rt::Error); // too small
  Value lin = linearContext(zeros({5, 3}), none(), none(), none());
  EXPECT_THROW(convRun(zeros({1, 3, 5, 5}), lin), rt::Error); // wrong class
  EXPECT_THROW(convRun(zeros({1, 3, 5, 5}), Value(int64_t(1))), rt::Error);
  // A context with its fields missing.
  auto broken = std::make_shared<rt::Object>();
  broken->className = "__torch__.torch.classes.xnnpack.Conv2dOpContext";
  broken->fields.emplace_back("0", zeros({4, 3, 3, 3}));
  EXPECT_THROW(convRun(zeros({1, 3, 5, 5}), Value(broken)), rt::Error);
  // A context whose weight does not match its bias.
  rt::Object &c = conv.toObject();
  c.fields[1].second = zeros({2});
  EXPECT_THROW(convRun(zeros({1, 3, 5, 5}), conv), rt::Error);

  auto linRun = [&](Tensor x) { run1("prepacked.linear_clamp_run", {x, lin}); };
  EXPECT_NO_THROW(linRun(zeros({0, 3})));
  EXPECT_THROW(linRun(zeros({2, 4})), rt::Error);
  EXPECT_THROW(linRun(Tensor::scalar(DType::F32, 1.0)), rt::Error);
  EXPECT_THROW(linRun(zeros({2, 3}, DType::F64)), rt::Error);

  // XNNPACK's deconvolution wants output_padding < stride.
  Value t =
      transposeContext(zeros({1, 1, 3, 3}), none(), {1, 1}, {0, 0}, {1, 1}, 1);
  EXPECT_THROW(
      run1("prepacked.conv2d_transpose_clamp_run", {zeros({1, 1, 3, 3}), t}),
      rt::Error);
}

//===----------------------------------------------------------------------===//
// quantize_per_tensor / dequantize
//===----------------------------------------------------------------------===//

Value qcode(DType d) { return Value(rt::toScalarType(d)); }

template <typename C> std::vector<int64_t> codesOf(const Value &q) {
  const Tensor &t = q.toObject().find("int_repr")->toTensor();
  const C *p = static_cast<const C *>(t.rawData());
  return std::vector<int64_t>(p, p + t.numel());
}

TEST(RefQuantize, PerTensorRoundsHalfToEvenAndClamps) {
  Tensor x = tensorOf({8}, {0.25, 0.75, -0.25, -0.75, 1000, -1000, NAN, 1.1});
  Value q = runKernel("aten.quantize_per_tensor",
                      {x, 0.5, int64_t(3), qcode(DType::QU8)})[0];
  ASSERT_TRUE(q.isObject());
  rt::Object &obj = q.toObject();
  EXPECT_EQ(obj.className, "torch.QuantizedTensor");
  EXPECT_EQ(obj.find("qscheme")->toString(), "per_tensor_affine");
  EXPECT_EQ(obj.find("scale")->toDouble(), 0.5);
  EXPECT_EQ(obj.find("zero_point")->toInt(), 3);
  EXPECT_EQ(obj.find("int_repr")->toTensor().dtype(), DType::QU8);
  // x / 0.5 = 0.5, 1.5, -0.5, -1.5 -> 0, 2, -0, -2; NaN -> qmin.
  EXPECT_EQ(codesOf<uint8_t>(q),
            (std::vector<int64_t>{3, 5, 3, 1, 255, 0, 0, 5}));
  Tensor d = run1("aten.dequantize.self", {q});
  EXPECT_EQ(d.dtype(), DType::F32);
  expectNear(valuesOf(d), {0, 1, 0, -1, 126, -1.5, -1.5, 1});

  q = runKernel("aten.quantize_per_tensor",
                {x, 0.5, int64_t(-3), qcode(DType::QI8)})[0];
  EXPECT_EQ(codesOf<int8_t>(q),
            (std::vector<int64_t>{-3, -1, -3, -5, 127, -128, -128, -1}));
  q = runKernel("aten.quantize_per_tensor",
                {x, 0.5, int64_t(7), qcode(DType::QI32)})[0];
  EXPECT_EQ(codesOf<int32_t>(q),
            (std::vector<int64_t>{7, 9, 7, 5, 2007, -1993, INT32_MIN, 9}));
}

TEST(RefQuantize, TensorQparamsAndTensors) {
  Tensor x = tensorOf({2}, {0.25, 0.75});
  // zero_point 3.7 truncates to 3 (item<int64_t>()).
  Value q = runKernel("aten.quantize_per_tensor.tensor_qparams",
                      {x, Tensor::scalar(DType::F32, 0.5), tensorOf({1}, {3.7}),
                       qcode(DType::QU8)})[0];
  EXPECT_EQ(codesOf<uint8_t>(q), (std::vector<int64_t>{3, 5}));
  EXPECT_THROW(runKernel("aten.quantize_per_tensor.tensor_qparams",
                         {x, tensorOf({2}, {0.5, 1}), tensorOf({1}, {3}),
                          qcode(DType::QU8)}),
               rt::Error);
  Value qs =
      runKernel("aten.quantize_per_tensor.tensors",
                {tensors({x, x}), tensorOf({2}, {0.5, 0.25}),
                 tensorOf({2}, {0, 1}, DType::I64), qcode(DType::QI8)})[0];
  ASSERT_TRUE(qs.isList());
  ASSERT_EQ(qs.toList().items.size(), 2u);
  EXPECT_EQ(codesOf<int8_t>(qs.toList().items[0]),
            (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(codesOf<int8_t>(qs.toList().items[1]),
            (std::vector<int64_t>{2, 4}));
  EXPECT_THROW(
      runKernel("aten.quantize_per_tensor.tensors",
                {tensors({x, x}), tensorOf({1}, {0.5}),
                 tensorOf({2}, {0, 1}, DType::I64), qcode(DType::QI8)}),
      rt::Error);
}

TEST(RefQuantize, Errors) {
  Tensor x = tensorOf({2}, {0.25, 0.75});
  auto quant = [&](Tensor t, int64_t zp, DType d) {
    runKernel("aten.quantize_per_tensor", {t, 0.5, zp, qcode(d)});
  };
  EXPECT_THROW(quant(tensorOf({2}, {1, 2}, DType::F64), 0, DType::QU8),
               rt::Error);
  EXPECT_THROW(quant(x, 0, DType::F32), rt::Error);
  EXPECT_THROW(quant(x, 300, DType::QU8), rt::Error);
  EXPECT_THROW(quant(x, -1, DType::QU8), rt::Error);
  EXPECT_THROW(quant(x, 128, DType::QI8), rt::Error);
  EXPECT_NO_THROW(quant(zeros({2, 0}), 0, DType::QU8));
}

Value quantObject(Tensor intRepr,
                  std::vector<std::pair<std::string, Value>> rest) {
  auto obj = std::make_shared<rt::Object>();
  obj->className = "torch.QuantizedTensor";
  obj->fields.emplace_back("int_repr", intRepr);
  for (auto &f : rest)
    obj->fields.push_back(f);
  return Value(obj);
}

Tensor qi8(const rt::Shape &sizes, std::vector<int8_t> v) {
  Tensor t = Tensor::zeros(DType::QI8, sizes);
  std::memcpy(t.rawMutableData(), v.data(), v.size());
  return t;
}

TEST(RefQuantize, DequantizePerChannel) {
  Tensor q = qi8({2, 2}, {1, 2, 3, 4});
  Value axis0 =
      quantObject(q, {{"qscheme", Value("per_channel_affine")},
                      {"scales", tensorOf({2}, {0.5, 2}, DType::F64)},
                      {"zero_points", tensorOf({2}, {1, 0}, DType::I64)},
                      {"axis", Value(int64_t(0))}});
  expectNear(valuesOf(run1("aten.dequantize.self", {axis0})), {0, 0.5, 6, 8});
  Value axis1 =
      quantObject(q, {{"qscheme", Value("per_channel_affine")},
                      {"scales", tensorOf({2}, {0.5, 2}, DType::F64)},
                      {"zero_points", tensorOf({2}, {1, 0}, DType::I64)},
                      {"axis", Value(int64_t(-1))}});
  expectNear(valuesOf(run1("aten.dequantize.self", {axis1})), {0, 4, 1, 8});
  // Strided int_repr (a transposed view).
  Value viewed = quantObject(q.asStrided({2, 2}, {1, 2}, 0),
                             {{"qscheme", Value("per_tensor_affine")},
                              {"scale", Value(0.5)},
                              {"zero_point", Value(int64_t(1))}});
  expectNear(valuesOf(run1("aten.dequantize.self", {viewed})),
             {0, 1, 0.5, 1.5});
  // A plain tensor converts to float32.
  Tensor d =
      run1("aten.dequantize.self", {tensorOf({2}, {1.5, 2}, DType::F64)});
  EXPECT_EQ(d.dtype(), DType::F32);
  expectNear(valuesOf(d), {1.5, 2});

  Value badCount =
      quantObject(q, {{"qscheme", Value("per_channel_affine")},
                      {"scales", tensorOf({3}, {1, 1, 1}, DType::F64)},
                      {"zero_points", tensorOf({3}, {0, 0, 0}, DType::I64)},
                      {"axis", Value(int64_t(0))}});
  EXPECT_THROW(run1("aten.dequantize.self", {badCount}), rt::Error);
  Value badAxis =
      quantObject(q, {{"qscheme", Value("per_channel_affine")},
                      {"scales", tensorOf({2}, {1, 1}, DType::F64)},
                      {"zero_points", tensorOf({2}, {0, 0}, DType::I64)},
                      {"axis", Value(int64_t(2))}});
  EXPECT_THROW(run1("aten.dequantize.self", {badAxis}), rt::Error);
  EXPECT_THROW(run1("aten.dequantize.self",
                    {quantObject(q, {{"qscheme", Value("weird")}})}),
               rt::Error);
  EXPECT_THROW(
      run1("aten.dequantize.self",
           {quantObject(q, {{"qscheme", Value("per_tensor_affine")}})}),
      rt::Error); // no scale
  EXPECT_THROW(
      run1("aten.dequantize.self",
           {quantObject(zeros({2}), {{"qscheme", Value("per_tensor_affine")},
                                     {"scale", Value(1.0)},
                                     {"zero_point", Value(int64_t(0))}})}),
      rt::Error); // float int_repr
  EXPECT_THROW(run1("aten.dequantize.self", {Value(int64_t(1))}), rt::Error);
}

} // namespace
