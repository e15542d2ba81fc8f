//===- ModelBench.cpp - Inference: irc's backends against libtorch --------===//
//
// One forward of a fixture model (build/fixtures; another folder with
// IRC_FIXTURES) on its saved input, timed in this process for:
//   - irc on the xnnpack backend (import, freeze, shapes from the input,
//     --optimize-for-mobile=cpu, xnnpack-partition, lowering, preparePlan:
//     all done once, outside the loop);
//   - irc on the reference backend (the same compile without the mobile
//     pipeline);
//   - libtorch, stock archive and PyTorch-optimized archive
//     (NAME.scripted.pt and NAME.scripted.optimized.pt), torch::jit::load'ed
//     once, forward under torch::NoGradGuard.
// Every side runs at the benchmark's thread count (/1 and /2). `fma_peak`
// measures one core's float32 FMA throughput for the lower bounds.
// Run with OMP_WAIT_POLICY=PASSIVE: spinning OpenMP workers slow libtorch's
// XNNPACK path many times over on a loaded machine. Compare the medians as
// ratios; docs/benchmarks.md has the command and results.
//
//===----------------------------------------------------------------------===//
#include "ProcStatus.h"
#include "backends/lowering/Lowering.h"
#include "backends/reference/ReferenceKernels.h"
#include "backends/vulkan/VulkanKernels.h"
#include "backends/xnnpack/XnnpackKernels.h"
#include "benchmark/benchmark.h"
#include "ir/Packed.h"
#include "runtime/ModelFile.h"
#include "runtime/Npy.h"
#include "runtime/Plan.h"
#include "runtime/Tensor.h"
#include "tools/driver/Compile.h"
#include <ATen/Parallel.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <immintrin.h>
#include <torch/script.h>

using namespace irc;

