//===- Compile.cpp - From a model file to a runtime plan ------------------===//

#include "tools/driver/Compile.h"
#include "backends/lowering/Lowering.h"
#include "backends/reference/ReferenceKernels.h"
#include "backends/vulkan/VulkanKernels.h"
#include "backends/xnnpack/XnnpackKernels.h"
#include "frontend/Importer.h"
#include "ir/AsmParser.h"
#include "passes/InferShapes.h"
#include "passes/MobilePipeline.h"
#include "passes/PassManager.h"
#include "passes/VulkanPartition.h"
#include "passes/XnnpackPartition.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>

using namespace irc;

namespace {

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

std::optional<rt::KernelRegistry> irc::kernelsFor(llvm::StringRef backend) {
  rt::KernelRegistry registry;
  if (backend == rt::xnnpack::Backend)
    rt::xnnpack::registerKernels(registry);
  else if (backend == rt::vulkan::Backend)
    rt::vulkan::registerKernels(registry);
  else if (backend == rt::ref::Backend)
    rt::ref::registerKernels(registry);
  else
    return std::nullopt;
  return registry;
}

Compilation::Compilation(const InputLimits &limits)
    : ctx(std::make_unique<Context>()),
      mgr(std::make_unique<llvm::SourceMgr>()),
      handler(std::make_unique<SourceMgrDiagnosticHandler>(*mgr, *ctx)) {
  ctx->setInputLimits(limits);
}

Compilation::~Compilation() { release(); }

void Compilation::release() {
  func = FuncOp();
  module.reset();
  handler.reset();
  ctx.reset();
  mgr.reset();
}

bool Compilation::runPipeline(const std::string &pipeline, std::string &error) {
  if (pipeline.empty())
    return true;
  PassManager pm{PassManagerOptions()};
  if (std::string err = pm.addPipeline(pipeline); !err.empty()) {
    error = err;
    return false;
  }
  return succeeded(pm.run(module->getOperation()));
}

bool Compilation::load(const std::string &path, const std::string &name,
                       std::string &error) {
  function = name;
  bool archive = isTorchScriptArchive(path);
  if (archive) {
    module = importTorchScript(path, *ctx, *mgr);
  } else {
    auto buffer = llvm::MemoryBuffer::getFile(path);
    if (!buffer) {
      error = "cannot read '" + path + "': " + buffer.getError().message();
      return false;
    }
    mgr->AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
    module = parseSourceFile(*mgr, *ctx);
  }
  if (!module)
    return false;
  // Freezing makes an archive one program, keeping the function to run.
  if (archive &&
      !runPipeline(name == "forward" ? "freeze"
                                     : "freeze{preserve-methods=" + name + "}",
                   error))
    return false;
  for (FuncOp f : getFunctions(module->getOperation()))
    if (f.getName() == name && !f.isPrivate())
      func = f;
  if (!func) {
    error = "the model has no function '" + name + "'";
    return false;
  }
  return true;
}

bool Compilation::compile(llvm::ArrayRef<Type> argTypes,
                          const CompileOptions &options, rt::Plan &plan,
                          std::string &error) {
  const bool xnnpack = options.backend == rt::xnnpack::Backend,
             vulkan = options.backend == rt::vulkan::Backend;
  std::optional<rt::KernelRegistry> registry = kernelsFor(options.backend);
  if (!registry) {
    error = "unknown backend '" + options.backend +
            "' (available: ref, xnnpack, vulkan)";
    return false;
  }
  // Static shapes from the inputs, before the other passes, which then see
  // them (fold-linear-bn needs a known rank, insert-prepack a known dtype).
  if (!options.noOptimize) {
    if (failed(specializeArguments(func.getOperation(), argTypes, error)))
      return false;
    if (!runPipeline("infer-shapes,canonicalize,cse,dce", error))
      return false;
  }
  // The xnnpack backend runs what the cpu pipeline makes, the vulkan one
  // what the vulkan pipeline makes.
  if (options.optimizeForMobile ||
      ((xnnpack || vulkan) && !options.noOptimize)) {
    std::string asked = options.optimizeForMobile.value_or("");
    std::string target = vulkan ? "vulkan" : asked.empty() ? "cpu" : asked;
    if (vulkan && !asked.empty() && asked != "vulkan") {
      error = "--backend=vulkan runs the vulkan mobile pipeline";
      return false;
    }
    std::vector<std::string> preserved;
    if (function != "forward")
      preserved.push_back(function);
    std::string mobile =
        buildMobilePipeline(target, options.mobileBlocklist, error, preserved);
    if (!error.empty() || !runPipeline(mobile, error))
      return false;
  } else if (!options.mobileBlocklist.empty()) {
    error = "--mobile-blocklist needs --optimize-for-mobile";
    return false;
  }
  // The xnnpack backend runs what XNNPACK can in NHWC partitions, the
  // vulkan backend what has shaders in partitions on the device.
  if (xnnpack && !options.noOptimize && !runPipeline(XnnpackPipeline, error))
    return false;
  if (vulkan && !options.noOptimize && !runPipeline(VulkanPipeline, error))
    return false;
  if (options.printPlacement)
    printOpPlacement(module->getOperation(), options.backend);
  if (options.printIR)
    module->getOperation()->print(llvm::errs());
  return succeeded(
      lowerToPlan(module->getOperation(), *registry, options.backend, plan));
}
