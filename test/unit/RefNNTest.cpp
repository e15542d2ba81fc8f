//===- RefNNTest.cpp - Reference kernels for neural-network layers --------===//
//
// Error paths and semantics of backends/reference/NN.cpp that the op zoo
// cannot show: bad shapes and arguments give rt::Error, running statistics
// are updated through views, read-only weights are only read, and small
// hand-derived results.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtils.h"

#include <cmath>
#include <functional>
#include <limits>

using namespace irc;
using namespace irc::rt;
using namespace irc::test;

namespace {

Tensor result(const std::vector<Value> &results) {
  return results.at(0).toTensor();
}

/// aten.conv2d with the schema's operands.
Tensor conv2d(const Tensor &x, const Tensor &w, Value bias = Value(),
              std::vector<int64_t> stride = {1},
              std::vector<int64_t> padding = {0},
              std::vector<int64_t> dilation = {1}, int64_t groups = 1) {
  return result(
      runKernel("aten.conv2d", {x, w, bias, ints(stride), ints(padding),
                                ints(dilation), Value(groups)}));
}

/// A tensor of `sizes` holding 0, 1, 2, ... (times `scale`).
Tensor scaledIota(const Shape &sizes, double scale = 1.0,
                  DType dtype = DType::F32) {
  std::vector<double> v(size_t(numelOf(sizes)));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = double(i) * scale;
  return tensorOf(sizes, v, dtype);
}

std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

#define EXPECT_ERROR_CONTAINS(stmt, text)                                      \
  EXPECT_NE(errorOf([&] { stmt; }).find(text), std::string::npos)              \
      << errorOf([&] { stmt; })

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

TEST(RefNNTest, Conv2dHandComputed) {
  // 3x3 input 1..9, a 2x2 kernel of ones: each output is a window sum.
  Tensor x = tensorOf({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor w = tensorOf({1, 1, 2, 2}, {1, 1, 1, 1});
  Tensor y = conv2d(x, w, tensorOf({1}, {0.5}));
  EXPECT_EQ(y.sizes(), (Shape{1, 1, 2, 2}));
  EXPECT_EQ(valuesOf(y), (std::vector<double>{12.5, 16.5, 24.5, 28.5}));
  // Padding 1 and stride 2: the corners of the padded input.
  Tensor z = conv2d(x, w, Value(), {2}, {1});
  EXPECT_EQ(valuesOf(z), (std::vector<double>{1, 5, 11, 28}));
}

TEST(RefNNTest, Conv1dSameEvenKernelPadsAtTheEnd) {
  // Kernel 2, "same": one element of padding, on the right.
  Tensor x = tensorOf({1, 1, 3}, {1, 2, 3});
  Tensor w = tensorOf({1, 1, 2}, {1, 10});
  Tensor y = result(
      runKernel("aten.conv1d.padding", {x, w, Value(), ints({1}), Value("same"),
                                        ints({1}), Value(int64_t(1))}));
  EXPECT_EQ(valuesOf(y), (std::vector<double>{21, 32, 3}));
  EXPECT_ERROR_CONTAINS(
      runKernel("aten.conv1d.padding", {x, w, Value(), ints({2}), Value("same"),
                                        ints({1}), Value(int64_t(1))}),
      "padding='same' is not supported for strided");
  EXPECT_ERROR_CONTAINS(
      runKernel("aten.conv1d.padding", {x, w, Value(), ints({1}), Value("full"),
                                        ints({1}), Value(int64_t(1))}),
      "Invalid padding string: 'full'");
}

TEST(RefNNTest, ConvTransposedHandComputed) {
  // Stride 2 scatters each input element through the kernel [1, 10].
  Tensor x = tensorOf({1, 1, 2}, {1, 2});
  Tensor w = tensorOf({1, 1, 2}, {1, 10});
  Tensor y =
      result(runKernel("aten._convolution",
                       {x, w, Value(), ints({2}), ints({0}), ints({1}),
                        Value(true), ints({1}), Value(int64_t(1)), Value(false),
                        Value(false), Value(true), Value(true)}));
  EXPECT_EQ(y.sizes(), (Shape{1, 1, 5}));
  EXPECT_EQ(valuesOf(y), (std::vector<double>{1, 10, 2, 20, 0}));
}

TEST(RefNNTest, ConvolutionMatchesConv2dAndUnbatched) {
  Tensor x = scaledIota({2, 4, 5, 6}, 0.01),
         w = scaledIota({6, 2, 3, 2}, -0.02);
  Tensor b = scaledIota({6}, 0.5);
  Tensor ref = conv2d(x, w, b, {2, 1}, {1, 0}, {1, 2}, 2);
  Tensor viaConvolution = result(runKernel(
      "aten._convolution.deprecated",
      {x, w, b, ints({2, 1}), ints({1, 0}), ints({1, 2}), Value(false),
       ints({0}), Value(int64_t(2)), Value(false), Value(false), Value(true)}));
  EXPECT_EQ(valuesOf(viaConvolution), valuesOf(ref));
  // An unbatched (CHW) input gives the batch's first image, without the
  // batch dim.
  Tensor x0 = x.asStrided({4, 5, 6}, {30, 6, 1}, 0);
  Tensor y0 = conv2d(x0, w, b, {2, 1}, {1, 0}, {1, 2}, 2);
  EXPECT_EQ(y0.dim(), 3);
  std::vector<double> all = valuesOf(ref), first = valuesOf(y0);
  EXPECT_EQ(first,
            std::vector<double>(all.begin(), all.begin() + first.size()));
}

TEST(RefNNTest, ConvReadsNonContiguousAndReadOnlyInputs) {
  Tensor x = scaledIota({1, 2, 4, 3}, 0.1);
  // A transposed view and its contiguous copy give the same result.
  Tensor view = x.asStrided({1, 2, 3, 4}, {24, 12, 1, 3}, 0);
  Tensor w = scaledIota({3, 2, 2, 2}, 0.3);
  EXPECT_EQ(valuesOf(conv2d(view, w)), valuesOf(conv2d(view.contiguous(), w)));
  // A read-only weight (memory-mapped from the model file) is only read.
  auto owner = std::make_shared<std::vector<float>>(24, 1.0f);
  Tensor ro = Tensor::wrap(DType::F32, {3, 2, 2, 2}, owner->data(), owner);
  Tensor y = conv2d(x, ro);
  EXPECT_EQ(y.sizes(), (Shape{1, 3, 3, 2}));
}

TEST(RefNNTest, ConvErrors) {
  Tensor x = scaledIota({1, 3, 5, 5}), w = scaledIota({4, 3, 3, 3});
  EXPECT_ERROR_CONTAINS(conv2d(scaledIota({1, 4, 5, 5}), w),
                        "expected input[1, 4, 5, 5] to have 3 channels, but "
                        "got 4 channels instead");
  EXPECT_ERROR_CONTAINS(conv2d(scaledIota({1, 3, 2, 2}), w),
                        "Calculated padded input size per channel: (2 x 2). "
                        "Kernel size: (3 x 3). Kernel size can't be greater "
                        "than actual input size");
  EXPECT_ERROR_CONTAINS(conv2d(scaledIota({3, 5}), w),
                        "Expected 3D (unbatched) or 4D (batched) input to "
                        "conv2d, but got input of size: [3, 5]");
  EXPECT_ERROR_CONTAINS(conv2d(x, w, Value(), {1, 1, 1}),
                        "expected stride to be a single integer value or a "
                        "list of 2 values");
  EXPECT_ERROR_CONTAINS(conv2d(x, w, Value(), {0}),
                        "non-positive stride is not supported");
  EXPECT_ERROR_CONTAINS(conv2d(x, w, Value(), {1}, {-1}),
                        "negative padding is not supported");
  EXPECT_ERROR_CONTAINS(conv2d(x, w, Value(), {1}, {0}, {0}),
                        "dilation should be greater than zero");
  EXPECT_ERROR_CONTAINS(conv2d(x, w, Value(), {1}, {0}, {1}, 0),
                        "non-positive groups is not supported");
  EXPECT_ERROR_CONTAINS(conv2d(x, w, Value(), {1}, {0}, {1}, 5),
                        "expected weight to be at least 5 at dimension 0");
  EXPECT_ERROR_CONTAINS(conv2d(x, w, Value(), {1}, {0}, {1}, 3),
                        "expected weight to be divisible by 3");
  EXPECT_ERROR_CONTAINS(conv2d(x, w, scaledIota({3})),
                        "expected bias to be 1-dimensional with 4 elements");
  EXPECT_ERROR_CONTAINS(conv2d(x, scaledIota({4, 3, 3, 3}, 1, DType::F64)),
                        "expected scalar type Float but found Double");
  EXPECT_ERROR_CONTAINS(conv2d(x, w, scaledIota({4}, 1, DType::F64)),
                        "Input type (float32) and bias type (float64)");
  EXPECT_ERROR_CONTAINS(conv2d(scaledIota({1, 3, 5, 5}, 1, DType::F16),
                               scaledIota({4, 3, 3, 3}, 1, DType::F16)),
                        "not implemented for 'Half'");
  // Integer convolutions: every integer type, but only int64 when dilated.
  Tensor xi = scaledIota({1, 3, 5, 5}, 1, DType::I32);
  Tensor wi = scaledIota({4, 3, 3, 3}, 1, DType::I32);
  EXPECT_EQ(conv2d(xi, wi).dtype(), DType::I32);
  EXPECT_ERROR_CONTAINS(conv2d(xi, wi, Value(), {1}, {0}, {2}),
                        "\"slow_conv_dilated<>\" not implemented for 'Int'");
  EXPECT_ERROR_CONTAINS(conv2d(x, scaledIota({3, 3})),
                        "weight should have at least three dimensions");
  // _convolution needs a batched input of the weight's rank.
  EXPECT_ERROR_CONTAINS(
      runKernel("aten._convolution",
                {scaledIota({3, 5, 5}), w, Value(), ints({1}), ints({0}),
                 ints({1}), Value(false), ints({0}), Value(int64_t(1)),
                 Value(false), Value(false), Value(true), Value(true)}),
      "Expected 4-dimensional input for 4-dimensional weight [4, 3, 3, 3], "
      "but got 3-dimensional input of size [3, 5, 5] instead");
  // 3-d transposed convolution is not implemented.
  EXPECT_THROW(
      runKernel("aten._convolution",
                {scaledIota({1, 1, 3, 3, 3}), scaledIota({1, 1, 1, 1, 1}),
                 Value(), ints({1}), ints({0}), ints({1}), Value(true),
                 ints({0}), Value(int64_t(1)), Value(false), Value(false),
                 Value(true), Value(true)}),
      Error);
}

TEST(RefNNTest, Conv3d) {
  // Each output is bias + the sum of a 2x2x2 block of 0..26 (index
  // 9d + 3h + w): 1 + 8 * (9d + 3h + w) + 52; an unbatched input too.
  Tensor w = tensorOf({1, 1, 2, 2, 2}, std::vector<double>(8, 1.0));
  Tensor b = tensorOf({1}, {1.0});
  for (const Shape &in : {Shape{1, 1, 3, 3, 3}, Shape{1, 3, 3, 3}}) {
    Tensor y = result(
        runKernel("aten.conv3d", {scaledIota(in), w, b, ints({1}), ints({0}),
                                  ints({1}), Value(int64_t(1))}));
    Shape expected = in.size() == 5 ? Shape{1, 1, 2, 2, 2} : Shape{1, 2, 2, 2};
    EXPECT_EQ(y.sizes(), expected);
    EXPECT_EQ(valuesOf(y),
              (std::vector<double>{53, 61, 77, 85, 125, 133, 149, 157}));
  }
}

TEST(RefNNTest, ConvTransposeErrors) {
  Tensor x = scaledIota({1, 3, 5, 5}), w = scaledIota({3, 2, 3, 3});
  auto convT = [&](const Tensor &in, const Tensor &wt,
                   std::vector<int64_t> stride, std::vector<int64_t> padding,
                   std::vector<int64_t> outPad) {
    return runKernel("aten.conv_transpose2d.input",
                     {in, wt, Value(), ints(stride), ints(padding),
                      ints(outPad), Value(int64_t(1)), ints({1})});
  };
  EXPECT_EQ(result(convT(x, w, {2}, {1}, {1})).sizes(), (Shape{1, 2, 10, 10}));
  EXPECT_ERROR_CONTAINS(convT(x, w, {1}, {0}, {1}),
                        "output padding must be smaller than either stride "
                        "or dilation");
  EXPECT_ERROR_CONTAINS(convT(x, scaledIota({4, 2, 3, 3}), {1}, {0}, {0}),
                        "Given transposed=1, weight of size [4, 2, 3, 3], "
                        "expected input[1, 3, 5, 5] to have 4 channels");
  EXPECT_ERROR_CONTAINS(
      convT(scaledIota({1, 3, 1, 1}), scaledIota({3, 2, 1, 1}), {1}, {1}, {0}),
      "Calculated output size per channel: (-1 x -1). Output size is too "
      "small");
  EXPECT_ERROR_CONTAINS(convT(x, w, {1}, {0}, {-1}),
                        "negative output_padding is not supported");
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

TEST(RefNNTest, MatmulRanks) {
  auto mm = [](const Tensor &a, const Tensor &b) {
    return result(runKernel("aten.matmul", {a, b}));
  };
  Tensor v = tensorOf({3}, {1, 2, 3});
  Tensor dot = mm(v, v);
  EXPECT_EQ(dot.dim(), 0);
  EXPECT_EQ(valuesOf(dot), (std::vector<double>{14}));
  EXPECT_EQ(mm(scaledIota({2, 3, 4}), scaledIota({4})).sizes(), (Shape{2, 3}));
  EXPECT_EQ(mm(scaledIota({4}), scaledIota({2, 4, 5})).sizes(), (Shape{2, 5}));
  EXPECT_EQ(mm(scaledIota({2, 1, 3, 4}), scaledIota({5, 4, 2})).sizes(),
            (Shape{2, 5, 3, 2}));
  // Integer matmul is exact.
  Tensor ai = tensorOf({1, 2}, {3, -4}, DType::I64);
  Tensor bi = tensorOf({2, 1}, {5, 6}, DType::I64);
  Tensor ci = mm(ai, bi);
  EXPECT_EQ(ci.dtype(), DType::I64);
  EXPECT_EQ(valuesOf(ci), (std::vector<double>{-9}));

  EXPECT_ERROR_CONTAINS(mm(Tensor::scalar(DType::F32, 1), scaledIota({2, 2})),
                        "both arguments to matmul need to be at least 1D, "
                        "but they are 0D and 2D");
  EXPECT_ERROR_CONTAINS(mm(scaledIota({3}), scaledIota({4})),
                        "inconsistent tensor size");
  EXPECT_ERROR_CONTAINS(mm(scaledIota({2, 3}), scaledIota({2, 3})),
                        "mat1 and mat2 shapes cannot be multiplied (2x3 and "
                        "2x3)");
  EXPECT_ERROR_CONTAINS(mm(scaledIota({2, 2, 3}), scaledIota({3, 3, 2})),
                        "The size of tensor a (2) must match the size of "
                        "tensor b (3) at non-singleton dimension 0");
  EXPECT_ERROR_CONTAINS(
      mm(scaledIota({2, 3}), scaledIota({3, 2}, 1, DType::F64)),
      "expected scalar type Float but found Double");
  EXPECT_ERROR_CONTAINS(mm(scaledIota({2, 2}, 1, DType::Bool),
                           scaledIota({2, 2}, 1, DType::Bool)),
                        "not implemented for 'Bool'");
}

TEST(RefNNTest, BmmAddmmLinear) {
  EXPECT_ERROR_CONTAINS(
      runKernel("aten.bmm", {scaledIota({2, 3}), scaledIota({2, 3, 2})}),
      "batch1 must be a 3D tensor");
  EXPECT_ERROR_CONTAINS(
      runKernel("aten.bmm", {scaledIota({2, 2, 3}), scaledIota({2, 4, 2})}),
      "Expected size for first two dimensions of batch2 tensor to be: [2, 3] "
      "but got: [2, 4].");
  // beta == 0 ignores self, NaNs included.
  Tensor nan = tensorOf({2}, {std::nan(""), std::nan("")});
  Tensor m1 = tensorOf({1, 2}, {1, 2}), m2 = tensorOf({2, 2}, {1, 0, 0, 1});
  Tensor r =
      result(runKernel("aten.addmm", {nan, m1, m2, Value(0.0), Value(3.0)}));
  EXPECT_EQ(valuesOf(r), (std::vector<double>{3, 6}));
  Tensor s = result(runKernel(
      "aten.addmm", {tensorOf({2}, {10, 20}), m1, m2, Value(0.5), Value(1.0)}));
  EXPECT_EQ(valuesOf(s), (std::vector<double>{6, 12}));
  EXPECT_ERROR_CONTAINS(
      runKernel("aten.addmm", {scaledIota({3}), scaledIota({2, 3}),
                               scaledIota({3, 4}), Value(1.0), Value(1.0)}),
      "The expanded size of the tensor (4) must match the existing size (3) "
      "at non-singleton dimension 1");
  EXPECT_ERROR_CONTAINS(
      runKernel("aten.addmm", {scaledIota({4}), scaledIota({3}),
                               scaledIota({3, 4}), Value(1.0), Value(1.0)}),
      "mat1 must be a matrix, got 1-D tensor");
  // linear: input @ weight.t() + bias.
  Tensor lin = result(
      runKernel("aten.linear", {tensorOf({2}, {1, 2}), tensorOf({1, 2}, {3, 4}),
                                tensorOf({1}, {0.5})}));
  EXPECT_EQ(lin.sizes(), (Shape{1}));
  EXPECT_EQ(valuesOf(lin), (std::vector<double>{11.5}));
  EXPECT_ERROR_CONTAINS(
      runKernel("aten.linear",
                {scaledIota({2, 3}), scaledIota({2, 4, 3}), Value()}),
      "t() expects a tensor with <= 2 dimensions, but self is 3D");
  EXPECT_ERROR_CONTAINS(
      runKernel("aten.linear",
                {scaledIota({2, 3}), scaledIota({4, 5}), Value()}),
      "mat1 and mat2 shapes cannot be multiplied (2x3 and 5x4)");
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

TEST(RefNNTest, MaxPool) {
  auto pool = [](const Tensor &x, std::vector<int64_t> k,
                 std::vector<int64_t> stride, std::vector<int64_t> pad,
                 bool ceil) {
    return runKernel("aten.max_pool2d", {x, ints(k), ints(stride), ints(pad),
                                         ints({1}), Value(ceil)});
  };
  double nan = std::numeric_limits<double>::quiet_NaN();
  Tensor x = tensorOf({1, 2, 2}, {1, nan, 3, 2});
  std::vector<double> v = valuesOf(result(pool(x, {2}, {}, {0}, false)));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_TRUE(std::isnan(v[0])); // NaN propagates
  // Stride defaults to the kernel; ceil_mode keeps a last partial window.
  Tensor y = tensorOf({1, 1, 3}, {1, 5, 2});
  EXPECT_EQ(valuesOf(result(pool(y, {1, 2}, {}, {0}, true))),
            (std::vector<double>{5, 2}));
  EXPECT_EQ(valuesOf(result(pool(y, {1, 2}, {}, {0}, false))),
            (std::vector<double>{5}));
  EXPECT_ERROR_CONTAINS(pool(scaledIota({1, 1, 5, 5}), {3}, {}, {2}, false),
                        "pad should be at most half of kernel size, but got "
                        "pad=2 and kernel_size=3");
  EXPECT_ERROR_CONTAINS(pool(scaledIota({1, 1, 2, 2}), {3}, {}, {0}, false),
                        "Given input size: (1x2x2). Calculated output size: "
                        "(1x0x0). Output size is too small");
  EXPECT_ERROR_CONTAINS(pool(scaledIota({2, 2}), {1}, {}, {0}, false),
                        "3D or 4D");
  EXPECT_ERROR_CONTAINS(
      pool(scaledIota({1, 1, 2, 2}), {1, 1, 1}, {}, {0}, false),
      "kernel_size must either be a single int, or a tuple "
      "of two ints");
  EXPECT_ERROR_CONTAINS(pool(scaledIota({1, 1, 2, 2}), {1}, {0}, {0}, false),
                        "stride should not be zero");
  EXPECT_ERROR_CONTAINS(
      pool(scaledIota({1, 1, 2, 2}, 1, DType::I64), {1}, {}, {0}, false),
      "\"max_pool2d\" not implemented for 'Long'");
}

TEST(RefNNTest, AvgPool) {
  auto pool = [](const Tensor &x, bool ceil, bool countPad, Value divisor) {
    return runKernel("aten.avg_pool2d",
                     {x, ints({2}), ints({}), ints({0}), Value(ceil),
                      Value(countPad), divisor});
  };
  // int64 division truncates toward zero: -7 / 4 = -1.
  Tensor xi = tensorOf({1, 1, 2, 2}, {-1, -2, -2, -2}, DType::I64);
  EXPECT_EQ(valuesOf(result(pool(xi, false, true, Value()))),
            (std::vector<double>{-1}));
  // A partial last window divides by what it covers (count_include_pad is
  // about padding, and there is none here).
  Tensor x = tensorOf({1, 1, 3}, {1, 2, 6});
  Tensor r =
      result(runKernel("aten.avg_pool2d", {x, ints({1, 2}), ints({}), ints({0}),
                                           Value(true), Value(true), Value()}));
  EXPECT_EQ(valuesOf(r), (std::vector<double>{1.5, 6}));
  Tensor d = result(
      pool(tensorOf({1, 2, 2}, {1, 2, 3, 4}), false, true, Value(int64_t(5))));
  EXPECT_EQ(valuesOf(d), (std::vector<double>{2}));
  EXPECT_ERROR_CONTAINS(pool(x, false, true, Value(int64_t(0))),
                        "divisor must be not zero");
  EXPECT_ERROR_CONTAINS(
      pool(scaledIota({1, 2, 2}, 1, DType::I32), false, true, Value()),
      "\"avg_pool2d\" not implemented for 'Int'");
}

TEST(RefNNTest, AdaptiveAvgPool) {
  auto pool = [](const Tensor &x, std::vector<int64_t> size) {
    return runKernel("aten.adaptive_avg_pool2d", {x, ints(size)});
  };
  // 1x5 to 1x3: windows [0,2), [1,4), [3,5).
  Tensor x = tensorOf({1, 1, 5}, {1, 2, 3, 4, 5});
  EXPECT_EQ(valuesOf(result(pool(x, {1, 3}))),
            (std::vector<double>{1.5, 3, 4.5}));
  EXPECT_EQ(result(pool(x, {0, 3})).sizes(), (Shape{1, 0, 3}));
  EXPECT_ERROR_CONTAINS(pool(x, {3}), "output_size must be 2");
  EXPECT_ERROR_CONTAINS(pool(x, {-1, 2}),
                        "elements of output_size must be greater than or "
                        "equal to 0");
  EXPECT_ERROR_CONTAINS(pool(scaledIota({1, 3, 0, 2}), {1, 1}),
                        "Expected input to have non-zero size for non-batch "
                        "dimensions");
  EXPECT_ERROR_CONTAINS(pool(scaledIota({5}), {1, 1}),
                        "Expected 3D or 4D tensor");
}

//===----------------------------------------------------------------------===//
// Normalization and embedding
//===----------------------------------------------------------------------===//

std::vector<Value> batchNorm(const Tensor &x, Value w, Value b, Value mean,
                             Value var, bool training, double momentum = 0.5,
                             double eps = 0.0) {
  return runKernel("aten.batch_norm",
                   {x, w, b, mean, var, Value(training), Value(momentum),
                    Value(eps), Value(false)});
}

TEST(RefNNTest, BatchNormEval) {
  // (x - 1) / sqrt(4) * 3 + 0.5 per channel.
  Tensor x = tensorOf({2, 1}, {1, 5});
  Tensor y = result(batchNorm(x, tensorOf({1}, {3}), tensorOf({1}, {0.5}),
                              tensorOf({1}, {1}), tensorOf({1}, {4}), false));
  EXPECT_EQ(valuesOf(y), (std::vector<double>{0.5, 6.5}));
  EXPECT_ERROR_CONTAINS(batchNorm(x, Value(), Value(), Value(), Value(), false),
                        "running_mean must be defined in evaluation mode");
  EXPECT_ERROR_CONTAINS(
      batchNorm(x, Value(), Value(), scaledIota({2}), scaledIota({2}), false),
      "running_mean should contain 1 elements not 2");
  EXPECT_ERROR_CONTAINS(batchNorm(x, scaledIota({3}), Value(), scaledIota({1}),
                                  scaledIota({1}), false),
                        "weight should contain 1 elements not 3");
  EXPECT_ERROR_CONTAINS(
      batchNorm(scaledIota({3}), Value(), Value(), Value(), Value(), true),
      "Dimension out of range");
  EXPECT_ERROR_CONTAINS(batchNorm(scaledIota({2, 1}, 1, DType::F64), Value(),
                                  Value(), scaledIota({1}), scaledIota({1}),
                                  false),
                        "mixed dtype");
}

TEST(RefNNTest, BatchNormTrainingUpdatesRunningStatsThroughViews) {
  // Channel 0 holds {1, 3}: mean 2, biased variance 1, unbiased 2.
  Tensor x = tensorOf({2, 1}, {1, 3});
  // Running mean and variance are strided views into one buffer.
  Tensor stats = tensorOf({2, 2}, {10, -1, 20, -1});
  Tensor mean = stats.asStrided({1}, {2}, 0);
  Tensor var = stats.asStrided({1}, {2}, 2);
  Tensor y = result(batchNorm(x, Value(), Value(), mean, var, true, 0.25));
  EXPECT_EQ(valuesOf(y), (std::vector<double>{-1, 1}));
  // 0.75 * 10 + 0.25 * 2 and 0.75 * 20 + 0.25 * 2; the gaps untouched.
  EXPECT_EQ(valuesOf(stats), (std::vector<double>{8, -1, 15.5, -1}));
  // Without running statistics, training mode just normalizes.
  Tensor z = result(batchNorm(x, Value(), Value(), Value(), Value(), true));
  EXPECT_EQ(valuesOf(z), (std::vector<double>{-1, 1}));
  // Read-only running statistics cannot be updated.
  auto owner = std::make_shared<std::vector<float>>(1, 0.0f);
  Tensor ro = Tensor::wrap(DType::F32, {1}, owner->data(), owner);
  EXPECT_THROW(batchNorm(x, Value(), Value(), ro, tensorOf({1}, {1}), true),
               Error);
  EXPECT_EQ((*owner)[0], 0.0f);
  // ...but are fine in evaluation mode.
  EXPECT_NO_THROW(
      batchNorm(x, Value(), Value(), ro, tensorOf({1}, {1}), false));
}

TEST(RefNNTest, LayerNorm) {
  auto ln = [](const Tensor &x, std::vector<int64_t> shape, Value w) {
    return runKernel("aten.layer_norm",
                     {x, ints(shape), w, Value(), Value(0.0), Value(true)});
  };
  // Rows {1, 3} and {2, 6}: means 2 and 4, biased standard deviations 1
  // and 2 (eps 0), then scaled by the weight {1, 2}.
  Tensor x = tensorOf({2, 2}, {1, 3, 2, 6});
  EXPECT_EQ(valuesOf(result(ln(x, {2}, tensorOf({2}, {1, 2})))),
            (std::vector<double>{-1, 2, -1, 2}));
  EXPECT_ERROR_CONTAINS(ln(x, {3}, Value()),
                        "Given normalized_shape=[3], expected input with "
                        "shape [*, 3], but got input of size[2, 2]");
  EXPECT_ERROR_CONTAINS(ln(x, {2}, scaledIota({3})),
                        "Expected weight to be of same shape as "
                        "normalized_shape, but got weight of shape [3] and "
                        "normalized_shape = [2]");
  EXPECT_ERROR_CONTAINS(ln(x, {}, Value()),
                        "Expected normalized_shape to be at least "
                        "1-dimensional");
  EXPECT_ERROR_CONTAINS(ln(scaledIota({2, 2}, 1, DType::I64), {2}, Value()),
                        "not implemented for 'Long'");
}

TEST(RefNNTest, Embedding) {
  auto emb = [](const Tensor &w, const Tensor &idx) {
    return runKernel("aten.embedding",
                     {w, idx, Value(int64_t(-1)), Value(false), Value(false)});
  };
  Tensor w = tensorOf({3, 2}, {0, 1, 10, 11, 20, 21});
  Tensor idx = tensorOf({2, 2}, {2, 0, 1, 1}, DType::I32);
  Tensor y = result(emb(w, idx));
  EXPECT_EQ(y.sizes(), (Shape{2, 2, 2}));
  EXPECT_EQ(valuesOf(y), (std::vector<double>{20, 21, 0, 1, 10, 11, 10, 11}));
  Tensor one = result(emb(w, Tensor::scalar(DType::I64, 1)));
  EXPECT_EQ(one.sizes(), (Shape{2}));
  EXPECT_ERROR_CONTAINS(emb(w, tensorOf({1}, {3}, DType::I64)),
                        "index out of range in self");
  EXPECT_ERROR_CONTAINS(emb(w, tensorOf({1}, {-1}, DType::I64)),
                        "index out of range in self");
  EXPECT_ERROR_CONTAINS(emb(w, tensorOf({1}, {1})),
                        "Expected tensor for argument #1 'indices' to have one "
                        "of the following scalar types: Long, Int");
  EXPECT_ERROR_CONTAINS(emb(scaledIota({3}), tensorOf({1}, {1}, DType::I64)),
                        "'weight' must be 2-D");
}

} // namespace
