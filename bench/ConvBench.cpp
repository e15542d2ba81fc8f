//===- ConvBench.cpp - Per-layer convolutions: irc's kernels and libtorch -===//
//
// One convolution layer at a time, for the shapes of MobileNetV2's blocks
// (stem, 1x1 expansions and projections, 3x3 depthwise at strides 1 and 2)
// and ResNet-18's 3x3 stages, batch 1, random weights, at 1 and 2 threads:
//   - xnnpack:  one XNNPACK operator (NHWC, packed once);
//   - sliced:   where the weights outgrow a third of the L2 cache, the
//               operators a partition runs instead (one per convOutputSlice
//               output channels) when winogradSuits does not hold;
//   - winograd: irc's Winograd F(4x4, 3x3) (3x3, stride 1, ungrouped), the
//               same code a partition runs when winogradSuits holds, and
//               also where it does not, to show the crossover;
//   - libtorch: at::conv2d on NCHW (stock libtorch, oneDNN).
// Counter `GFLOPs`: 2 * MACs of the direct convolution per second, so the
// variants compare directly. Run with OMP_WAIT_POLICY=PASSIVE.
//
//===----------------------------------------------------------------------===//
#include "backends/reference/PackedParams.h"
#include "backends/xnnpack/Model.h"
#include "backends/xnnpack/Winograd.h"
#include "benchmark/benchmark.h"
#include "runtime/Tensor.h"
#include <ATen/Parallel.h>
#include <random>
#include <torch/torch.h>

using namespace irc;

