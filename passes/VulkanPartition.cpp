//===- VulkanPartition.cpp - vulkan-partition -----------------------------===//
//
// Matches: runs of consecutive ops of a block that the Vulkan backend has
// shaders for, on float32 tensors of static shape (whyNotVulkan says which
// and why not): vk.conv2d_run, vk.conv_transpose2d_run and vk.linear_run
// with folded parameters; vk.gru_run and vk.lstm_run (not training);
// add/sub/mul/div (Tensor and Scalar, in-place
// forms, _add_relu) with broadcasting over up to 6 dims; relu, relu6,
// hardtanh, clamp, clamp_min/max, hardswish, hardsigmoid, sigmoid, tanh,
// leaky_relu, elu; max_pool2d, avg_pool2d, adaptive_avg_pool2d; mean and
// sum over consecutive dims; softmax and log_softmax; layer_norm; bmm and
// matmul without broadcast batch dims; embedding by int64 indices that are
// an input of the partition (reshapes and transfers of int64 tensors join
// for them); view, reshape, flatten, contiguous, (un)squeeze; transpose,
// permute, select and slice; cat; chunk/split with their
// prim.list_unpack; and the vk.to_vulkan / vk.to_cpu transfers that
// vulkan-automatic-gpu-transfer put at the functions' edges. Constants (and
// lists of them) in between do not break a run (passes/Partitioning.h).
// Produces: one `vk.partition` per run with at least one op that computes;
// its operands are uploaded and its results downloaded, so an op left out
// runs on the host between a download and an upload.
//
//===----------------------------------------------------------------------===//
#include "passes/VulkanPartition.h"
#include "ir/Module.h"
#include "ir/Packed.h"
#include "passes/Partitioning.h"
#include "passes/Pass.h"

#include "llvm/ADT/StringSwitch.h"

using namespace irc;

