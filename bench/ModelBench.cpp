//===- ModelBench.cpp - Inference: irc's backends against libtorch --------===//
//
// One forward of a fixture model (build/fixtures; another folder with
// IRC_FIXTURES) on its saved input, timed in this process for:
//   - irc on the xnnpack backend (import, freeze, shapes from the input,
//     --optimize-for-mobile=cpu, lowering: all done once, outside the loop);
//   - irc on the reference backend (the same compile without the mobile
//     pipeline);
//   - libtorch, stock archive and PyTorch-optimized archive
//     (NAME.scripted.pt and NAME.scripted.optimized.pt), torch::jit::load'ed
//     once, forward under torch::NoGradGuard.
// Every side uses the same thread count (IRC_BENCH_THREADS, default 2).
// Run with OMP_WAIT_POLICY=PASSIVE: spinning OpenMP workers slow libtorch's
// XNNPACK path many times over on a loaded machine. Compare the medians as
// ratios; docs/benchmarks.md has the command and results.
//
//===----------------------------------------------------------------------===//
#include "backends/lowering/Lowering.h"
#include "backends/reference/ReferenceKernels.h"
#include "backends/xnnpack/XnnpackKernels.h"
#include "benchmark/benchmark.h"
#include "frontend/Importer.h"
#include "passes/InferShapes.h"
#include "passes/MobilePipeline.h"
#include "passes/PassManager.h"
#include "runtime/Npy.h"
#include "runtime/Plan.h"
#include "runtime/Tensor.h"
#include "llvm/Support/SourceMgr.h"
#include <ATen/Parallel.h>
#include <torch/script.h>

using namespace irc;

namespace {
std::string fixture(const std::string &file) {
  const char *dir = getenv("IRC_FIXTURES");
  return std::string(dir ? dir : IRC_DEFAULT_FIXTURES) + "/" + file;
}

int threads() {
  const char *n = getenv("IRC_BENCH_THREADS");
  return n ? std::max(1, atoi(n)) : 2;
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

/// A compiled irc model: the plan keeps what it needs of the context.
struct Compiled {
  Context ctx;
  rt::KernelRegistry registry;
  rt::Plan plan;
};

/// Compiles `model` for `backend` as irc-run does.
bool compile(const std::string &model, const std::string &backend,
             const rt::Tensor &input, Compiled &out, std::string &error) {
  llvm::SourceMgr sources;
  out.ctx.getDiagEngine().setHandler([&](const Diagnostic &d) {
    if (error.empty())
      error = d.message;
  });
  std::optional<Module> module =
      importTorchScript(fixture(model + ".scripted.pt"), out.ctx, sources);
  if (!module)
    return false;
  auto run = [&](const std::string &pipeline) {
    PassManager pm;
    return pm.addPipeline(pipeline).empty() &&
           succeeded(pm.run(module->getOperation(), llvm::nulls()));
  };
  if (!run("freeze"))
    return false;
  FuncOp forward;
  for (FuncOp f : getFunctions(module->getOperation()))
    if (f.getName() == "forward")
      forward = f;
  Type argType = typeOfValue(out.ctx, rt::Value(input));
  if (!forward ||
      failed(specializeArguments(forward.getOperation(), {argType}, error)) ||
      !run("infer-shapes,canonicalize,cse,dce"))
    return false;
  if (backend == rt::xnnpack::Backend) {
    std::string mobile = buildMobilePipeline("cpu", {}, error);
    if (mobile.empty() || !run(mobile))
      return false;
    rt::xnnpack::registerKernels(out.registry);
  } else {
    rt::ref::registerKernels(out.registry);
  }
  return succeeded(
      lowerToPlan(module->getOperation(), out.registry, backend, out.plan));
}

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
  const rt::Plan &plan = compiled->plan;
  const rt::Function &fn = plan.functions[plan.findFunction("forward")];
  try {
    rt::run(plan, fn, {rt::Value(input)}); // warm-up: packs the weights
    for (auto _ : state)
      benchmark::DoNotOptimize(rt::run(plan, fn, {rt::Value(input)}));
  } catch (const rt::Error &e) {
    state.SkipWithError(e.what());
  }
}

void BM_Libtorch(benchmark::State &state, std::string model,
                 std::string variant) {
  std::string error;
  rt::NpyArray array;
  if (!readInput(model, array, error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  at::set_num_threads(threads());
  torch::NoGradGuard noGrad;
  torch::jit::Module module =
      torch::jit::load(fixture(model + ".scripted" + variant + ".pt"));
  module.eval();
  torch::Tensor input =
      torch::from_blob(array.data.data(), array.shape, torch::kFloat32)
          .clone();
  std::vector<torch::jit::IValue> args{input};
  module.forward(args); // warm-up
  for (auto _ : state)
    benchmark::DoNotOptimize(module.forward(args));
}

void registerAll() {
  for (const char *model : {"mobilenet_v2", "resnet18", "squeezenet1_1",
                            "shufflenet_v2_x1_0", "mobilenet_v3_small"}) {
    auto add = [&](const std::string &name, auto fn, std::string arg) {
      benchmark::RegisterBenchmark((name + "/" + model).c_str(), fn,
                                   std::string(model), arg)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    };
    add("irc_xnnpack", BM_Irc, rt::xnnpack::Backend);
    add("irc_ref", BM_Irc, rt::ref::Backend);
    add("libtorch_stock", BM_Libtorch, "");
    add("libtorch_optimized", BM_Libtorch, ".optimized");
  }
}
} // namespace

int main(int argc, char **argv) {
  registerAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
