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

} // namespace irc

#endif
