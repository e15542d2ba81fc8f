//===- irc-run.cpp - Run a model on .npy inputs ---------------------------===//
//
//   irc-run model.pt --backend=ref --input=@x.npy --output=@y.npy
//
// Imports a TorchScript archive (or parses `.irc` text), freezes it, refines
// shapes from the given inputs, cleans it up (and runs the mobile pipeline
// with --optimize-for-mobile), lowers it to a plan for the backend and runs
// it. Outputs are written as .npy files in result order (a
// tuple or list result gives one file per element), summarised with
// --print, compared with reference files with --compare, and timed with
// --benchmark=N.
//
//===----------------------------------------------------------------------===//

#include "backends/lowering/Lowering.h"
#include "backends/reference/ReferenceKernels.h"
#include "backends/vulkan/VulkanKernels.h"
#include "backends/xnnpack/XnnpackKernels.h"
#include "runtime/ModelFile.h"
#include "runtime/Npy.h"
#include "tools/driver/Compile.h"
#include "tools/driver/LimitOptions.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>

using namespace irc;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("irc-run options");

cl::opt<std::string> modelFile(cl::Positional, cl::Required,
                               cl::desc("<model .pt or .irc>"),
                               cl::cat(category));
cl::opt<std::string>
    backendName("backend",
                cl::desc("Backend to run on: ref (plain C++ kernels, the "
                         "oracle), xnnpack (compiles with the cpu mobile "
                         "pipeline; XNNPACK runs the xnn.* ops) or vulkan "
                         "(the vulkan mobile pipeline; compute shaders on "
                         "the Vulkan device)"),
                cl::init("ref"), cl::cat(category));
cl::opt<std::string> functionName("function",
                                  cl::desc("Function to run (default forward)"),
                                  cl::init("forward"), cl::cat(category));
cl::list<std::string>
    inputs("input",
           cl::desc("An argument, in order: @file.npy, or an int, float or "
                    "bool literal"),
           cl::cat(category));
cl::list<std::string>
    outputs("output", cl::desc("@file.npy to write each output to, in order"),
            cl::cat(category));
cl::list<std::string> compares(
    "compare",
    cl::desc("@file.npy to compare each output with, in order (float: "
             "max|out-ref| <= T*max(1,max|ref|) with T from --tolerance; "
             "integers and bools exact); exit 1 if any differs"),
    cl::cat(category));
cl::opt<double> tolerance(
    "tolerance",
    cl::desc("Relative tolerance T of --compare for floats (default 1e-4)"),
    cl::init(1e-4), cl::cat(category));
cl::opt<bool> printOutputs("print", cl::desc("Print a summary of each output"),
                           cl::cat(category));
cl::opt<unsigned> benchmark(
    "benchmark",
    cl::desc("Run N timed iterations after a warm-up and print median_ms"),
    cl::init(0), cl::cat(category));
cl::opt<unsigned> threads(
    "threads",
    cl::desc("Threads for XNNPACK (default 0: one per core; the reference "
             "backend uses one)"),
    cl::init(0), cl::cat(category));
cl::opt<bool> winograd(
    "winograd",
    cl::desc("XNNPACK backend: run large stride-1 3x3 convolutions as "
             "Winograd F(4x4, 3x3) (default true; --winograd=false for "
             "XNNPACK's direct convolution)"),
    cl::init(true), cl::cat(category));
cl::opt<std::string> optimizeForMobile(
    "optimize-for-mobile",
    cl::desc("Compile with the mobile pipeline for cpu (the default) or "
             "vulkan first, as irc-opt --optimize-for-mobile does; the "
             "reference backend runs its xnn.* and vk.* ops"),
    cl::ValueOptional, cl::value_desc("cpu|vulkan"), cl::cat(category));
cl::list<std::string> mobileBlocklist(
    "mobile-blocklist",
    cl::desc("Steps of --optimize-for-mobile to skip (see irc-opt --help)"),
    cl::CommaSeparated, cl::value_desc("step"), cl::cat(category));
cl::opt<bool> printMemory(
    "print-memory",
    cl::desc("Print the XNNPACK or Vulkan partitions' planned activation "
             "memory against the sum of their activations"),
    cl::cat(category));
cl::opt<bool> profile(
    "profile",
    cl::desc("Vulkan backend: print each dispatch's time on the device in "
             "the (last) run, from timestamp queries, then the total and "
             "the time per op (share, dispatches)"),
    cl::cat(category));
cl::opt<bool> printPlacement(
    "print-placement",
    cl::desc("List where each op runs (an XNNPACK partition or the "
             "reference kernels) and why an op was not lowered"),
    cl::cat(category));