namespace {

/// An int64 tensor of static shape: embedding indices, which reshapes and
/// transfers pass on unchanged.
bool isI64Static(Type t) {
  return t && t.isTensor() && t.hasStaticShape() && t.getDType() == DType::I64;
}

std::string reason(Operation *op) {
  llvm::StringRef name = op->getName();
  if (op->getNumRegions())
    return "control flow";
  bool alias =
      isReshapeOp(op) || op->is(OpId::VkToVulkan) || op->is(OpId::VkToCpu);
  if (alias && isI64Static(op->getOperand(0)->getType()) &&
      isI64Static(op->getResult(0)->getType()))
    return "";
  if (name == "aten.embedding") {
    if (!isF32Static(op->getOperand(0)->getType()) ||
        op->getOperand(0)->getType().getShape().size() != 2)
      return "weight is not a 2-d float32 tensor of static shape";
    if (!isI64Static(op->getOperand(1)->getType()))
      return "indices are not an int64 tensor of static shape";
    if (!isF32Static(op->getResult(0)->getType()))
      return "result is not a non-empty float32 tensor of static shape";
    return "";
  }
  for (Value *r : op->getResults())
    if (r->getType().isTensor() && !isF32Static(r->getType()))
      return "result is not a non-empty float32 tensor of static shape";
  if (std::optional<std::string> r = listOpReason(op, reason))
    return *r;
  if (std::string r = tensorOpReason(op); !r.empty())
    return r;
  if (name == "vk.conv2d_run" || name == "vk.conv_transpose2d_run" ||
      name == "vk.linear_run") {
    Attribute params = op->getOperand(1)->getDefiningOp()->getAttr("value");
    if (!params || (!params.is(Attribute::Kind::Object) &&
                    !params.is(Attribute::Kind::SymbolRef)))
      return "packed parameters are not folded (run fold-prepack)";
    size_t rank = op->getOperand(0)->getType().getShape().size();
    if (name != "vk.linear_run" && rank != 4)
      return "input is not 4-d (batched NCHW)";
    return "";
  }
  if (isBinaryArithmetic(name)) {
    if (op->getResult(0)->getType().getShape().size() > 6)
      return "more than 6 dims";
    Value *other = op->getOperand(1);
    if (other->getType().isTensor() ? !isF32Static(other->getType())
                                    : !constantDouble(other))
      return "the other operand is not a float32 tensor or a constant number";
    if (name.startswith("aten.div") && op->getNumOperands() > 2 &&
        !isNoneConstant(op->getOperand(2)))
      return "a rounding mode";
    return "";
  }
  bool supported = isActivation(name) ||
                   llvm::StringSwitch<bool>(name)
                       .Cases("aten.max_pool2d", "aten.avg_pool2d",
                              "aten.adaptive_avg_pool2d", true)
                       .Cases("vk.to_vulkan", "vk.to_cpu", "aten.transpose.int",
                              "aten.permute", true)
                       .Cases("aten.select.int", "aten.slice.Tensor", true)
                       .Default(false);
  if (supported || alias) {
    if (name.endswith("pool2d") &&
        op->getOperand(0)->getType().getShape().size() < 3)
      return "input is not 3-d or 4-d";
    if ((name == "aten.transpose.int" || name == "aten.permute" ||
         name == "aten.select.int" || name == "aten.slice.Tensor") &&
        op->getOperand(0)->getType().getShape().size() > 6)
      return "more than 6 dims";
    return "";
  }
  if (name == "aten.mean.dim" || name == "aten.sum.dim_IntList") {
    llvm::SmallVector<int64_t, 4> dims;
    int64_t rank = int64_t(op->getOperand(0)->getType().getShape().size());
    if (!matchConstantIntList(op->getOperand(1), dims))
      return "dims are not a constant list";
    for (int64_t &d : dims)
      d = d < 0 ? d + rank : d;
    llvm::sort(dims);
    for (size_t i = 1; i < dims.size(); ++i)
      if (dims[i] != dims[i - 1] + 1)
        return "dims that are not consecutive";
    if (!isNoneConstant(op->getOperand(3)))
      return "a dtype";
    return "";
  }
  if (name == "aten.softmax.int" || name == "aten.log_softmax.int")
    return isNoneConstant(op->getOperand(2)) ? "" : "a dtype";
  if (name == "vk.gru_run" || name == "vk.lstm_run") {
    unsigned states = name == "vk.lstm_run" ? 2 : 1;
    llvm::SmallVector<PackedField, 8> fields;
    if (!getPackedFields(op->getOperand(1 + states), fields) ||
        fields.size() != 7)
      return "packed parameters are not folded (run fold-prepack)";
    for (unsigned i = 4; i < 7; ++i) // train, bidirectional, batch_first
      if (!fields[i].value || !fields[i].value.is(Attribute::Kind::Bool))
        return "a recurrence whose flags are not constants";
    if (fields[4].value.getBool())
      return "a training recurrence";
    // Two or four tensors per layer and direction; LSTM projections
    // (proj_size) add one more.
    Attribute list = fields[0].value, biases = fields[1].value,
              layers = fields[2].value;
    if (!list || !list.is(Attribute::Kind::List) || !biases ||
        !biases.is(Attribute::Kind::Bool) || !layers ||
        !layers.is(Attribute::Kind::Int))
      return "packed parameters are not folded (run fold-prepack)";
    if (int64_t(list.getList().size()) !=
        layers.getInt() * (fields[5].value.getBool() ? 2 : 1) *
            (biases.getBool() ? 4 : 2))
      return "an LSTM with projections (proj_size)";
    if (op->getOperand(0)->getType().getShape().size() != 3)
      return "input is not (sequence, batch, features)";
    for (unsigned i = 1; i <= states; ++i)
      if (!isF32Static(op->getOperand(i)->getType()) ||
          op->getOperand(i)->getType().getShape().size() != 3)
        return "a state is not a 3-d float32 tensor of static shape";
    return "";
  }
  if (name == "aten.layer_norm") {
    for (unsigned i = 2; i < 4; ++i) {
      Value *v = op->getOperand(i);
      if (v->getType().isTensor() ? !isF32Static(v->getType())
                                  : !isNoneConstant(v))
        return "weight or bias is not a float32 tensor or None";
    }
    return "";
  }
  if (name == "aten.bmm" || name == "aten.matmul") {
    llvm::ArrayRef<int64_t> a = op->getOperand(0)->getType().getShape();
    Type bt = op->getOperand(1)->getType();
    if (!isF32Static(bt))
      return "the other operand is not a non-empty float32 tensor of static "
             "shape";
    llvm::ArrayRef<int64_t> b = bt.getShape();
    if (a.size() < 2 || b.size() < 2)
      return "an operand with fewer than 2 dims";
    if (b.size() > 2 && (a.size() != b.size() ||
                         !std::equal(a.begin(), a.end() - 2, b.begin())))
      return "batch dims that broadcast";
    return "";
  }
  return "no Vulkan shader for this op";
}

PartitionTarget vulkanTarget() { return {OpId::VkPartition, reason}; }

} // namespace

std::string irc::whyNotVulkan(Operation *op) {
  return whyNotInPartition(op, vulkanTarget());
}

std::unique_ptr<Pass> irc::createVulkanPartitionPass() {
  return std::make_unique<PartitionPass>("vulkan-partition", vulkanTarget());
}
