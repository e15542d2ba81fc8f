//===- ImportBench.cpp - Importing archives: irc against libtorch ---------===//
//
// Times what it takes to get a usable model out of a TorchScript archive:
// irc's import plus `freeze` (one flat function, weights mapped from the
// file) against libtorch's torch::jit::load of the same file (which only
// deserializes; Python's torch.jit.load adds its wrapper on top). Both run
// in this process, interleaved, on the fixtures that ctest generates
// (build/fixtures; another folder with IRC_FIXTURES).
//
// The irc benchmark also reports how far resident memory rises during one
// import + freeze (in a child process, from the kernel's peak counter), as
// a ratio to the archive's size: weights are mapped, not copied, so it
// stays near 1 (the mapped weights themselves, read once to check CRCs).
//
//===----------------------------------------------------------------------===//
#include "ProcStatus.h"
#include "benchmark/benchmark.h"
#include "frontend/Importer.h"
#include "passes/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"
#include <cstring>
#include <fstream>
#include <sys/wait.h>
#include <torch/script.h>
#include <unistd.h>

using namespace irc;
using irc::bench::procStatus;

namespace {
std::string fixture(const std::string &name) {
  const char *dir = getenv("IRC_FIXTURES");
  return std::string(dir ? dir : IRC_DEFAULT_FIXTURES) + "/" + name + ".pt";
}

/// Imports and freezes `path`; returns false (with `error`) on failure.
bool importAndFreeze(const std::string &path, std::string &error) {
  Context ctx;
  llvm::SourceMgr sources;
  ctx.getDiagEngine().setHandler([&](const Diagnostic &d) {
    if (error.empty())
      error = d.message;
  });
  std::optional<Module> module = importTorchScript(path, ctx, sources);
  if (!module)
    return false;
  PassManagerOptions options;
  options.verifyEach = false;
  PassManager pm(options);
  if (!pm.addPipeline("freeze").empty() ||
      failed(pm.run(module->getOperation(), llvm::nulls())))
    return false;
  benchmark::DoNotOptimize(module->getOperation());
  return true;
}

/// How much the resident memory peaks above where it started while one
/// import + freeze runs, measured in a child process (this one has libtorch
/// mapped) after resetting the kernel's peak counter.
int64_t peakRssIncrease(const std::string &path) {
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::ofstream("/proc/self/clear_refs") << "5"; // VmHWM := VmRSS
    int64_t start = procStatus("VmRSS:");
    std::string error;
    int64_t increase = importAndFreeze(path, error) && start >= 0
                           ? procStatus("VmHWM:") - start
                           : -1;
    if (write(fds[1], &increase, sizeof(increase)) != sizeof(increase))
      _exit(1);
    _exit(0);
  }
  close(fds[1]);
  int64_t increase = -1;
  if (pid < 0 || read(fds[0], &increase, sizeof(increase)) != sizeof(increase))
    increase = -1;
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return increase;
}

void BM_IrcImportFreeze(benchmark::State &state, const std::string &name) {
  std::string path = fixture(name);
  uint64_t size = 0;
  if (llvm::sys::fs::file_size(path, size)) {
    state.SkipWithError(("missing fixture " + path).c_str());
    return;
  }
  for (auto _ : state) {
    std::string error;
    if (!importAndFreeze(path, error)) {
      state.SkipWithError(("import failed: " + error).c_str());
      return;
    }
  }
  int64_t peak = peakRssIncrease(path);
  state.counters["archive_mb"] = double(size) / (1 << 20);
  state.counters["peak_rss_increase_mb"] = double(peak) / (1 << 20);
  state.counters["peak_rss_per_archive"] = double(peak) / double(size);
}

void BM_TorchJitLoad(benchmark::State &state, const std::string &name) {
  std::string path = fixture(name);
  if (!llvm::sys::fs::exists(path)) {
    state.SkipWithError(("missing fixture " + path).c_str());
    return;
  }
  for (auto _ : state) {
    torch::jit::Module m = torch::jit::load(path);
    benchmark::DoNotOptimize(&m);
  }
}

void registerAll() {
  for (const char *model :
       {"resnet18.scripted", "resnet18.traced", "mobilenet_v2.scripted",
        "mobilenet_v3_small.scripted", "shufflenet_v2_x1_0.scripted",
        "squeezenet1_1.scripted", "resnet18.scripted.optimized"}) {
    for (auto [prefix, fn] :
         {std::pair{"BM_IrcImportFreeze/", &BM_IrcImportFreeze},
          std::pair{"BM_TorchJitLoad/", &BM_TorchJitLoad}})
      benchmark::RegisterBenchmark((std::string(prefix) + model).c_str(), fn,
                                   std::string(model))
          ->Unit(benchmark::kMillisecond)
          ->MeasureProcessCPUTime()
          ->UseRealTime();
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