cl::opt<bool> printIR(
    "print-ir",
    cl::desc("Print the IR that is lowered (after all passes) to stderr"),
    cl::cat(category));
cl::opt<bool> noOptimize(
    "no-optimize",
    cl::desc("Skip the optimization pipeline and shape inference (an "
             "archive is still frozen)"),
    cl::cat(category));
cl::opt<bool> printSignature(
    "print-signature",
    cl::desc("Print a compiled model's (.ircm) backend, inputs and outputs, "
             "and exit"),
    cl::cat(category));

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::errs() << "irc-run: error: " << message << '\n';
  std::exit(1);
}

std::string stripAt(const std::string &arg) {
  return !arg.empty() && arg[0] == '@' ? arg.substr(1) : arg;
}

/// Reads argument `i`, given as `@file.npy` or a literal, for a parameter
/// declared as `spec`.
rt::Value readInput(size_t i, const std::string &arg,
                    const rt::TypeSpec &spec) {
  std::string what = "input " + std::to_string(i) + " (" + arg + ")";
  if (arg.empty() || arg[0] != '@') {
    // A literal for a scalar parameter.
    llvm::StringRef s(arg);
    int64_t iv;
    double dv;
    if (s == "true" || s == "True")
      return rt::Value(true);
    if (s == "false" || s == "False")
      return rt::Value(false);
    if (!s.getAsInteger(10, iv))
      return spec.kind == rt::TypeSpec::Kind::Double ? rt::Value(double(iv))
                                                     : rt::Value(iv);
    if (!s.getAsDouble(dv))
      return rt::Value(dv);
    fail(what + ": expected @file.npy or an int, float or bool literal");
  }
  rt::NpyArray array;
  std::string error;
  if (!rt::readNpy(stripAt(arg), array, error, getLimitOptions()))
    fail(error);
  rt::Tensor t = rt::tensorFromNpy(array);
  // A 0-d array passed for a scalar parameter is that scalar.
  if (t.dim() == 0) {
    if (spec.kind == rt::TypeSpec::Kind::Int &&
        rt::isIntegral(t.dtype(), false))
      return rt::Value(t.itemInt());
    if (spec.kind == rt::TypeSpec::Kind::Double &&
        rt::isFloatingPoint(t.dtype()))
      return rt::Value(t.item());
    if (spec.kind == rt::TypeSpec::Kind::Bool && t.dtype() == rt::DType::Bool)
      return rt::Value(t.itemInt() != 0);
  }
  return rt::Value(t);
}

/// Tensors and scalars of a result, depth-first through tuples and lists.
void flatten(const rt::Value &v, std::vector<rt::Value> &out) {
  if (v.isTuple() || v.isList()) {
    for (const rt::Value &item : v.items())
      flatten(item, out);
    return;
  }
  out.push_back(v);
}

/// The output as an array to write or compare; fails for values that have
/// no .npy form (strings, None, objects).
rt::NpyArray toArray(size_t i, const rt::Value &v) {
  rt::NpyArray a;
  rt::Tensor t;
  if (v.isTensor())
    t = v.toTensor();
  else if (v.isInt())
    t = rt::Tensor::scalar(rt::DType::I64, 0),
    *t.mutableData<int64_t>() = v.toInt();
  else if (v.isDouble())
    t = rt::Tensor::scalar(rt::DType::F64, v.toDouble());
  else if (v.isBool())
    t = rt::Tensor::scalar(rt::DType::Bool, v.toBool());
  else
    fail("output " + std::to_string(i) + " is " + v.describe() +
         ", which has no .npy form");
  if (t.dtype() == rt::DType::BF16) // NumPy has no bfloat16
    t = t.to(rt::DType::F32);
  std::optional<rt::NpyDType> dtype = rt::toNpyDType(t.dtype());
  if (!dtype)
    fail("output " + std::to_string(i) + " has dtype " +
         rt::dtypeName(t.dtype()) + ", which .npy files cannot hold here");
  t = t.contiguous();
  a.dtype = *dtype;
  a.shape = t.sizes();
  const char *p = static_cast<const char *>(t.rawData());
  a.data.assign(p, p + t.numel() * rt::elementSize(t.dtype()));
  return a;
}

