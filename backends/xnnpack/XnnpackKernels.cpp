//===- XnnpackKernels.cpp - The XNNPACK backend ---------------------------===//
#include "backends/xnnpack/XnnpackKernels.h"
#include "backends/reference/PackedParams.h"
#include "backends/reference/ReferenceKernels.h"
#include "backends/xnnpack/Model.h"

#include <cpuinfo.h>
#include <pthreadpool.h>
#include <xnnpack.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

using namespace irc::rt;
using irc::rt::xnnpack::check;
using ref::Flavor;
using ref::Kind;
using ref::Packed;

namespace {

/// The thread pool of the prepared plan running `ctx`; null (the calling
/// thread) when the plan was not prepared.
pthreadpool_t poolOf(KernelContext &ctx) {
  const std::shared_ptr<void> &state = ctx.instruction().state;
  return state ? static_cast<xnnpack::Model *>(state.get())->pool : nullptr;
}

float lowerBound(const Packed &p) {
  return float(ref::boundOf(p.outputMin, -INFINITY));
}
float upperBound(const Packed &p) {
  return float(ref::boundOf(p.outputMax, INFINITY));
}

/// The weight's elements reordered: element (a, b, c, d) of the contiguous
/// 4-d `w` goes to `index(a, b, c, d)`.
template <typename Index>
std::vector<float> reorder(const Tensor &w, Index index) {
  Tensor c = w.contiguous();
  const float *src = c.data<float>();
  std::vector<float> out(size_t(c.numel()));
  const int64_t A = c.size(0), B = c.size(1), C = c.size(2), D = c.size(3);
  for (int64_t a = 0; a < A; ++a)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t h = 0; h < C; ++h)
        for (int64_t k = 0; k < D; ++k)
          out[size_t(index(a, b, h, k))] = *src++;
  return out;
}

/// An operator with its parameters, kept with the packed-parameter object.
struct PackedOp {
  std::shared_ptr<xnnpack::Operator> op;
  Packed params;
};

/// Makes the operator for `params` on first use and keeps it there.
PackedOp &prepare(const Value &params, Kind kind) {
  if (params.isObject() && params.toObject().backendCache)
    return *std::static_pointer_cast<PackedOp>(params.toObject().backendCache);
  auto op = std::make_shared<PackedOp>();
  op->params = ref::unpackParams(params, kind, Flavor::Xnn);
  op->op = xnnpack::createPackedOperator(op->params, kind);
  params.toObject().backendCache = op;
  return *op;
}

} // namespace

void xnnpack::initialize() {
  static const bool ok = xnn_initialize(nullptr) == xnn_status_success;
  if (!ok)
    throw Error("XNNPACK cannot be initialized on this CPU");
}

