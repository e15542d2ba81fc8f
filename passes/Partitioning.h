//===- Partitioning.h - Grouping runs of ops into partition ops -*- C++ -*-===//
//
// What xnnpack-partition and vulkan-partition share: a backend says which
// ops it can run (a reason otherwise), and runs of consecutive such ops of a
// block become one isolated partition op (`xnn.partition`, `vk.partition`)
// whose region holds them and copies of the constants they use, with the
// values used after the run as its results. A partition computes into
// buffers of its own, so views copy and in-place ops write a new buffer:
// an alias analysis from the schemas keeps that invisible.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_PASSES_PARTITIONING_H
#define IRC_PASSES_PARTITIONING_H

#include "ir/Operation.h"
#include "passes/Pass.h"

#include "llvm/ADT/StringRef.h"

#include <functional>
#include <optional>
#include <string>

namespace irc {

/// A backend's partitions.
struct PartitionTarget {
  /// The partition op made (OpId::XnnPartition, OpId::VkPartition).
  OpId partition;
  /// Why the backend cannot run `op` in a partition, or "" when it can. A
  /// prim.list_construct is judged by its user, prim.list_unpack with the
  /// op whose list it takes apart.
  std::function<std::string(Operation *)> reason;
};

/// A backend's partition pass (`xnnpack-partition`, `vulkan-partition`):
/// partitions every function of the module for its target.
class PartitionPass : public Pass {
public:
  PartitionPass(llvm::StringRef argument, PartitionTarget target)
      : argument(argument), target(std::move(target)) {}
  llvm::StringRef getArgument() const override { return argument; }
  LogicalResult run(Operation *module) override;

private:
  llvm::StringRef argument;
  PartitionTarget target;
  Statistic numPartitions{*this, "num-partitions", "Partitions made"};
  Statistic numOps{*this, "num-ops", "Ops moved into partitions"};
};

/// Why `op` stays out of `target`'s partitions, or "" when it can go in;
/// an op may still stay out for where it stands (an in-place op on a
/// partition input).
std::string whyNotInPartition(Operation *op, const PartitionTarget &target);

// Helpers for the backends' reasons.

/// Constants and lists of constants: copied into every partition that uses
/// them, never a reason to end one.
bool isFreeOp(Operation *op);
/// A value made by a free op.
bool isConstantValue(Value *v);
/// view, reshape, flatten.using_ints, contiguous.
bool isReshapeOp(Operation *op);
/// aten.add, sub, mul, div (.Tensor, .Scalar, in-place .Tensor) and
/// aten._add_relu[_].Tensor.
bool isBinaryArithmetic(llvm::StringRef name);
/// relu, relu6, hardtanh, clamp, clamp_min, clamp_max, hardswish,
/// hardsigmoid, sigmoid, tanh, leaky_relu, elu, and their in-place forms.
bool isActivation(llvm::StringRef name);
/// A float32 tensor of static shape with at least one element.
bool isF32Static(Type t);
/// "" when `op`'s first operand is a non-empty float32 tensor of static
/// shape and its others are tensors or constants; otherwise why not.
std::string tensorOpReason(Operation *op);
/// Why a backend cannot run one of the ops that move lists, or "": aten.cat
/// of the list built for it, aten.chunk / aten.split.Tensor taken apart by
/// a prim.list_unpack, and that prim.list_unpack (judged with its chunk by
/// `reason`). None for any other op.
std::optional<std::string>
listOpReason(Operation *op,
             const std::function<std::string(Operation *)> &reason);
/// The value of a constant int or float.
std::optional<double> constantDouble(Value *v);
bool isNoneConstant(Value *v);

} // namespace irc

#endif // IRC_PASSES_PARTITIONING_H