std::vector<double> asDoubles(const rt::NpyArray &a) {
  rt::Tensor t = tensorFromNpy(a);
  // Complex values compare as their real and imaginary parts.
  if (t.dtype() == rt::DType::C64 || t.dtype() == rt::DType::C128) {
    bool single = t.dtype() == rt::DType::C64;
    std::vector<double> out(size_t(t.numel()) * 2);
    for (size_t k = 0; k < out.size(); ++k)
      out[k] = single ? reinterpret_cast<const float *>(t.rawData())[k]
                      : reinterpret_cast<const double *>(t.rawData())[k];
    return out;
  }
  std::vector<double> out(size_t(t.numel()));
  rt::dispatch(t.dtype(), "compare", [&](auto tag) {
    using T = decltype(tag);
    const T *p = t.data<T>();
    for (size_t k = 0; k < out.size(); ++k)
      out[k] = rt::convert<double>(p[k]);
  });
  return out;
}

/// Compares output `i` with the reference file; prints one line and returns
/// whether it matches.
bool compare(size_t i, const rt::NpyArray &out, const std::string &refArg) {
  rt::NpyArray ref;
  std::string error;
  if (!rt::readNpy(stripAt(refArg), ref, error, getLimitOptions()))
    fail(error);
  llvm::outs() << "output " << i << ": ";
  if (out.shape != ref.shape || out.dtype != ref.dtype) {
    llvm::outs() << "MISMATCH: irc gives " << rt::dtypeName(out.dtype) << " "
                 << rt::shapeToString(out.shape) << ", " << refArg << " holds "
                 << rt::dtypeName(ref.dtype) << " "
                 << rt::shapeToString(ref.shape) << '\n';
    return false;
  }
  std::vector<double> x = asDoubles(out), y = asDoubles(ref);
  bool exact =
      out.dtype != rt::NpyDType::F32 && out.dtype != rt::NpyDType::F64 &&
      out.dtype != rt::NpyDType::F16 && out.dtype != rt::NpyDType::C64 &&
      out.dtype != rt::NpyDType::C128;
  double maxRef = 0, maxDiff = 0;
  bool nanMismatch = false;
  for (size_t k = 0; k < x.size(); ++k) {
    if (std::isnan(x[k]) || std::isnan(y[k])) {
      nanMismatch |= std::isnan(x[k]) != std::isnan(y[k]);
      continue;
    }
    if (std::isinf(x[k]) || std::isinf(y[k])) {
      nanMismatch |= x[k] != y[k];
      continue;
    }
    maxRef = std::max(maxRef, std::fabs(y[k]));
    maxDiff = std::max(maxDiff, std::fabs(x[k] - y[k]));
  }
  double allowed = exact ? 0 : tolerance * std::max(1.0, maxRef);
  bool ok = !nanMismatch && maxDiff <= allowed;
  llvm::outs() << (ok ? "matches " : "MISMATCH with ") << refArg
               << llvm::format(" (max abs diff %.3g", maxDiff);
  if (exact)
    llvm::outs() << ", exact";
  else
    llvm::outs() << llvm::format(", tolerance %.3g", allowed);
  llvm::outs() << (nanMismatch ? ", NaN/inf positions differ" : "") << ")\n";
  return ok;
}

