//===- Shape.cpp - Shape rules of view, reshape, flatten and cat ----------===//
#include "ir/ops/ShapeUtils.h"

using namespace irc;

LogicalResult irc::inferReshape(Operation *op,
                                llvm::SmallVectorImpl<Type> &results) {
  Type input = op->getOperand(0)->getType();
  llvm::SmallVector<int64_t, 4> shape;
  if (!matchConstantIntList(op->getOperand(1), shape))
    return unknownShape(op, results, input.getDType());
  int inferred = -1;
  int64_t known = 1;
  for (unsigned i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (inferred >= 0)
        return op->emitOpError() << "only one dimension can be -1";
      inferred = i;
      continue;
    }
    if (shape[i] < 0)
      return op->emitOpError() << "invalid size " << shape[i];
    if (__builtin_mul_overflow(known, shape[i], &known))
      return op->emitOpError() << "the requested shape overflows 64 bits";
  }
  if (input.hasStaticShape()) {
    int64_t n = input.getNumElements();
    bool ok = inferred >= 0 ? known != 0 && n % known == 0 : n == known;
    if (!ok)
      return op->emitOpError() << "cannot reshape " << input << " (" << n
                               << " elements) into the requested shape";
    if (inferred >= 0)
      shape[inferred] = n / known;
  } else if (inferred >= 0) {
    shape[inferred] = kDynamic;
  }
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferFlatten(Operation *op,
                                llvm::SmallVectorImpl<Type> &results) {
  Type input = op->getOperand(0)->getType();
  int64_t start, end;
  if (!input.hasRank() || !matchConstantInt(op->getOperand(1), start) ||
      !matchConstantInt(op->getOperand(2), end))
    return unknownShape(op, results, input.getDType());
  int64_t rank = input.getRank();
  if (rank == 0) {
    results.push_back(getTensorType(op->getContext(), {1}, input.getDType()));
    return success();
  }
  if (!normalizeDim(start, rank) || !normalizeDim(end, rank) || start > end)
    return op->emitOpError()
           << "invalid dims [" << start << ", " << end << "] for " << input;
  auto shape = llvm::to_vector<4>(input.getShape().take_front(start));
  int64_t flat = 1;
  for (int64_t i = start; i <= end; ++i) {
    int64_t d = input.getShape()[i];
    flat = (!isStatic(flat) || !isStatic(d)) ? kDynamic : flat * d;
  }
  shape.push_back(flat);
  llvm::append_range(shape, input.getShape().drop_front(end + 1));
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferCat(Operation *op,
                            llvm::SmallVectorImpl<Type> &results) {
  Operation *list = op->getOperand(0)->getDefiningOp();
  int64_t dim;
  if (!list || !list->is(OpId::PrimListConstruct) ||
      list->getNumOperands() == 0 || !matchConstantInt(op->getOperand(1), dim))
    return unknownShape(op, results);
  Type first = list->getOperand(0)->getType();
  DType dt = first.getDType();
  for (Value *v : list->getOperands())
    if (!v->getType().hasRank() || v->getType().getDType() != dt)
      return unknownShape(op, results);
  int64_t rank = first.getRank();
  if (!normalizeDim(dim, rank))
    return op->emitOpError()
           << "dim " << dim << " is out of range for " << first;
  auto shape = llvm::to_vector<4>(first.getShape());
  shape[dim] = 0;
  for (Value *v : list->getOperands()) {
    Type t = v->getType();
    if (t.getRank() != rank)
      return op->emitOpError()
             << "tensors of different ranks: " << first << " and " << t;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t d = t.getShape()[i];
      if (i == dim)
        shape[i] =
            (isStatic(shape[i]) && isStatic(d)) ? shape[i] + d : kDynamic;
      else if (isStatic(d) && isStatic(shape[i]) && d != shape[i])
        return op->emitOpError() << "sizes differ outside dim " << dim << ": "
                                 << first << " and " << t;
      else if (!isStatic(shape[i]))
        shape[i] = d;
    }
  }
  results.push_back(getTensorType(op->getContext(), shape, dt));
  return success();
}
