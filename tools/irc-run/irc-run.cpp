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
#include "frontend/Importer.h"
#include "ir/AsmParser.h"
#include "ir/Context.h"
#include "ir/Diagnostics.h"
#include "ir/Module.h"
#include "passes/InferShapes.h"
#include "passes/MobilePipeline.h"
#include "passes/PassManager.h"
#include "passes/VulkanPartition.h"
#include "passes/XnnpackPartition.h"
#include "runtime/Npy.h"

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

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::errs() << "irc-run: error: " << message << '\n';
  std::exit(1);
}

std::string stripAt(const std::string &arg) {
  return !arg.empty() && arg[0] == '@' ? arg.substr(1) : arg;
}

std::optional<rt::DType> fromNpy(rt::NpyDType d) {
  switch (d) {
  case rt::NpyDType::F32:
    return rt::DType::F32;
  case rt::NpyDType::F64:
    return rt::DType::F64;
  case rt::NpyDType::F16:
    return rt::DType::F16;
  case rt::NpyDType::I64:
    return rt::DType::I64;
  case rt::NpyDType::I32:
    return rt::DType::I32;
  case rt::NpyDType::I16:
    return rt::DType::I16;
  case rt::NpyDType::I8:
    return rt::DType::I8;
  case rt::NpyDType::U8:
    return rt::DType::U8;
  case rt::NpyDType::Bool:
    return rt::DType::Bool;
  case rt::NpyDType::C64:
    return rt::DType::C64;
  case rt::NpyDType::C128:
    return rt::DType::C128;
  }
  return std::nullopt;
}

std::optional<rt::NpyDType> toNpy(rt::DType d) {
  switch (d) {
  case rt::DType::F32:
    return rt::NpyDType::F32;
  case rt::DType::F64:
    return rt::NpyDType::F64;
  case rt::DType::F16:
    return rt::NpyDType::F16;
  case rt::DType::I64:
    return rt::NpyDType::I64;
  case rt::DType::I32:
    return rt::NpyDType::I32;
  case rt::DType::I16:
    return rt::NpyDType::I16;
  case rt::DType::I8:
    return rt::NpyDType::I8;
  case rt::DType::U8:
    return rt::NpyDType::U8;
  case rt::DType::Bool:
    return rt::NpyDType::Bool;
  case rt::DType::C64:
    return rt::NpyDType::C64;
  case rt::DType::C128:
    return rt::NpyDType::C128;
  default:
    return std::nullopt;
  }
}