std::shared_ptr<xnnpack::Operator>
xnnpack::createPackedOperator(const Packed &p, Kind kind, size_t first,
                              size_t outputs) {
  initialize();
  auto op = std::make_shared<Operator>();
  Tensor bias;
  const float *b = nullptr;
  if (p.bias.defined()) {
    bias = p.bias.contiguous();
    b = bias.data<float>() + first;
  }
  const Tensor &w = p.weight;
  if (kind == Kind::Linear) {
    Tensor wc = w.contiguous();
    check(xnn_create_fully_connected_nc_f32(
              size_t(w.size(1)), size_t(w.size(0)), size_t(w.size(1)),
              size_t(w.size(0)), wc.data<float>(), b, lowerBound(p),
              upperBound(p), 0, &op->op),
          "fully connected creation");
  } else if (kind == Kind::Conv2d) {
    const int64_t O = w.size(0), I = w.size(1), KH = w.size(2), KW = w.size(3);
    size_t groupOutputs = size_t(O / p.groups);
    if (outputs) {
      if (p.groups != 1 || first + outputs > size_t(O))
        throw Error("a slice of output channels needs an ungrouped conv");
      groupOutputs = outputs;
    }
    // OIHW -> OHWI, for the output channels of the operator.
    const size_t count = outputs ? outputs : size_t(O),
                 perOutput = size_t(I * KH * KW);
    Tensor wc = w.contiguous();
    const float *src = wc.data<float>() + first * perOutput;
    std::vector<float> kernel(count * perOutput);
    for (size_t o = 0; o < count; ++o)
      for (int64_t i = 0; i < I; ++i)
        for (int64_t h = 0; h < KH; ++h)
          for (int64_t k = 0; k < KW; ++k)
            kernel[o * perOutput + size_t((h * KW + k) * I + i)] = *src++;
    check(xnn_create_convolution2d_nhwc_f32(
              uint32_t(p.padding[0]), uint32_t(p.padding[1]),
              uint32_t(p.padding[0]), uint32_t(p.padding[1]), uint32_t(KH),
              uint32_t(KW), uint32_t(p.stride[0]), uint32_t(p.stride[1]),
              uint32_t(p.dilation[0]), uint32_t(p.dilation[1]),
              uint32_t(p.groups), size_t(I), groupOutputs, size_t(I * p.groups),
              size_t(O), kernel.data(), b, lowerBound(p), upperBound(p), 0,
              &op->op),
          "convolution creation");
  } else {
    // (g * I, O, kH, kW) -> (g, O, kH, kW, I).
    const int64_t I = w.size(0) / p.groups, O = w.size(1), KH = w.size(2),
                  KW = w.size(3);
    std::vector<float> kernel =
        reorder(w, [&](int64_t gi, int64_t o, int64_t h, int64_t k) {
          const int64_t g = gi / I, i = gi % I;
          return (((g * O + o) * KH + h) * KW + k) * I + i;
        });
    check(xnn_create_deconvolution2d_nhwc_f32(
              uint32_t(p.padding[0]), uint32_t(p.padding[1]),
              uint32_t(p.padding[0]), uint32_t(p.padding[1]), uint32_t(KH),
              uint32_t(KW), uint32_t(p.stride[0]), uint32_t(p.stride[1]),
              uint32_t(p.dilation[0]), uint32_t(p.dilation[1]),
              uint32_t(p.groups), size_t(I), size_t(O), size_t(I * p.groups),
              size_t(O * p.groups), kernel.data(), b, lowerBound(p),
              upperBound(p), 0, &op->op),
          "deconvolution creation");
  }
  return op;
}

std::vector<std::shared_ptr<xnnpack::Operator>>
xnnpack::createConvOperators(const Packed &p, size_t sliceBytes) {
  const size_t slice = convOutputSlice(p, sliceBytes),
               outputs = size_t(p.weight.size(0));
  if (!slice)
    return {createPackedOperator(p, Kind::Conv2d)};
  std::vector<std::shared_ptr<Operator>> ops;
  for (size_t first = 0; first < outputs; first += slice)
    ops.push_back(createPackedOperator(p, Kind::Conv2d, first,
                                       std::min(slice, outputs - first)));
  return ops;
}

size_t xnnpack::defaultSliceBytes() {
  static const size_t l2 = [] {
    const cpuinfo_cache *cache =
        cpuinfo_initialize() ? cpuinfo_get_l2_cache(0) : nullptr;
    return cache ? size_t(cache->size) : size_t(1) << 20;
  }();
  return l2 / 3;
}

size_t xnnpack::convOutputSlice(const Packed &p, size_t sliceBytes) {
  const Tensor &w = p.weight;
  if (p.groups != 1 || w.dim() != 4)
    return 0;
  const size_t O = size_t(w.size(0)),
               perOutput = size_t(w.numel()) / O * sizeof(float);
  const size_t slice = sliceBytes / perOutput / 16 * 16; // whole 16-wide tiles
  return slice >= 16 && slice < O ? slice : 0;
}

