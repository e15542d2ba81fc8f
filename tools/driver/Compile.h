//===- Compile.h - From a model file to a runtime plan ----------*- C++ -*-===//
//
// What irc-run and irc-compile share, so that running a .pt and running
// the .ircm compiled from it execute the same plan: reading the model
// (a TorchScript archive, imported and frozen, or .irc text), giving the
// entry function the argument types of the inputs, the cleanup and mobile
// pipelines, the backend's partitioning and the lowering to a plan.
// Problems are reported through the context's diagnostics (to stderr) or
// as the returned error string.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_TOOLS_DRIVER_COMPILE_H
#define IRC_TOOLS_DRIVER_COMPILE_H

#include "ir/Context.h"
#include "ir/Diagnostics.h"
#include "ir/Module.h"
#include "runtime/Plan.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace irc {

/// The kernels of `backend` ("ref", "xnnpack" or "vulkan"), or nullopt for
/// another name.
std::optional<rt::KernelRegistry> kernelsFor(llvm::StringRef backend);

struct CompileOptions {
  /// "ref", "xnnpack" (the cpu mobile pipeline, then XNNPACK partitions)
  /// or "vulkan" (the vulkan mobile pipeline, then Vulkan partitions).
  std::string backend = "ref";
  /// Run no passes after freezing: the plan runs the model as imported.
  bool noOptimize = false;
  /// The mobile pipeline's target ("cpu" or "vulkan") when asked for
  /// explicitly (the reference backend runs its xnn.* and vk.* ops).
  std::optional<std::string> optimizeForMobile;
  std::vector<std::string> mobileBlocklist;
  /// Print each op's placement (irc-run --print-placement) to stdout, the
  /// final IR to stderr.
  bool printPlacement = false, printIR = false;
};

class Compilation {
public:
  /// Files are read within `limits`.
  explicit Compilation(const InputLimits &limits = {});
  ~Compilation();

  /// Reads `path`: a TorchScript archive is imported and frozen, keeping
  /// `function` (which must exist); .irc text is parsed. Diagnostics go to
  /// stderr; returns false on failure, with `error` set when there is no
  /// diagnostic to show.
  bool load(const std::string &path, const std::string &function,
            std::string &error);
  /// The entry function chosen at load.
  FuncOp entry() const { return func; }
  /// The module, until release().
  Operation *getModuleOp() const {
    return module ? module->getOperation() : nullptr;
  }
  Context &context() { return *ctx; }

  /// Compiles the module into `plan` for `options.backend`. Unless
  /// options.noOptimize, first gives the entry function `argTypes` (the
  /// inputs' types; its declared ones keep it as it is) and cleans up
  /// (infer-shapes, canonicalize, cse, dce), so that the passes after it
  /// see static shapes. Returns false on failure.
  bool compile(llvm::ArrayRef<Type> argTypes, const CompileOptions &options,
               rt::Plan &plan, std::string &error);

  /// Frees the IR (folded weights, the archive's mapping where no plan
  /// tensor uses it).
  void release();

private:
  bool runPipeline(const std::string &pipeline, std::string &error);

  std::unique_ptr<Context> ctx;
  std::unique_ptr<llvm::SourceMgr> mgr;
  std::unique_ptr<SourceMgrDiagnosticHandler> handler;
  std::optional<Module> module;
  FuncOp func;
  std::string function;
};

} // namespace irc

#endif // IRC_TOOLS_DRIVER_COMPILE_H
