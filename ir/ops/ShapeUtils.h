//===- ShapeUtils.h - Helpers for result shape rules ------------*- C++ -*-===//
#ifndef IRC_IR_OPS_SHAPEUTILS_H
#define IRC_IR_OPS_SHAPEUTILS_H

#include "ir/Module.h"
#include "ir/ops/OpHooks.h"

namespace irc {

/// The result of a shape rule that knows nothing: an unranked tensor of the
/// given dtype.
inline LogicalResult unknownShape(Operation *op,
                                  llvm::SmallVectorImpl<Type> &results,
                                  DType dt = DType::Unknown) {
  results.push_back(getUnrankedTensorType(op->getContext(), dt));
  return success();
}

/// Spatial parameters given as one value or one per spatial dim
/// (`stride=2` or `stride=[2, 1]`): expands to `n` entries; false when not
/// constant or of another length.
inline bool matchSpatialList(Value *v, unsigned n,
                             llvm::SmallVectorImpl<int64_t> &out) {
  if (!matchConstantIntList(v, out))
    return false;
  if (out.size() == 1)
    out.assign(n, out[0]);
  return out.size() == n;
}

/// Normalizes a possibly negative dim against `rank`; false if out of range.
inline bool normalizeDim(int64_t &dim, int64_t rank) {
  if (dim < -rank || dim >= rank)
    return false;
  if (dim < 0)
    dim += rank;
  return true;
}

inline bool isStatic(int64_t d) { return d != kDynamic; }

/// `t` with dtype `dt`, ranked or not as `t` is.
inline Type withDType(Type t, DType dt) {
  Context &ctx = t.getContext();
  return t.hasRank() ? getTensorType(ctx, t.getShape(), dt)
                     : getUnrankedTensorType(ctx, dt);
}

/// The dtype of TorchScript's ScalarType code (6 is float32), or Unknown.
inline DType dtypeFromScalarTypeCode(int64_t code) {
  switch (code) {
  case 0:
    return DType::U8;
  case 1:
    return DType::I8;
  case 2:
    return DType::I16;
  case 3:
    return DType::I32;
  case 4:
    return DType::I64;
  case 5:
    return DType::F16;
  case 6:
    return DType::F32;
  case 7:
    return DType::F64;
  case 9:
    return DType::C64;
  case 10:
    return DType::C128;
  case 11:
    return DType::Bool;
  case 15:
    return DType::BF16;
  default:
    return DType::Unknown;
  }
}

/// The dtype a `ScalarType? dtype` operand asks for: `fallback` when it is
/// none, the constant's dtype, or Unknown when it is not constant.
inline DType matchDTypeOperand(Value *v, DType fallback) {
  if (v->getType().isNone())
    return fallback;
  int64_t code;
  return matchConstantInt(v, code) ? dtypeFromScalarTypeCode(code)
                                   : DType::Unknown;
}

/// A list of ints some of whose elements are constant: a constant list, or
/// a prim.list_construct whose non-constant elements become kDynamic.
inline bool matchPartialIntList(Value *v, llvm::SmallVectorImpl<int64_t> &out) {
  if (matchConstantIntList(v, out))
    return true;
  Operation *def = v->getDefiningOp();
  if (!def || !def->is(OpId::PrimListConstruct))
    return false;
  out.clear();
  for (Value *e : def->getOperands()) {
    int64_t x;
    if (!e->getType().isInt())
      return false;
    out.push_back(matchConstantInt(e, x) ? x : kDynamic);
  }
  return true;
}

/// PyTorch's promote_types on two dtypes; Unknown when either is unknown,
/// complex or quantized.
DType promoteTypes(DType a, DType b);

/// The dtype of an elementwise result under PyTorch's type promotion
/// (at::result_type): `tensors` are the tensor operands' types, `scalars`
/// the types of Scalar operands (i64, f64, bool: Python numbers, which
/// count for less; a float number is float32, the default dtype). Unknown
/// when a dtype is unknown, or when a tensor's rank is unknown and whether
/// it is zero-dim decides.
DType resultDType(llvm::ArrayRef<Type> tensors, llvm::ArrayRef<Type> scalars);

} // namespace irc

#endif
