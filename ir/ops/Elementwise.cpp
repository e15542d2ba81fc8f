//===- Elementwise.cpp - Shape rules of elementwise and reduction ops -----===//
#include "ir/ops/ShapeUtils.h"

using namespace irc;

LogicalResult irc::inferSameAsFirst(Operation *op,
                                    llvm::SmallVectorImpl<Type> &results) {
  results.push_back(op->getOperand(0)->getType());
  return success();
}

LogicalResult irc::inferBroadcast(Operation *op,
                                  llvm::SmallVectorImpl<Type> &results) {
  Type a = op->getOperand(0)->getType(), b = op->getOperand(1)->getType();
  // Type promotion is not modelled: mixed dtypes give an unknown dtype.
  DType dt = a.getDType() == b.getDType() ? a.getDType() : DType::Unknown;
  if (!a.hasRank() || !b.hasRank())
    return unknownShape(op, results, dt);
  unsigned rank = std::max(a.getRank(), b.getRank());
  llvm::SmallVector<int64_t, 4> shape(rank, kDynamic);
  for (unsigned i = 0; i < rank; ++i) {
    auto dimOf = [&](Type t) -> int64_t {
      int64_t j = int64_t(i) - int64_t(rank - t.getRank());
      return j < 0 ? 1 : t.getShape()[j];
    };
    int64_t x = dimOf(a), y = dimOf(b);
    if (x == 1)
      shape[i] = y;
    else if (y == 1)
      shape[i] = x;
    else if (!isStatic(x) || !isStatic(y))
      shape[i] = isStatic(x) ? x : y;
    else if (x == y)
      shape[i] = x;
    else
      return op->emitOpError() << "cannot broadcast " << a << " with " << b;
  }
  results.push_back(getTensorType(op->getContext(), shape, dt));
  return success();
}

LogicalResult irc::inferCompareScalar(Operation *op,
                                      llvm::SmallVectorImpl<Type> &results) {
  Type a = op->getOperand(0)->getType();
  Context &ctx = op->getContext();
  results.push_back(a.hasRank() ? getTensorType(ctx, a.getShape(), DType::Bool)
                                : getUnrankedTensorType(ctx, DType::Bool));
  return success();
}

LogicalResult irc::inferSoftmax(Operation *op,
                                llvm::SmallVectorImpl<Type> &results) {
  Type a = op->getOperand(0)->getType();
  int64_t dim;
  if (a.hasRank() && matchConstantInt(op->getOperand(1), dim) &&
      !normalizeDim(dim, std::max<int64_t>(a.getRank(), 1)))
    return op->emitOpError() << "dim " << dim << " is out of range for " << a;
  // An explicit dtype operand changes the result dtype.
  Context &ctx = op->getContext();
  if (!op->getOperand(2)->getType().isNone())
    a = a.hasRank() ? getTensorType(ctx, a.getShape(), DType::Unknown)
                    : getUnrankedTensorType(ctx);
  results.push_back(a);
  return success();
}

LogicalResult irc::inferSum(Operation *op,
                            llvm::SmallVectorImpl<Type> &results) {
  DType dt = op->getOperand(0)->getType().getDType();
  // Integral and bool sums accumulate in int64, as in PyTorch.
  if (isIntegerDType(dt) || dt == DType::Bool)
    dt = DType::I64;
  if (!op->getOperand(1)->getType().isNone())
    dt = DType::Unknown;
  results.push_back(getTensorType(op->getContext(), {}, dt));
  return success();
}

LogicalResult irc::inferNumToTensor(Operation *op,
                                    llvm::SmallVectorImpl<Type> &results) {
  // A rank-0 tensor: int64 for ints, float64 for floats, bool for bools.
  Type a = op->getOperand(0)->getType();
  DType dt = a.isInt()     ? DType::I64
             : a.isFloat() ? DType::F64
             : a.isBool()  ? DType::Bool
                           : DType::Unknown;
  results.push_back(getTensorType(op->getContext(), {}, dt));
  return success();
}