rt::Tensor tensorFromNpy(const rt::NpyArray &a) {
  rt::Tensor t = rt::Tensor::zeros(*fromNpy(a.dtype), a.shape);
  if (!a.data.empty())
    std::memcpy(t.rawMutableData(), a.data.data(), a.data.size());
  return t;
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
  if (!rt::readNpy(stripAt(arg), array, error))
    fail(error);
  rt::Tensor t = tensorFromNpy(array);
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
  std::optional<rt::NpyDType> dtype = toNpy(t.dtype());
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
  if (!rt::readNpy(stripAt(refArg), ref, error))
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

/// One line per op that computes (constants and partition boundaries
/// aside): `LOCATION: OP: xnnpack partition N` (or `vulkan partition N`) or
/// `LOCATION: OP: reference (REASON)`; for vulkan, the ops left to the host
/// run between a download and an upload.
void printOpPlacement(Operation *module, llvm::StringRef backend) {
  const bool xnnpack = backend == rt::xnnpack::Backend,
             vulkan = backend == rt::vulkan::Backend;
  unsigned partitions = 0;
  std::function<void(Block &, int)> walk = [&](Block &block, int partition) {
    for (Operation &op : block) {
      if (op.is(OpId::Constant) || op.hasTrait(Terminator))
        continue;
      if (op.is(OpId::XnnPartition) || op.is(OpId::VkPartition)) {
        walk(op.getRegion(0).front(), int(++partitions));
        continue;
      }
      if (partition == 0 && op.is(OpId::PrimListConstruct) &&
          llvm::all_of(op.getOperands(), [](Value *v) {
            return getConstantValue(v) != Attribute();
          }))
        continue;
      std::string loc;
      llvm::raw_string_ostream os(loc);
      op.getLoc().printPrefix(os);
      llvm::outs() << os.str() << (os.str().empty() ? "" : ": ") << op.getName()
                   << ": ";
      if (partition)
        llvm::outs() << backend << " partition " << partition << '\n';
      else if (!xnnpack && !vulkan)
        llvm::outs() << "reference\n";
      else if (op.getNumRegions())
        llvm::outs() << "reference (control flow; its regions are placed on "
                        "their own)\n";
      else if (std::string why =
                   xnnpack ? whyNotXnnpack(&op) : whyNotVulkan(&op);
               !why.empty())
        llvm::outs() << "reference (" << why << ")\n";
      else if (op.hasTrait(InPlace))
        llvm::outs() << "reference (an in-place write to a tensor made "
                        "outside its run, or read or viewed elsewhere)\n";
      else
        llvm::outs() << "reference (in a run of only reshapes, chunks and "
                        "lists: no partition)\n";
      for (unsigned i = 0; i < op.getNumRegions(); ++i)
        for (Block &b : op.getRegion(i))
          walk(b, 0);
    }
  };
  for (FuncOp f : getFunctions(module))
    walk(f.getEntryBlock(), 0);
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "irc-run: run a TorchScript archive or .irc model on .npy inputs\n\n"
      "  irc-run model.pt --input=@x.npy --output=@y.npy --print\n");

  const bool xnnpack = backendName == rt::xnnpack::Backend,
             vulkan = backendName == rt::vulkan::Backend;
  if (backendName != rt::ref::Backend && !xnnpack && !vulkan)
    fail("unknown backend '" + backendName +
         "' (available: ref, xnnpack, vulkan)");

  // Compile: import or parse, freeze, clean up, lower.
  auto context = std::make_unique<Context>();
  Context &ctx = *context;
  llvm::SourceMgr mgr;
  auto handler = std::make_unique<SourceMgrDiagnosticHandler>(mgr, ctx);
  std::optional<Module> module;
  bool archive = isTorchScriptArchive(modelFile);
  if (archive) {
    module = importTorchScript(modelFile, ctx, mgr);
  } else {
    auto buffer = llvm::MemoryBuffer::getFile(modelFile);
    if (!buffer)
      fail("cannot read '" + modelFile + "': " + buffer.getError().message());
    mgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
    module = parseSourceFile(mgr, ctx);
  }
  if (!module)
    return 1;
  auto runPipeline = [&](const std::string &pipeline) {
    if (pipeline.empty())
      return true;
    PassManager pm{PassManagerOptions()};
    if (std::string err = pm.addPipeline(pipeline); !err.empty())
      fail(err);
    return succeeded(pm.run(module->getOperation()));
  };
  // Freezing makes an archive one program, keeping the function to run.
  std::vector<std::string> preserved;
  if (functionName != "forward")
    preserved.push_back(functionName);
  std::string freeze = preserved.empty()
                           ? "freeze"
                           : "freeze{preserve-methods=" + functionName + "}";
  if (archive && !runPipeline(freeze))
    return 1;

  FuncOp func;
  for (FuncOp f : getFunctions(module->getOperation()))
    if (f.getName() == functionName && !f.isPrivate())
      func = f;
  if (!func)
    fail("the model has no function '" + functionName + "'");

  // Inputs, checked against the signature before anything runs.
  llvm::ArrayRef<Type> params = func.getFunctionType().getInputs();
  if (inputs.size() != params.size()) {
    std::string list;
    for (Type t : params)
      list += (list.empty() ? "" : ", ") + t.str();
    fail("'" + functionName + "' takes " + std::to_string(params.size()) +
         " input" + (params.size() == 1 ? "" : "s") + " (" + list + "), got " +
         std::to_string(inputs.size()));
  }
  std::vector<rt::Value> args;
  llvm::SmallVector<Type, 4> argTypes;
  for (size_t i = 0; i < inputs.size(); ++i) {
    rt::TypeSpec spec = toTypeSpec(params[i]);
    rt::Value v = readInput(i, inputs[i], spec);
    std::string why;
    if (!spec.accepts(v, why))
      fail("input " + std::to_string(i) + " (" + inputs[i] + "): " + why);
    argTypes.push_back(typeOfValue(ctx, v));
    args.push_back(std::move(v));
  }

  // Static shapes from the inputs, before the other passes, which then see
  // them (fold-linear-bn needs a known rank, insert-prepack a known dtype).
  if (!noOptimize) {
    std::string error;
    if (failed(specializeArguments(func.getOperation(), argTypes, error)))
      fail(error);
    if (!runPipeline("infer-shapes,canonicalize,cse,dce"))
      return 1;
  }
  // The xnnpack backend runs what the cpu pipeline makes, the vulkan one
  // what the vulkan pipeline makes.
  if (optimizeForMobile.getNumOccurrences() ||
      ((xnnpack || vulkan) && !noOptimize)) {
    std::string error;
    std::string target = vulkan ? "vulkan"
                         : optimizeForMobile.empty()
                             ? "cpu"
                             : optimizeForMobile.getValue();
    if (vulkan && !optimizeForMobile.empty() && optimizeForMobile != "vulkan")
      fail("--backend=vulkan runs the vulkan mobile pipeline");
    std::string mobile =
        buildMobilePipeline(target, mobileBlocklist, error, preserved);
    if (!error.empty())
      fail(error);
    if (!runPipeline(mobile))
      return 1;
  } else if (!mobileBlocklist.empty()) {
    fail("--mobile-blocklist needs --optimize-for-mobile");
  }

  // The xnnpack backend runs what XNNPACK can in NHWC partitions.
  if (xnnpack && !noOptimize && !runPipeline(XnnpackPipeline))
    return 1;
  // The vulkan backend runs what has shaders in partitions, on the device.
  if (vulkan && !noOptimize && !runPipeline(VulkanPipeline))
    return 1;
  if (printPlacement)
    printOpPlacement(module->getOperation(), backendName);
  if (printIR)
    module->getOperation()->print(llvm::errs());

  rt::KernelRegistry registry;
  if (xnnpack) {
    rt::xnnpack::registerKernels(registry);
  } else if (vulkan) {
    rt::vulkan::registerKernels(registry);
  } else {
    rt::ref::registerKernels(registry);
  }
  rt::Plan plan;
  if (failed(lowerToPlan(module->getOperation(), registry, backendName, plan)))
    return 1;
  // The plan stands alone: free the IR (folded weights, and the archive's
  // mapping where no plan tensor uses it) before XNNPACK packs the weights.
  module.reset();
  handler.reset();
  context.reset();
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
