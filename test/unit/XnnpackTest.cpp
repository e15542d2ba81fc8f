//===- XnnpackTest.cpp - XNNPACK kernels against the reference ------------===//
//
// Each xnn.* run op on the xnnpack backend gives the reference kernel's
// result (within 1e-4 relative) over shapes that exercise XNNPACK's paths:
// odd and prime sizes, strides, dilations, groups (depthwise too), padding,
// output padding, clamp bounds, 3-d linear inputs; and the operator that
// packs the weights is made once per packed parameters.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtils.h"
#include "backends/xnnpack/XnnpackKernels.h"

#include <cmath>

using namespace irc;
using namespace irc::rt;
using namespace irc::test;

namespace {

/// Runs `op` with the kernel `backend` registers for it.
std::vector<Value> runOn(const char *backend, const std::string &op,
                         std::vector<Value> operands) {
  static KernelRegistry registry = [] {
    KernelRegistry r;
    xnnpack::registerKernels(r);
    ref::registerKernels(r);
    return r;
  }();
  KernelFn fn = registry.lookup(backend, op);
  if (!fn)
    throw Error("no kernel for " + op);
  Instr instr;
  instr.opName = op;
  instr.kernel = fn;
  std::vector<Value> registers = std::move(operands);
  for (uint32_t i = 0; i < registers.size(); ++i)
    instr.operands.push_back(i);
  instr.results.push_back(uint32_t(registers.size()));
  registers.emplace_back();
  KernelContext ctx(registers, instr);
  fn(ctx);
  return {registers.back()};
}

/// Deterministic values in [-1, 1).
Tensor pseudoRandom(const Shape &sizes, unsigned seed) {
  std::vector<double> v(size_t(numelOf(sizes)));
  unsigned x = seed * 2654435761u + 1;
  for (double &d : v) {
    x = x * 1103515245u + 12345u;
    d = double((x >> 8) % 2001) / 1000.0 - 1.0;
  }
  return tensorOf(sizes, v);
}

Value bound(double b) { return std::isinf(b) ? Value() : Value(b); }

/// Packs with the reference prepack kernel, then runs `run` on both
/// backends and compares; runs the xnnpack one twice on the same packed
/// parameters, which must reuse the operator made the first time.
void expectSame(const std::string &prepack, const std::string &run,
                std::vector<Value> prepackOperands, const Tensor &x) {
  Value params = runOn(ref::Backend, prepack, std::move(prepackOperands))[0];
  Tensor want = runOn(ref::Backend, run, {x, params})[0].toTensor();
  Tensor got = runOn(xnnpack::Backend, run, {x, params})[0].toTensor();
  std::shared_ptr<void> packed = params.toObject().backendCache;
  ASSERT_TRUE(packed);
  Tensor again = runOn(xnnpack::Backend, run, {x, params})[0].toTensor();
  EXPECT_EQ(params.toObject().backendCache, packed);
  ASSERT_EQ(got.sizes(), want.sizes());
  std::vector<double> g = valuesOf(got), w = valuesOf(want),
                      a = valuesOf(again);
  double scale = 1.0;
  for (double v : w)
    scale = std::max(scale, std::abs(v));
  for (size_t i = 0; i < w.size(); ++i) {
    EXPECT_NEAR(g[i], w[i], 1e-4 * scale) << run << " element " << i;
    EXPECT_EQ(a[i], g[i]) << run << " element " << i;
  }
}

struct ConvCase {
  int64_t n, c, h, w, o, kh, kw, stride, pad, dilation, groups;
  double lo, hi;
};

TEST(Xnnpack, Conv2dMatchesReference) {
  const double inf = INFINITY;
  for (const ConvCase &k : std::vector<ConvCase>{
           {1, 3, 7, 7, 5, 3, 3, 1, 1, 1, 1, -inf, inf},
           {2, 4, 11, 13, 6, 3, 5, 2, 2, 1, 2, 0, inf},
           {1, 6, 9, 9, 6, 3, 3, 1, 2, 2, 6, 0, 6},       // depthwise, dilated
           {1, 5, 17, 5, 7, 1, 1, 3, 0, 1, 1, -0.5, 0.5}, // pointwise
       }) {
    SCOPED_TRACE(testing::Message() << "conv groups " << k.groups);
    Tensor w = pseudoRandom({k.o, k.c / k.groups, k.kh, k.kw}, 1);
    Tensor b = pseudoRandom({k.o}, 2);
    Tensor x = pseudoRandom({k.n, k.c, k.h, k.w}, 3);
    expectSame("xnn.conv2d_prepack", "xnn.conv2d_run",
               {w, b, ints({k.stride}), ints({k.pad}), ints({k.dilation}),
                Value(k.groups), bound(k.lo), bound(k.hi)},
               x);
  }
}

TEST(Xnnpack, UnbatchedConv2dMatchesReference) {
  Tensor w = pseudoRandom({4, 3, 3, 3}, 4);
  expectSame("xnn.conv2d_prepack", "xnn.conv2d_run",
             {w, Value(), ints({1, 2}), ints({1, 0}), ints({1, 1}),
              Value(int64_t(1)), Value(), Value()},
             pseudoRandom({3, 6, 7}, 5));
}

TEST(Xnnpack, ConvTranspose2dMatchesReference) {
  // (in, out / groups, kh, kw) weights; output_padding < stride.
  Tensor w = pseudoRandom({4, 3, 3, 2}, 6);
  expectSame("xnn.conv_transpose2d_prepack", "xnn.conv_transpose2d_run",
             {w, pseudoRandom({6}, 7), ints({2, 3}), ints({1, 0}), ints({1, 2}),
              ints({1, 1}), Value(int64_t(2)), Value(0.0), Value()},
             pseudoRandom({2, 4, 5, 7}, 8));
}

TEST(Xnnpack, LinearMatchesReference) {
  Tensor w = pseudoRandom({13, 7}, 9);
  expectSame("xnn.linear_prepack", "xnn.linear_run",
             {w, pseudoRandom({13}, 10), Value(-0.25), Value(0.75)},
             pseudoRandom({2, 3, 7}, 11));
  expectSame("xnn.linear_prepack", "xnn.linear_run",
             {w, Value(), Value(), Value()}, pseudoRandom({7}, 12));
}

TEST(Xnnpack, ErrorsNameTheOp) {
  Value params = runOn(ref::Backend, "xnn.linear_prepack",
                       {pseudoRandom({3, 4}, 1), Value(), Value(), Value()})[0];
  EXPECT_NE(errorOf([&] {
              runOn(xnnpack::Backend, "xnn.linear_run",
                    {pseudoRandom({2, 5}, 2), params});
            }).find("cannot be multiplied"),
            std::string::npos);
  EXPECT_NE(errorOf([&] {
              runOn(xnnpack::Backend, "xnn.linear_run",
                    {Tensor::zeros(DType::F64, {2, 4}), params});
            }).find("XNNPACK wants a float32 input"),
            std::string::npos);
}

TEST(Xnnpack, ConvWithAKernelLargerThanTheInputIsAnError) {
  // 5x5 kernel, 3x3 input, no padding: no output position exists (a
  // truncating division would claim one).
  Value params = runOn(ref::Backend, "xnn.conv2d_prepack",
                       {pseudoRandom({2, 1, 5, 5}, 1), Value(), ints({3}),
                        ints({0}), ints({1}), Value(int64_t(1)), Value(),
                        Value()})[0];
  EXPECT_NE(errorOf([&] {
              runOn(xnnpack::Backend, "xnn.conv2d_run",
                    {pseudoRandom({1, 1, 3, 3}, 2), params});
            }).find("the output size is empty"),
            std::string::npos);
}

} // namespace
