//===- VulkanAutomaticGpuTransfer.cpp - vulkan-automatic-gpu-transfer -----===//
//
// Matches: every public function (forward and the preserved methods).
// Produces: `vk.to_vulkan` on each tensor argument at the function's start
// (every use then reads the GPU copy) and `vk.to_cpu` on each tensor
// result before the return, so callers pass and receive host tensors while
// everything in between may run on the GPU. A tuple result (an RNN's
// output and state) has each tensor in it brought back, through
// prim.tuple_unpack / prim.tuple_construct; tensors inside lists are not
// moved. Running the pass twice adds nothing: arguments already moved and
// results already brought back are skipped. PyTorch 2.x's
// transferInputOutputBackends does the same for Vulkan, tensors only.
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
    for (unsigned i = 0; i < ret->getNumOperands(); ++i)
      if (Value *moved = toCpu(ret->getOperand(i), ret->getLoc(), b))
        ret->setOperand(i, moved);
  }

  /// `v` brought back to the host: a tensor through vk.to_cpu, a tuple
  /// holding tensors rebuilt from its moved members. Null when nothing
  /// needs to move.
  Value *toCpu(Value *v, Location loc, Builder &b) {
    Type type = v->getType();
    Operation *def = v->getDefiningOp();
    if (type.isTensor()) {
      if (def && def->is(OpId::VkToCpu))
        return nullptr;
      ++numOutputs;
      return b.create(loc, OpId::VkToCpu, {type}, {v})->getResult(0);
    }
    if (!type.isTuple() || !llvm::any_of(type.getTupleTypes(), [](Type t) {
          return t.isTensor() || t.isTuple();
        }))
      return nullptr;
    llvm::SmallVector<Value *, 4> members;
    if (def && def->is(OpId::PrimTupleConstruct)) {
      members.append(def->getOperands().begin(), def->getOperands().end());
    } else {
      Operation *unpack =
          b.create(loc, OpId::PrimTupleUnpack, type.getTupleTypes(), {v});
      members = unpack->getResults();
    }
    bool changed = false;
    for (Value *&m : members)
      if (Value *moved = toCpu(m, loc, b)) {
        m = moved;
        changed = true;
      }
    if (!changed)
      return nullptr;
    return b.create(loc, OpId::PrimTupleConstruct, {type}, members)
        ->getResult(0);
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