namespace {

const size_t SliceBytes = rt::xnnpack::defaultSliceBytes();

struct Layer {
  const char *name;
  int64_t c, h, o, k, stride, groups;
  double macs() const {
    int64_t oh = (h + 2 * (k / 2) - k) / stride + 1;
    return double(oh * oh * o * (c / groups) * k * k);
  }
};

// clang-format off
const Layer Layers[] = {
    // MobileNetV2 (224x224 input).
    {"mbv2_stem_3x3s2_3-32_224",     3, 224,   32, 3, 2, 1},
    {"mbv2_dw3x3_32_112",           32, 112,   32, 3, 1, 32},
    {"mbv2_project_32-16_112",      32, 112,   16, 1, 1, 1},
    {"mbv2_expand_16-96_112",       16, 112,   96, 1, 1, 1},
    {"mbv2_dw3x3s2_96_112",         96, 112,   96, 3, 2, 96},
    {"mbv2_expand_24-144_56",       24,  56,  144, 1, 1, 1},
    {"mbv2_dw3x3_144_56",          144,  56,  144, 3, 1, 144},
    {"mbv2_project_144-24_56",     144,  56,   24, 1, 1, 1},
    {"mbv2_expand_32-192_28",       32,  28,  192, 1, 1, 1},
    {"mbv2_dw3x3_192_28",          192,  28,  192, 3, 1, 192},
    {"mbv2_expand_64-384_14",       64,  14,  384, 1, 1, 1},
    {"mbv2_dw3x3_384_14",          384,  14,  384, 3, 1, 384},
    {"mbv2_project_384-64_14",     384,  14,   64, 1, 1, 1},
    {"mbv2_expand_160-960_7",      160,   7,  960, 1, 1, 1},
    {"mbv2_dw3x3_960_7",           960,   7,  960, 3, 1, 960},
    {"mbv2_project_960-160_7",     960,   7,  160, 1, 1, 1},
    {"mbv2_last_320-1280_7",       320,   7, 1280, 1, 1, 1},
    // ResNet-18: the stem, the 3x3 convolutions of each stage and the
    // strided ones that start stages 2 to 4 (with their 1x1 shortcuts).
    {"resnet_stem_7x7s2_3-64_224",   3, 224,   64, 7, 2, 1},
    {"resnet_3x3_64_56",            64,  56,   64, 3, 1, 1},
    {"resnet_3x3s2_64-128_56",      64,  56,  128, 3, 2, 1},
    {"resnet_1x1s2_64-128_56",      64,  56,  128, 1, 2, 1},
    {"resnet_3x3_128_28",          128,  28,  128, 3, 1, 1},
    {"resnet_3x3s2_128-256_28",    128,  28,  256, 3, 2, 1},
    {"resnet_3x3_256_14",          256,  14,  256, 3, 1, 1},
    {"resnet_3x3s2_256-512_14",    256,  14,  512, 3, 2, 1},
    {"resnet_3x3_512_7",           512,   7,  512, 3, 1, 1},
};
// clang-format on

rt::Tensor randomTensor(const rt::Shape &shape, float scale,
                        std::mt19937 &rng) {
  rt::Tensor t = rt::Tensor::zeros(rt::DType::F32, shape);
  std::uniform_real_distribution<float> dist(-scale, scale);
  float *p = t.mutableData<float>();
  for (int64_t i = 0; i < t.numel(); ++i)
    p[i] = dist(rng);
  return t;
}

rt::ref::Packed packedParams(const Layer &l) {
  std::mt19937 rng(1);
  rt::ref::Packed p;
  p.weight = randomTensor({l.o, l.c / l.groups, l.k, l.k}, 0.1f, rng);
  p.bias = randomTensor({l.o}, 0.1f, rng);
  p.stride[0] = p.stride[1] = l.stride;
  p.padding[0] = p.padding[1] = l.k / 2;
  p.groups = l.groups;
  return p;
}

void setCounters(benchmark::State &state, const Layer &l) {
  state.counters["GFLOPs"] = benchmark::Counter(
      2 * l.macs() / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

struct Pool {
  explicit Pool(size_t threads) : pool(pthreadpool_create(threads)) {}
  ~Pool() { pthreadpool_destroy(pool); }
  pthreadpool_t pool;
};

/// `sliced`: as a partition runs it (convOutputSlice), else one operator.
void BM_Xnnpack(benchmark::State &state, Layer l, bool sliced) {
  rt::ref::Packed p = packedParams(l);
  Pool pool(size_t(state.range(0)));
  std::vector<std::shared_ptr<rt::xnnpack::Operator>> ops =
      sliced ? rt::xnnpack::createConvOperators(p, SliceBytes)
             : std::vector{
                   rt::xnnpack::createPackedOperator(p, rt::ref::Kind::Conv2d)};
  size_t slice = sliced ? rt::xnnpack::convOutputSlice(p, SliceBytes) : 0;
  int64_t oh = (l.h + 2 * (l.k / 2) - l.k) / l.stride + 1;
  std::vector<float> x(size_t(l.h * l.h * l.c) + 16, 0.5f),
      y(size_t(oh * oh * l.o) + 16);
  for (size_t i = 0; i < ops.size(); ++i)
    rt::xnnpack::check(xnn_setup_convolution2d_nhwc_f32(
                           ops[i]->op, 1, size_t(l.h), size_t(l.h), x.data(),
                           y.data() + i * slice, pool.pool),
                       "setup");
  for (auto _ : state)
    for (const auto &op : ops)
      rt::xnnpack::check(xnn_run_operator(op->op, pool.pool), "run");
  setCounters(state, l);
  state.counters["operators"] = double(ops.size());
}

void BM_Winograd(benchmark::State &state, Layer l) {
  rt::ref::Packed p = packedParams(l);
  Pool pool(size_t(state.range(0)));
  rt::xnnpack::WinogradConv conv(rt::xnnpack::createWinogradWeights(p),
                                 {1, l.c, l.h, l.h});
  std::vector<float> x(size_t(l.h * l.h * l.c) + 16, 0.5f),
      y(size_t(l.h * l.h * l.o) + 16), scratch(conv.scratchFloats() + 16);
  for (auto _ : state)
    conv.run(x.data(), scratch.data(), y.data(), pool.pool);
  setCounters(state, l);
  state.counters["chosen"] = rt::xnnpack::winogradSuits(p, {1, l.c, l.h, l.h});
}

void BM_Libtorch(benchmark::State &state, Layer l) {
  at::set_num_threads(int(state.range(0)));
  torch::NoGradGuard noGrad;
  torch::manual_seed(1);
  torch::Tensor x = torch::rand({1, l.c, l.h, l.h});
  torch::Tensor w = torch::rand({l.o, l.c / l.groups, l.k, l.k}) * 0.1;
  torch::Tensor b = torch::rand({l.o});
  for (auto _ : state)
    benchmark::DoNotOptimize(
        at::conv2d(x, w, b, l.stride, l.k / 2, 1, l.groups));
  setCounters(state, l);
}

void registerAll() {
  for (const Layer &l : Layers) {
    auto add = [&](const std::string &variant, auto fn) {
      benchmark::RegisterBenchmark((variant + "/" + l.name).c_str(), fn, l)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime()
          ->Arg(1)
          ->Arg(2);
    };
    add("xnnpack",
        [](benchmark::State &s, Layer l) { BM_Xnnpack(s, l, false); });
    if (rt::xnnpack::convOutputSlice(packedParams(l), SliceBytes))
      add("sliced",
          [](benchmark::State &s, Layer l) { BM_Xnnpack(s, l, true); });
    if (l.k == 3 && l.stride == 1 && l.groups == 1)
      add("winograd", BM_Winograd);
    add("libtorch", BM_Libtorch);
  }
}

} // namespace

int main(int argc, char **argv) {
  rt::xnnpack::initialize();
  registerAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