void printSummary(size_t i, const rt::Value &v) {
  llvm::outs() << "output " << i << ": ";
  if (!v.isTensor()) {
    llvm::outs() << v.describe() << '\n';
    return;
  }
  const rt::Tensor &t = v.toTensor();
  llvm::outs() << t.describe();
  if (rt::isComplex(t.dtype()) || t.numel() == 0) {
    llvm::outs() << '\n';
    return;
  }
  rt::Tensor c = t.contiguous();
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  std::vector<double> first;
  rt::dispatch(c.dtype(), "print", [&](auto tag) {
    using T = decltype(tag);
    const T *p = c.data<T>();
    for (int64_t k = 0; k < c.numel(); ++k) {
      double d = rt::convert<double>(p[k]);
      lo = std::min(lo, d), hi = std::max(hi, d), sum += d;
      if (k < 6)
        first.push_back(d);
    }
  });
  llvm::outs() << llvm::format(" min %.6g max %.6g mean %.6g [", lo, hi,
                               sum / double(c.numel()));
  for (size_t k = 0; k < first.size(); ++k)
    llvm::outs() << (k ? ", " : "") << llvm::format("%.6g", first[k]);
  llvm::outs() << (c.numel() > int64_t(first.size()) ? ", ...]\n" : "]\n");
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category, &getLimitCategory()});
  cl::ParseCommandLineOptions(
      argc, argv,
      "irc-run: run a TorchScript archive or .irc model on .npy inputs\n\n"
      "  irc-run model.pt --input=@x.npy --output=@y.npy --print\n");

  if (backendName != rt::ref::Backend && backendName != rt::xnnpack::Backend &&
      backendName != rt::vulkan::Backend)
    fail("unknown backend '" + backendName +
         "' (available: ref, xnnpack, vulkan)");

  rt::Plan plan;
  std::vector<rt::Value> args;
  auto readInputs = [&](const std::vector<rt::TypeSpec> &params) {
    if (inputs.size() != params.size()) {
      std::string list;
      for (const rt::TypeSpec &t : params)
        list += (list.empty() ? "" : ", ") + t.text;
      fail("'" + functionName + "' takes " + std::to_string(params.size()) +
           " input" + (params.size() == 1 ? "" : "s") + " (" + list +
           "), got " + std::to_string(inputs.size()));
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      rt::Value v = readInput(i, inputs[i], params[i]);
      std::string why;
      if (!params[i].accepts(v, why))
        fail("input " + std::to_string(i) + " (" + inputs[i] + "): " + why);
      args.push_back(std::move(v));
    }
  };

  if (rt::isModelFile(modelFile)) {
    // A compiled model: irc-compile chose its backend and passes.
    std::pair<const char *, int> compileOnly[] = {
        {"optimize-for-mobile", optimizeForMobile.getNumOccurrences()},
        {"mobile-blocklist", mobileBlocklist.getNumOccurrences()},
        {"no-optimize", noOptimize.getNumOccurrences()},
        {"print-placement", printPlacement.getNumOccurrences()},
        {"print-ir", printIR.getNumOccurrences()}};
    for (auto [flag, count] : compileOnly)
      if (count)
        fail(llvm::Twine("--") + flag + " applies when compiling; '" +
             modelFile + "' is a compiled model");
    try {
      rt::KernelRegistry registry;
      rt::ref::registerKernels(registry);
      rt::xnnpack::registerKernels(registry);
      rt::vulkan::registerKernels(registry);
      plan = rt::loadModelFile(modelFile, registry, nullptr, getLimitOptions());
    } catch (const rt::Error &e) {
      fail(e.what());
    }
    if (backendName.getNumOccurrences() && backendName != plan.backend)
      fail("'" + modelFile + "' was compiled for the " + plan.backend +
           " backend, not " + backendName);
    int index = plan.findFunction(functionName);
    if (index < 0)
      fail("the model has no function '" + functionName + "'");
    const rt::Function &fn = plan.functions[size_t(index)];
    if (printSignature) {
      llvm::outs() << "backend: " << plan.backend << '\n';
      for (size_t i = 0; i < fn.argTypes.size(); ++i)
        llvm::outs() << "input " << i << " '"
                     << (i < fn.argNames.size() ? fn.argNames[i] : "")
                     << "': " << fn.argTypes[i].text << '\n';
      for (size_t i = 0; i < fn.resultTypes.size(); ++i)
        llvm::outs() << "output " << i << ": " << fn.resultTypes[i].text
                     << '\n';
      return 0;
    }
    readInputs(fn.argTypes);
  } else {
    if (printSignature)
      fail("--print-signature reads a compiled model (.ircm, from "
           "irc-compile)");
    Compilation compilation(getLimitOptions());
    std::string error;
    if (!compilation.load(modelFile, functionName, error)) {
      if (!error.empty())
        fail(error);
      return 1;
    }
    // Inputs, checked against the signature before anything runs.
    std::vector<rt::TypeSpec> params;
    for (Type t : compilation.entry().getFunctionType().getInputs())
      params.push_back(toTypeSpec(t));
    readInputs(params);
    llvm::SmallVector<Type, 4> argTypes;
    for (const rt::Value &v : args)
      argTypes.push_back(typeOfValue(compilation.context(), v));
    CompileOptions options;
    options.backend = backendName;
    options.noOptimize = noOptimize;
    if (optimizeForMobile.getNumOccurrences())
      options.optimizeForMobile = optimizeForMobile.getValue();
    options.mobileBlocklist.assign(mobileBlocklist.begin(),
                                   mobileBlocklist.end());
    options.printPlacement = printPlacement;
    options.printIR = printIR;
    if (!compilation.compile(argTypes, options, plan, error)) {
      if (!error.empty())
        fail(error);
      return 1;
    }
    // The plan stands alone: free the IR (folded weights, and the
    // archive's mapping where no plan tensor uses it) before XNNPACK packs
    // the weights.
    compilation.release();
  }

  const bool xnnpack = plan.backend == rt::xnnpack::Backend,
             vulkan = plan.backend == rt::vulkan::Backend;
  if (xnnpack) {
    try {
      rt::xnnpack::PlanSummary summary =
          rt::xnnpack::preparePlan(plan, {threads, winograd});
      auto count = [](size_t n, const char *what) {
        return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
      };
      if (printMemory)
        llvm::outs() << "memory: "
                     << count(summary.partitions, "XNNPACK partition") << ", "
                     << count(summary.operators, "operator") << " ("
                     << summary.packedOperators << " with packed weights), "
                     << count(summary.winogradConvolutions,
                              "Winograd convolution")
                     << "; activations " << summary.activationBytes
                     << " bytes, planned arena " << summary.arenaBytes
                     << " bytes"
                     << llvm::format(" (%.1fx reuse)\n",
                                     summary.arenaBytes
                                         ? double(summary.activationBytes) /
                                               double(summary.arenaBytes)
                                         : 1.0);
    } catch (const rt::Error &e) {
      fail(e.what());
    }
  } else if (vulkan) {
    try {
      rt::vulkan::PlanSummary summary =
          rt::vulkan::preparePlan(plan, {profile});
      if (printMemory)
        llvm::outs() << "memory: " << summary.device << ": "
                     << summary.partitions << " Vulkan partition"
                     << (summary.partitions == 1 ? "" : "s") << ", "
                     << summary.dispatches << " dispatches; activations "
                     << summary.activationBytes << " bytes, planned arena "
                     << summary.arenaBytes << " bytes, weights "
                     << summary.weightBytes << " bytes\n";
    } catch (const rt::Error &e) {
      fail(e.what());
    }
  } else if (printMemory) {
    fail("--print-memory needs --backend=xnnpack or vulkan");
  }
  const rt::Function &fn = plan.functions[plan.findFunction(functionName)];

  // Run.
  std::vector<rt::Value> flat;
  try {
    std::vector<rt::Value> results = rt::run(plan, fn, args);
    for (const rt::Value &r : results)
      flatten(r, flat);
  } catch (const rt::Error &e) {
    fail(e.what());
  }

  // Outputs.
  if (!outputs.empty() && outputs.size() != flat.size())
    fail("the model gives " + std::to_string(flat.size()) + " output" +
         (flat.size() == 1 ? "" : "s") + ", but " +
         std::to_string(outputs.size()) + " --output files were given");
  if (!compares.empty() && compares.size() != flat.size())
    fail("the model gives " + std::to_string(flat.size()) + " output" +
         (flat.size() == 1 ? "" : "s") + ", but " +
         std::to_string(compares.size()) + " --compare files were given");
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::string error;
    if (!rt::writeNpy(stripAt(outputs[i]), toArray(i, flat[i]), error))
      fail(error);
  }
  if (printOutputs)
    for (size_t i = 0; i < flat.size(); ++i)
      printSummary(i, flat[i]);
  bool allMatch = true;
  for (size_t i = 0; i < compares.size(); ++i)
    allMatch &= compare(i, toArray(i, flat[i]), compares[i]);

  if (benchmark > 0) {
    std::vector<double> times;
    try {
      rt::run(plan, fn, args); // warm-up
      for (unsigned k = 0; k < benchmark; ++k) {
        auto start = std::chrono::steady_clock::now();
        rt::run(plan, fn, args);
        auto end = std::chrono::steady_clock::now();
        times.push_back(
            std::chrono::duration<double, std::milli>(end - start).count());
      }
    } catch (const rt::Error &e) {
      fail(e.what());
    }
    std::sort(times.begin(), times.end());
    size_t n = times.size();
    double median =
        n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    llvm::outs() << llvm::format("median_ms: %.3f\n", median);
  }
  if (profile) {
    if (!vulkan)
      fail("--profile needs --backend=vulkan");
    double total = 0;
    // Per op: dispatches and time, in order of first appearance.
    llvm::MapVector<llvm::StringRef, std::pair<unsigned, double>> perOp;
    std::vector<rt::vulkan::DispatchTime> times = rt::vulkan::lastProfile(plan);
    for (const rt::vulkan::DispatchTime &t : times) {
      llvm::outs() << llvm::format("profile: %9.3f ms  ", t.ms) << t.what
                   << '\n';
      total += t.ms;
      auto &[count, ms] = perOp[llvm::StringRef(t.what).rsplit(": ").second];
      ++count;
      ms += t.ms;
    }
    llvm::outs() << llvm::format("profile: %9.3f ms  total on the device\n",
                                 total);
    auto byOp = perOp.takeVector();
    llvm::stable_sort(byOp, [](const auto &a, const auto &b) {
      return a.second.second > b.second.second;
    });
    for (const auto &[op, entry] : byOp)
      llvm::outs() << llvm::format("profile: %9.3f ms  %5.1f%%  %4u x ",
                                   entry.second,
                                   total > 0 ? 100 * entry.second / total : 0.0,
                                   entry.first)
                   << op << '\n';
  }
  return allMatch ? 0 : 1;
}
