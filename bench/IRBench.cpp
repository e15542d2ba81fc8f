//===- IRBench.cpp - Compile-time cost of the IR core ---------------------===//
//
// Times what irc-opt does to one large function: parse (which verifies),
// verify again, canonicalize, cse, dce and print. The input is generated
// outside the timed loop and mixes what TorchScript graphs contain: int
// constants and aten.add.int/aten.mul.int chains that canonicalize folds,
// duplicated pure ops that cse merges, dead ops that dce removes,
// elementwise ops on a ResNet stage-1 activation (tensor<1x64x56x56xf32>)
// and prim.if regions, some on constant conditions. Every phase must stay
// linear in the op count: the benchmark reports its complexity and the time
// of each phase so a regression points at its phase. Freeing the IR is
// reported (destroy_ms) but not timed.
//
//===----------------------------------------------------------------------===//
#include "benchmark/benchmark.h"
#include "ir/AsmParser.h"
#include "ir/AsmPrinter.h"
#include "ir/Verifier.h"
#include "passes/PassManager.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

using namespace irc;

namespace {
/// ResNet-18 layer1 activation.
constexpr const char *kAct = "tensor<1x64x56x56xf32>";

/// Text of `func @main` with at least `numOps` ops (nested ones included).
/// Returns the exact count in `actualOps`.
std::string generateFunction(int64_t numOps, int64_t &actualOps) {
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string act = kAct;
  os << "func @main(%x: " << act << ", %n: i64) -> (" << act << ", i64) {\n";
  int64_t ops = 0;
  auto op = [&](const std::string &line, unsigned indent = 1) {
    os.indent(indent * 2) << line << '\n';
    ++ops;
  };
  op("%alpha = constant 1 : i64");
  op("%three = constant 3 : i64");
  std::string acc = "%n", t = "%x";
  for (int64_t k = 0; ops + 3 < numOps; ++k) {
    std::string s = std::to_string(k);
    // Folded by canonicalize: (k + 3) * 3 becomes one constant; the
    // duplicated `constant 3` is merged by cse.
    op("%c" + s + " = constant " + s + " : i64");
    op("%k" + s + " = constant 3 : i64");
    op("%f" + s + " = aten.add.int(%c" + s + ", %k" + s +
       ") : (i64, i64) -> i64");
    op("%g" + s + " = aten.mul.int(%f" + s + ", %three) : (i64, i64) -> i64");
    // A live chain through the argument: not foldable.
    op("%h" + s + " = aten.add.int(%g" + s + ", " + acc +
       ") : (i64, i64) -> i64");
    // Duplicated pure ops: cse merges %d and %e.
    op("%d" + s + " = aten.mul.int(%h" + s + ", %n) : (i64, i64) -> i64");
    op("%e" + s + " = aten.mul.int(%h" + s + ", %n) : (i64, i64) -> i64");
    op("%a" + s + " = aten.add.int(%d" + s + ", %e" + s +
       ") : (i64, i64) -> i64");
    // Dead: nothing uses it (canonicalize erases it before dce looks).
    op("%dead" + s + " = aten.sub.int(%a" + s + ", %n) : (i64, i64) -> i64");
    // Tensor ops, one duplicated.
    op("%r" + s + " = aten.relu(" + t + ") : (" + act + ") -> " + act);
    op("%rr" + s + " = aten.relu(" + t + ") : (" + act + ") -> " + act);
    op("%t" + s + " = aten.add.Tensor(%r" + s + ", %rr" + s + ", %alpha) : (" +
       act + ", " + act + ", i64) -> " + act);
    acc = "%a" + s;
    t = "%t" + s;
    if (k % 8 == 7) {
      // A data-dependent prim.if: stays, its regions are simplified.
      op("%p" + s + " = aten.gt.int(" + acc + ", %n) : (i64, i64) -> bool");
      op("%i" + s + " = prim.if %p" + s + " -> " + act + " {");
      op("%in" + s + " = aten.neg(" + t + ") : (" + act + ") -> " + act, 2);
      op("%iz" + s + " = aten.add.int(%three, %three) : (i64, i64) -> i64", 2);
      op("prim.yield %in" + s + " : " + act, 2);
      os << "  } else {\n";
      op("prim.yield " + t + " : " + act, 2);
      os << "  }\n";
      t = "%i" + s;
    } else if (k % 8 == 3) {
      // A constant-false prim.if: canonicalize keeps the else region.
      op("%q" + s + " = constant false : bool");
      op("%j" + s + " = prim.if %q" + s + " -> i64 {");
      op("%jm" + s + " = aten.mul.int(" + acc + ", %three) : (i64, i64) -> i64",
         2);
      op("prim.yield %jm" + s + " : i64", 2);
      os << "  } else {\n";
      op("prim.yield " + acc + " : i64", 2);
      os << "  }\n";
      acc = "%j" + s;
    }
  }
  op("return " + t + ", " + acc + " : " + act + ", i64");
  os << "}\n";
  actualOps = ops;
  return text;
}

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

/// parse + verify + canonicalize + cse + dce + print of one N-op function.
/// Tearing the IR down is not part of it: it runs with the timer paused and
/// is reported as `destroy_ms`.
void BM_ParseOptimizePrint(benchmark::State &state) {
  int64_t numOps = 0;
  const std::string text = generateFunction(state.range(0), numOps);
  double parseMs = 0, verifyMs = 0, passMs = 0, printMs = 0, destroyMs = 0;
  size_t printedBytes = 0;
  int64_t opsAfter = 0;
  for (auto _ : state) {
    auto ctx = std::make_unique<Context>();
    std::string error;
    ctx->getDiagEngine().setHandler([&](const Diagnostic &d) {
      if (error.empty())
        error = d.message;
    });
    auto start = Clock::now();
    std::optional<Module> module = parseSourceString(text, *ctx);
    parseMs += msSince(start);
    if (!module) {
      state.SkipWithError(("parse failed: " + error).c_str());
      return;
    }
    start = Clock::now();
    if (failed(verify(module->getOperation()))) {
      state.SkipWithError(("verify failed: " + error).c_str());
      return;
    }
    verifyMs += msSince(start);
    // The input is verified once above; --verify-each would add one verify
    // per pass and hide the passes' own cost.
    PassManagerOptions options;
    options.verifyEach = false;
    PassManager pm(options);
    if (std::string err = pm.addPipeline("canonicalize,cse,dce");
        !err.empty()) {
      state.SkipWithError(err.c_str());
      return;
    }
    start = Clock::now();
    if (failed(pm.run(module->getOperation(), llvm::nulls()))) {
      state.SkipWithError(("pipeline failed: " + error).c_str());
      return;
    }
    passMs += msSince(start);
    start = Clock::now();
    std::string out;
    llvm::raw_string_ostream os(out);
    printOp(module->getOperation(), os);
    os.flush();
    printMs += msSince(start);
    printedBytes = out.size();
    benchmark::DoNotOptimize(out.data());

    state.PauseTiming();
    opsAfter = -1; // the module op itself
    module->getOperation()->walk([&](Operation *) { ++opsAfter; });
    start = Clock::now();
    module.reset();
    ctx.reset();
    destroyMs += msSince(start);
    state.ResumeTiming();
  }
  // The passes must have had work to do: folds, merges and dead ops.
  if (printedBytes == 0 || opsAfter <= 0 || opsAfter >= numOps) {
    state.SkipWithError("the pipeline did not simplify the function");
    return;
  }
  using benchmark::Counter;
  state.SetComplexityN(numOps);
  state.counters["ops"] = Counter(double(numOps));
  state.counters["ops_after"] = Counter(double(opsAfter));
  state.counters["ops_per_second"] =
      Counter(double(numOps), Counter::kIsIterationInvariantRate);
  state.counters["parse_ms"] = Counter(parseMs, Counter::kAvgIterations);
  state.counters["verify_ms"] = Counter(verifyMs, Counter::kAvgIterations);
  state.counters["passes_ms"] = Counter(passMs, Counter::kAvgIterations);
  state.counters["print_ms"] = Counter(printMs, Counter::kAvgIterations);
  state.counters["destroy_ms"] = Counter(destroyMs, Counter::kAvgIterations);
  state.counters["out_bytes"] = Counter(double(printedBytes));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
} // namespace

BENCHMARK(BM_ParseOptimizePrint)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    // The fastest repetition is the least disturbed by other load on a
    // shared machine; compare it alongside the median.
    ->ComputeStatistics("min",
                        [](const std::vector<double> &v) {
                          return *std::min_element(v.begin(), v.end());
                        })
    ->Complexity(benchmark::oN);

BENCHMARK_MAIN();