namespace {

Tensor checkedFloatInput(KernelContext &ctx, const char *op) {
  const Tensor &x = ctx.tensor(0);
  if (x.dtype() != DType::F32)
    throw Error(std::string(op) + ": XNNPACK wants a float32 input, got " +
                x.describe());
  return x;
}

/// xnn.linear_run(X, params): X of any rank >= 1, over its last dim.
void linearRun(KernelContext &ctx) {
  Tensor x = checkedFloatInput(ctx, "linear");
  PackedOp &op = prepare(ctx.operand(1), Kind::Linear);
  const int64_t K = op.params.weight.size(1), N = op.params.weight.size(0);
  if (x.dim() < 1 || x.size(-1) != K)
    throw Error("linear: input " + x.describe() + " and weight " +
                op.params.weight.describe() + " cannot be multiplied");
  Shape outShape = x.sizes();
  outShape.back() = N;
  Tensor y = Tensor::zeros(DType::F32, outShape);
  Tensor xc = x.contiguous();
  check(xnn_setup_fully_connected_nc_f32(op.op->op, size_t(xc.numel() / K),
                                         xc.data<float>(),
                                         y.mutableData<float>(), poolOf(ctx)),
        "fully connected setup");
  check(xnn_run_operator(op.op->op, poolOf(ctx)), "fully connected");
  ctx.setResult(0, y);
}

/// xnn.conv2d_run / xnn.conv_transpose2d_run(X, params): X is NCHW (or an
/// unbatched CHW) float32; converted to NHWC for XNNPACK and back.
template <Kind K> void convRun(KernelContext &ctx) {
  const bool transposed = K == Kind::TransposeConv2d;
  const std::string name = transposed ? "conv_transpose2d" : "conv2d";
  const Tensor &x = ctx.tensor(0);
  PackedOp &op = prepare(ctx.operand(1), K);
  const Packed &p = op.params;
  const ref::ConvShape g = ref::convShape(name, x, p, K, true);
  const int64_t N = g.n, C = g.c, H = g.h, W = g.w, Cout = g.cout, OH = g.oh,
                OW = g.ow;
  // NCHW -> NHWC.
  std::vector<float> in(size_t(N * H * W * C)), out(size_t(N * OH * OW * Cout));
  Tensor xc = g.input.contiguous();
  const float *xp = xc.data<float>();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t i = 0; i < H * W; ++i)
        in[size_t((n * H * W + i) * C + c)] = xp[(n * C + c) * H * W + i];
  if (transposed)
    check(xnn_setup_deconvolution2d_nhwc_f32(
              op.op->op, size_t(N), size_t(H), size_t(W),
              uint32_t(p.outputPadding[0]), uint32_t(p.outputPadding[1]),
              in.data(), out.data(), poolOf(ctx)),
          "deconvolution setup");
  else
    check(xnn_setup_convolution2d_nhwc_f32(op.op->op, size_t(N), size_t(H),
                                           size_t(W), in.data(), out.data(),
                                           poolOf(ctx)),
          "convolution setup");
  check(xnn_run_operator(op.op->op, poolOf(ctx)), name.c_str());
  // NHWC -> NCHW.
  Tensor y = Tensor::zeros(DType::F32, {N, Cout, OH, OW});
  float *yp = y.mutableData<float>();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t i = 0; i < OH * OW; ++i)
      for (int64_t c = 0; c < Cout; ++c)
        yp[(n * Cout + c) * OH * OW + i] =
            out[size_t((n * OH * OW + i) * Cout + c)];
  if (g.unbatched)
    y = y.asStrided({Cout, OH, OW}, {OH * OW, OW, 1}, 0);
  ctx.setResult(0, y);
}

const KernelEntry Kernels[] = {
    {"xnn.linear_run", linearRun},
    {"xnn.conv2d_run", convRun<Kind::Conv2d>},
    {"xnn.conv_transpose2d_run", convRun<Kind::TransposeConv2d>},
};

} // namespace

void xnnpack::registerKernels(KernelRegistry &registry) {
  ref::registerKernelsAs(registry, Backend);
  registry.add(Backend, Kernels);
  registerPartitionKernel(registry);
}
