//===- VulkanAutomaticGpuTransfer.cpp - vulkan-automatic-gpu-transfer -----===//
//
// Matches: every public function (forward and the preserved methods).
// Produces: `vk.to_vulkan` on each tensor argument at the function's start
// (every use then reads the GPU copy) and `vk.to_cpu` on each tensor
// result before the return, so callers pass and receive host tensors while
// everything in between may run on the GPU. Tensors inside lists or tuples
// are not moved. Running the pass twice adds nothing: arguments already
// moved and results already brought back are skipped. PyTorch 2.x's
// transferInputOutputBackends does the same for Vulkan.
//
//===----------------------------------------------------------------------===//
#include "ir/Builder.h"
#include "ir/Module.h"
#include "passes/Pass.h"

using namespace irc;

namespace {

class VulkanAutomaticGpuTransferPass : public Pass {
public:
  llvm::StringRef getArgument() const override {
    return "vulkan-automatic-gpu-transfer";
  }

  LogicalResult run(Operation *module) override {
    for (Operation &op : module->getRegion(0).front())
      if (FuncOp func(op.is(OpId::Func) ? &op : nullptr);
          func && !func.isPrivate())
        transfer(func);
    return success();
  }

private:
  void transfer(FuncOp func) {
    Context &ctx = func->getContext();
    Block &entry = func.getEntryBlock();
    Builder b(ctx);
    b.setInsertionPointToStart(&entry);
    for (Value *arg : entry.getArguments()) {
      if (!arg->getType().isTensor() || isMovedArgument(arg))
        continue;
      Operation *move =
          b.create(func->getLoc(), OpId::VkToVulkan, {arg->getType()}, {arg});
      arg->replaceUsesWithIf(move->getResult(0), [&](OpOperand &use) {
        return use.getOwner() != move;
      });
      ++numInputs;
    }
    Operation *ret = &entry.back();
    b.setInsertionPoint(ret);
    for (unsigned i = 0; i < ret->getNumOperands(); ++i) {
      Value *v = ret->getOperand(i);
      Operation *def = v->getDefiningOp();
      if (!v->getType().isTensor() || (def && def->is(OpId::VkToCpu)))
        continue;
      Operation *move =
          b.create(ret->getLoc(), OpId::VkToCpu, {v->getType()}, {v});
      ret->setOperand(i, move->getResult(0));
      ++numOutputs;
    }
  }
  static bool isMovedArgument(Value *arg) {
    return arg->hasOneUse() &&
           arg->getUses().begin()->getOwner()->is(OpId::VkToVulkan);
  }

  Statistic numInputs{*this, "num-inputs", "Tensor arguments moved to the GPU"};
  Statistic numOutputs{*this, "num-outputs",
                       "Tensor results moved back to the host"};
};
} // namespace

std::unique_ptr<Pass> irc::createVulkanAutomaticGpuTransferPass() {
  return std::make_unique<VulkanAutomaticGpuTransferPass>();
}
