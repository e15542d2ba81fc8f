//===- Packed.h - Fields of packed parameters -------------------*- C++ -*-===//
//
// Packed parameters (`!xnn.conv2d_params`, `!vk.linear_params`, ...) are
// made by a prepack op (`xnn.conv2d_prepack`) from a weight, a bias, the
// op's parameters and its clamp bounds. Once their inputs are constant,
// fold-prepack turns them into a module constant: an object of the same
// name whose fields are the prepack op's operands, named by its schema:
//
//   const @packed = object<"xnn.linear_params"> {weight = @w, bias = none,
//       output_min = 0.0, output_max = none} : !xnn.linear_params
//
// These helpers read the fields either way, for shape rules, passes and
// backends.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_PACKED_H
#define IRC_IR_PACKED_H

#include "ir/Module.h"

namespace irc {

/// One field of packed parameters: its type and, when constant, its value
/// (a module constant's value for a `@symbol`).
struct PackedField {
  Type type;
  Attribute value;
};

/// The prepack op that makes packed parameters of type `type`
/// (`!xnn.conv2d_params` is made by xnn.conv2d_prepack), or null.
const OpInfo *getPrepackOp(Type type);

/// Whether `op` is a prepack op (its result is packed parameters).
bool isPrepackOp(Operation *op);

/// The fields of `params`, in the prepack op's operand order: the operands
/// of the prepack op that made them, or the fields of the module constant
/// they were folded into. False when `params` is neither.
bool getPackedFields(Value *params, llvm::SmallVectorImpl<PackedField> &out);

/// The value of `attr` as ints: an int, or a list of ints. False otherwise.
bool getIntsOf(Attribute attr, llvm::SmallVectorImpl<int64_t> &out);

} // namespace irc

#endif // IRC_IR_PACKED_H