namespace {
std::string fixture(const std::string &file) {
  const char *dir = getenv("IRC_FIXTURES");
  return std::string(dir ? dir : IRC_DEFAULT_FIXTURES) + "/" + file;
}

/// The saved float32 input of `model`.
bool readInput(const std::string &model, rt::NpyArray &input,
               std::string &error) {
  if (!rt::readNpy(fixture(model + ".scripted.in0.npy"), input, error))
    return false;
  if (input.dtype != rt::NpyDType::F32) {
    error = "expected a float32 input";
    return false;
  }
  return true;
}

/// A compiled irc model: the plan keeps what it needs of the IR.
struct Compiled {
  rt::Plan plan;
  /// Multiply-accumulates of its convolutions and linears.
  double macs = 0;
};

/// The multiply-accumulates of the packed convs and linears in `root`: per
/// output element, input channels per group times the kernel size.
double countMacs(Operation *root) {
  double macs = 0;
  root->walk([&](Operation *op) {
    bool conv =
        op->is(OpId::XnnConv2dRun) || op->is(OpId::XnnConvTranspose2dRun);
    if (!conv && !op->is(OpId::XnnLinearRun))
      return;
    llvm::SmallVector<PackedField, 9> fields;
    Type in = op->getOperand(0)->getType(), out = op->getResult(0)->getType();
    if (!getPackedFields(op->getOperand(1), fields) || !in.hasStaticShape() ||
        !out.hasStaticShape())
      return;
    llvm::ArrayRef<int64_t> w = fields[0].type.getShape();
    double outElements = 1;
    for (int64_t d : out.getShape())
      outElements *= double(d);
    if (!conv) {
      macs += outElements * double(w[1]);
    } else if (op->is(OpId::XnnConv2dRun)) {
      macs += outElements * double(w[1] * w[2] * w[3]);
    } else { // transposed: each input element meets out/groups x kernel
      double inElements = 1;
      for (int64_t d : in.getShape())
        inElements *= double(d);
      macs += inElements * double(w[1] * w[2] * w[3]);
    }
  });
  return macs;
}

/// Compiles `model` for `backend` as irc-run does.
bool compile(const std::string &model, const std::string &backend,
             const rt::Tensor &input, Compiled &out, std::string &error) {
  Compilation compilation;
  if (!compilation.load(fixture(model + ".scripted.pt"), "forward", error))
    return false;
  CompileOptions options;
  options.backend = backend;
  Type argType = typeOfValue(compilation.context(), rt::Value(input));
  if (!compilation.compile({argType}, options, out.plan, error))
    return false;
  if (backend == rt::xnnpack::Backend)
    out.macs = countMacs(compilation.getModuleOp());
  return true;
}

double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

/// Counters: `load_ms` (XNNPACK plan preparation: weight packing, memory
/// planning, operator setup), `first_ms` (the first inference), `GMACs`.
void BM_Irc(benchmark::State &state, std::string model, std::string backend) {
  std::string error;
  rt::NpyArray array;
  if (!readInput(model, array, error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  rt::Tensor input = rt::Tensor::zeros(
      rt::DType::F32, rt::Shape(array.shape.begin(), array.shape.end()));
  std::memcpy(input.rawMutableData(), array.data.data(), array.data.size());
  auto compiled = std::make_unique<Compiled>();
  if (!compile(model, backend, input, *compiled, error)) {
    state.SkipWithError(("compile failed: " + error).c_str());
    return;
  }
  rt::Plan &plan = compiled->plan;
  const rt::Function &fn = plan.functions[plan.findFunction("forward")];
  try {
    auto start = std::chrono::steady_clock::now();
    if (backend == rt::xnnpack::Backend)
      rt::xnnpack::preparePlan(plan, {size_t(state.range(0))});
    else if (backend == rt::vulkan::Backend)
      state.SetLabel(rt::vulkan::preparePlan(plan).device);
    state.counters["load_ms"] = msSince(start);
    start = std::chrono::steady_clock::now();
    rt::run(plan, fn, {rt::Value(input)});
    state.counters["first_ms"] = msSince(start);
    for (auto _ : state)
      benchmark::DoNotOptimize(rt::run(plan, fn, {rt::Value(input)}));
    if (compiled->macs)
      state.counters["GMACs"] = compiled->macs / 1e9;
  } catch (const rt::Error &e) {
    state.SkipWithError(e.what());
  }
}

/// Where the compiled model (.ircm, for xnnpack) of `model` is written for
/// the benchmarks that load one.
std::string ircmPath(const std::string &model) {
  return (std::filesystem::temp_directory_path() /
          ("irc-bench-" + model + ".ircm"))
      .string();
}

/// Compiles `model` for xnnpack, as irc-compile does, into ircmPath(model).
bool saveCompiled(const std::string &model, std::string &error) {
  rt::NpyArray array;
  if (!readInput(model, array, error))
    return false;
  Compiled compiled;
  if (!compile(model, rt::xnnpack::Backend, rt::tensorFromNpy(array), compiled,
               error))
    return false;
  rt::saveModelFile(compiled.plan, ircmPath(model), {"irc-bench-model", model});
  return true;
}

/// Load to first result, as an app starts: every iteration loads the
/// compiled model (rt::loadModelFile: checks and maps the file), prepares
/// it (packs the weights, plans memory) and runs one inference. Counters
/// (means): `load_ms`, `prepare_ms`, `first_ms`.
void BM_IrcmFirstResult(benchmark::State &state, std::string model) {
  std::string error;
  rt::NpyArray array;
  if (!saveCompiled(model, error) || !readInput(model, array, error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  rt::Value input(rt::tensorFromNpy(array));
  rt::KernelRegistry registry;
  rt::xnnpack::registerKernels(registry);
  double loadMs = 0, prepareMs = 0, firstMs = 0;
  try {
    for (auto _ : state) {
      auto start = std::chrono::steady_clock::now();
      rt::Plan plan = rt::loadModelFile(ircmPath(model), registry);
      loadMs += msSince(start);
      start = std::chrono::steady_clock::now();
      rt::xnnpack::preparePlan(plan, {size_t(state.range(0))});
      prepareMs += msSince(start);
      start = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(
          rt::run(plan, plan.functions[plan.findFunction("forward")], {input}));
      firstMs += msSince(start);
    }
  } catch (const rt::Error &e) {
    state.SkipWithError(e.what());
    return;
  }
  using benchmark::Counter;
  state.counters["load_ms"] = Counter(loadMs, Counter::kAvgIterations);
  state.counters["prepare_ms"] = Counter(prepareMs, Counter::kAvgIterations);
  state.counters["first_ms"] = Counter(firstMs, Counter::kAvgIterations);
}

/// The same for libtorch: torch::jit::load of the optimize_for_mobile
/// archive and its first forward, every iteration.
void BM_LibtorchFirstResult(benchmark::State &state, std::string model) {
  std::string error;
  rt::NpyArray array;
  if (!readInput(model, array, error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  at::set_num_threads(int(state.range(0)));
  torch::NoGradGuard noGrad;
  torch::Tensor input =
      torch::from_blob(array.data.data(), array.shape, torch::kFloat32).clone();
  for (auto _ : state) {
    torch::jit::Module module =
        torch::jit::load(fixture(model + ".scripted.optimized.pt"));
    module.eval();
    benchmark::DoNotOptimize(module.forward({input}));
  }
}

constexpr int64_t FmaSteps = 1 << 20;
constexpr int FmaChains = 12; // two FMA units, four cycles of latency

// FmaChains independent chains of FMAs, FmaSteps long, on 16 and 8 lanes.
__attribute__((target("avx512f"))) void fma512() {
  __m512 acc[FmaChains];
  for (int i = 0; i < FmaChains; ++i)
    acc[i] = _mm512_set1_ps(float(i));
  const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.001f);
  for (int64_t k = 0; k < FmaSteps; ++k)
    for (int i = 0; i < FmaChains; ++i)
      acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  for (int i = 0; i < FmaChains; ++i)
    benchmark::DoNotOptimize(acc[i]);
}
__attribute__((target("avx2,fma"))) void fma256() {
  __m256 acc[FmaChains];
  for (int i = 0; i < FmaChains; ++i)
    acc[i] = _mm256_set1_ps(float(i));
  const __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(0.001f);
  for (int64_t k = 0; k < FmaSteps; ++k)
    for (int i = 0; i < FmaChains; ++i)
      acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  for (int i = 0; i < FmaChains; ++i)
    benchmark::DoNotOptimize(acc[i]);
}

/// This machine's float32 FMA peak on one core, with the widest vectors it
/// has (AVX-512, which XNNPACK's kernels use where present, else AVX2):
/// twelve independent chains of fused multiply-adds. Counter `GFLOPs` (2
/// per FMA lane). A model's lower bound is 2 * MACs / (threads * peak).
void BM_FmaPeak(benchmark::State &state) {
  const bool avx512 = __builtin_cpu_supports("avx512f");
  if (!avx512 && !__builtin_cpu_supports("fma")) {
    state.SkipWithError("no FMA instructions");
    return;
  }
  for (auto _ : state)
    avx512 ? fma512() : fma256();
  state.SetLabel(avx512 ? "avx512" : "avx2");
  state.counters["GFLOPs"] =
      benchmark::Counter(double(FmaSteps) * FmaChains * (avx512 ? 16 : 8) * 2 *
                             double(state.iterations()) / 1e9,
                         benchmark::Counter::kIsRate);
}

void BM_Libtorch(benchmark::State &state, std::string model,
                 std::string variant) {
  std::string error;
  rt::NpyArray array;
  if (!readInput(model, array, error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  at::set_num_threads(int(state.range(0)));
  torch::NoGradGuard noGrad;
  torch::jit::Module module =
      torch::jit::load(fixture(model + ".scripted" + variant + ".pt"));
  module.eval();
  torch::Tensor input =
      torch::from_blob(array.data.data(), array.shape, torch::kFloat32).clone();
  std::vector<torch::jit::IValue> args{input};
  module.forward(args); // warm-up
  for (auto _ : state)
    benchmark::DoNotOptimize(module.forward(args));
}

/// One run of `variant` ("irc" on xnnpack, libtorch "stock" or "optimized")
/// of `model` at `threads`: load, prepare, warm up and five inferences, as a
/// deployment does. Returns false on an error.
bool runOnce(const std::string &variant, const std::string &model,
             int threads) {
  std::string error;
  rt::NpyArray array;
  if (!readInput(model, array, error))
    return false;
  if (variant == "irc" || variant == "ircm") {
    rt::Tensor input = rt::tensorFromNpy(array);
    rt::Plan plan;
    if (variant == "ircm") { // the compiled model BM_PeakRss wrote
      rt::KernelRegistry registry;
      rt::xnnpack::registerKernels(registry);
      plan = rt::loadModelFile(ircmPath(model), registry);
    } else {
      Compiled compiled;
      if (!compile(model, rt::xnnpack::Backend, input, compiled, error))
        return false;
      plan = std::move(compiled.plan);
    }
    rt::xnnpack::preparePlan(plan, {size_t(threads)});
    const rt::Function &fn = plan.functions[plan.findFunction("forward")];
    for (int i = 0; i < 6; ++i)
      benchmark::DoNotOptimize(rt::run(plan, fn, {rt::Value(input)}));
    return true;
  }
  at::set_num_threads(threads);
  torch::NoGradGuard noGrad;
  torch::jit::Module module = torch::jit::load(
      fixture(model + ".scripted" +
              (variant == "optimized" ? ".optimized" : "") + ".pt"));
  module.eval();
  torch::Tensor input =
      torch::from_blob(array.data.data(), array.shape, torch::kFloat32).clone();
  std::vector<torch::jit::IValue> args{input};
  for (int i = 0; i < 6; ++i)
    benchmark::DoNotOptimize(module.forward(args));
  return true;
}

/// `--peak-rss=VARIANT:MODEL:THREADS`: runOnce in this fresh process, then
/// prints the peak resident memory and its rise over the start, in bytes.
int peakRssMain(const std::string &spec) {
  size_t a = spec.find(':'), b = spec.rfind(':');
  if (a == std::string::npos || a == b)
    return 2;
  int64_t start = bench::procStatus("VmRSS:");
  try {
    if (!runOnce(spec.substr(0, a), spec.substr(a + 1, b - a - 1),
                 std::atoi(spec.c_str() + b + 1)))
      return 1;
  } catch (const std::exception &) {
    return 1;
  }
  int64_t peak = bench::procStatus("VmHWM:");
  std::printf("%lld %lld\n", (long long)peak, (long long)(peak - start));
  return 0;
}

/// Peak resident memory of one run of `model` by irc and by libtorch (stock
/// and optimized), each in a fresh process of this same program (the same
/// libraries mapped), at the benchmark's thread count. Counters, in MB:
/// `<variant>_MB` the process's peak, `<variant>_rise_MB` its rise over the
/// process at start.
void BM_PeakRss(benchmark::State &state, std::string model) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    state.SkipWithError("cannot find this program");
    return;
  }
  self[n] = 0;
  std::string error;
  if (!saveCompiled(model, error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  for (auto _ : state) {
    for (const char *variant : {"irc", "ircm", "stock", "optimized"}) {
      std::string command = std::string(self) + " --peak-rss=" + variant + ":" +
                            model + ":" + std::to_string(state.range(0)) +
                            " 2>/dev/null";
      FILE *child = popen(command.c_str(), "r");
      long long peak = -1, rise = -1;
      bool ok = child && std::fscanf(child, "%lld %lld", &peak, &rise) == 2;
      if (child)
        ok = pclose(child) == 0 && ok;
      if (!ok) {
        state.SkipWithError((std::string(variant) + " failed").c_str());
        return;
      }
      std::string name = variant[0] == 'i' // irc, ircm
                             ? variant
                             : std::string("libtorch_") + variant;
      state.counters[name + "_MB"] = double(peak) / 1e6;
      state.counters[name + "_rise_MB"] = double(rise) / 1e6;
    }
  }
}

void registerAll() {
  benchmark::RegisterBenchmark("fma_peak", BM_FmaPeak)->UseRealTime();
  for (const char *model : {"mobilenet_v2", "resnet18", "squeezenet1_1",
                            "shufflenet_v2_x1_0", "mobilenet_v3_small"}) {
    auto add = [&](const std::string &name, auto fn, std::string arg) {
      benchmark::RegisterBenchmark((name + "/" + model).c_str(), fn,
                                   std::string(model), arg)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Arg(1)
          ->Arg(2);
    };
    add("irc_xnnpack", BM_Irc, rt::xnnpack::Backend);
    add("irc_ref", BM_Irc, rt::ref::Backend);
    // The device schedules its own threads (lavapipe: one per core).
    benchmark::RegisterBenchmark((std::string("irc_vulkan/") + model).c_str(),
                                 BM_Irc, std::string(model),
                                 std::string(rt::vulkan::Backend))
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    for (auto [name, fn] :
         {std::pair{"irc_ircm_first", BM_IrcmFirstResult},
          std::pair{"libtorch_optimized_first", BM_LibtorchFirstResult}})
      benchmark::RegisterBenchmark((std::string(name) + "/" + model).c_str(),
                                   fn, std::string(model))
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Arg(1)
          ->Arg(2);
    add("libtorch_stock", BM_Libtorch, "");
    add("libtorch_optimized", BM_Libtorch, ".optimized");
    benchmark::RegisterBenchmark((std::string("peak_rss/") + model).c_str(),
                                 BM_PeakRss, std::string(model))
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Arg(1)
        ->Arg(2);
  }
}
} // namespace

int main(int argc, char **argv) {
  if (argc == 2 && std::strncmp(argv[1], "--peak-rss=", 11) == 0)
    return peakRssMain(argv[1] + 11);
  registerAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
