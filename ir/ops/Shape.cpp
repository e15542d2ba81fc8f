//===- Shape.cpp - Shape rules of views, indexing, conversions, factories -===//
#include "ir/ops/ShapeUtils.h"
#include <algorithm>

using namespace irc;

LogicalResult irc::inferReshape(Operation *op,
                                llvm::SmallVectorImpl<Type> &results) {
  Type input = op->getOperand(0)->getType();
  // Sizes that are not constant are unknown dims (and might be -1).
  llvm::SmallVector<int64_t, 4> shape;
  if (!matchPartialIntList(op->getOperand(1), shape))
    return unknownShape(op, results, input.getDType());
  int inferred = -1;
  int64_t known = 1;
  bool allKnown = true;
  for (unsigned i = 0; i < shape.size(); ++i) {
    if (!isStatic(shape[i])) {
      allKnown = false;
      continue;
    }
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
  if (input.hasStaticShape() && allKnown) {
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

LogicalResult irc::inferTranspose(Operation *op,
                                  llvm::SmallVectorImpl<Type> &results) {
  Type input = op->getOperand(0)->getType();
  int64_t d0, d1;
  if (!input.hasRank() || !matchConstantInt(op->getOperand(1), d0) ||
      !matchConstantInt(op->getOperand(2), d1))
    return unknownShape(op, results, input.getDType());
  int64_t rank = input.getRank();
  if (!normalizeDim(d0, std::max<int64_t>(rank, 1)) ||
      !normalizeDim(d1, std::max<int64_t>(rank, 1)))
    return op->emitOpError() << "dims " << d0 << " and " << d1
                             << " are out of range for " << input;
  auto shape = llvm::to_vector<4>(input.getShape());
  if (rank)
    std::swap(shape[d0], shape[d1]);
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferPermute(Operation *op,
                                llvm::SmallVectorImpl<Type> &results) {
  Type input = op->getOperand(0)->getType();
  llvm::SmallVector<int64_t, 6> dims;
  if (!input.hasRank() || !matchConstantIntList(op->getOperand(1), dims))
    return unknownShape(op, results, input.getDType());
  int64_t rank = input.getRank();
  if (int64_t(dims.size()) != rank)
    return op->emitOpError() << "has " << dims.size() << " dims for " << input;
  llvm::SmallVector<int64_t, 6> shape;
  llvm::SmallVector<bool, 6> seen(size_t(rank), false);
  for (int64_t d : dims) {
    if (!normalizeDim(d, std::max<int64_t>(rank, 1)) || seen[size_t(d)])
      return op->emitOpError()
             << "dims are not a permutation of the dims of " << input;
    seen[size_t(d)] = true;
    shape.push_back(input.getShape()[size_t(d)]);
  }
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferT(Operation *op, llvm::SmallVectorImpl<Type> &results) {
  // aten.t: transposes a matrix; 0-D and 1-D tensors are left as they are.
  Type input = op->getOperand(0)->getType();
  if (!input.hasRank())
    return unknownShape(op, results, input.getDType());
  if (input.getRank() > 2)
    return op->emitOpError()
           << "expects a tensor of at most 2 dims, got " << input;
  auto shape = llvm::to_vector<2>(input.getShape());
  std::reverse(shape.begin(), shape.end());
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferUnsqueeze(Operation *op,
                                  llvm::SmallVectorImpl<Type> &results) {
  Type input = op->getOperand(0)->getType();
  int64_t dim;
  if (!input.hasRank() || !matchConstantInt(op->getOperand(1), dim))
    return unknownShape(op, results, input.getDType());
  if (!normalizeDim(dim, input.getRank() + 1))
    return op->emitOpError()
           << "dim " << dim << " is out of range for " << input;
  auto shape = llvm::to_vector<4>(input.getShape());
  shape.insert(shape.begin() + dim, 1);
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferSqueeze(Operation *op,
                                llvm::SmallVectorImpl<Type> &results) {
  // aten.squeeze drops every size-1 dim, aten.squeeze.dim the one given if
  // its size is 1. An unknown size might be 1: the rank is then unknown.
  Type input = op->getOperand(0)->getType();
  if (!input.hasRank())
    return unknownShape(op, results, input.getDType());
  int64_t rank = input.getRank();
  llvm::SmallVector<bool, 4> candidate(rank, true);
  if (op->is(OpId::AtenSqueezeDim)) {
    int64_t dim;
    if (!matchConstantInt(op->getOperand(1), dim))
      return unknownShape(op, results, input.getDType());
    if (!normalizeDim(dim, std::max<int64_t>(rank, 1)))
      return op->emitOpError()
             << "dim " << dim << " is out of range for " << input;
    candidate.assign(rank, false);
    if (rank)
      candidate[dim] = true;
  }
  llvm::SmallVector<int64_t, 4> shape;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = input.getShape()[i];
    if (candidate[i] && !isStatic(d))
      return unknownShape(op, results, input.getDType());
    if (!candidate[i] || d != 1)
      shape.push_back(d);
  }
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferSelect(Operation *op,
                               llvm::SmallVectorImpl<Type> &results) {
  // select.int(self, dim, index): drops dim.
  Type input = op->getOperand(0)->getType();
  int64_t dim;
  if (!input.hasRank() || !matchConstantInt(op->getOperand(1), dim))
    return unknownShape(op, results, input.getDType());
  if (input.getRank() == 0 || !normalizeDim(dim, input.getRank()))
    return op->emitOpError()
           << "dim " << dim << " is out of range for " << input;
  auto shape = llvm::to_vector<4>(input.getShape());
  shape.erase(shape.begin() + dim);
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferSlice(Operation *op,
                              llvm::SmallVectorImpl<Type> &results) {
  // slice.Tensor(self, dim=0, start=None, end=None, step=1), with Python's
  // clamping of start and end.
  Type input = op->getOperand(0)->getType();
  int64_t dim;
  if (!input.hasRank() || !matchConstantInt(op->getOperand(1), dim))
    return unknownShape(op, results, input.getDType());
  if (input.getRank() == 0 || !normalizeDim(dim, input.getRank()))
    return op->emitOpError()
           << "dim " << dim << " is out of range for " << input;
  auto shape = llvm::to_vector<4>(input.getShape());
  int64_t size = shape[dim], step;
  shape[dim] = kDynamic;
  auto bound = [&](Value *v, int64_t dflt, int64_t &out) {
    if (v->getType().isNone()) {
      out = dflt;
      return true;
    }
    if (!matchConstantInt(v, out))
      return false;
    if (out < 0)
      out = out < -size ? 0 : out + size;
    out = std::min(out, size);
    return true;
  };
  int64_t start, end;
  if (matchConstantInt(op->getOperand(4), step) && step <= 0)
    return op->emitOpError() << "slice step must be positive, got " << step;
  if (isStatic(size) && matchConstantInt(op->getOperand(4), step) &&
      bound(op->getOperand(2), 0, start) && bound(op->getOperand(3), size, end))
    shape[dim] = end > start ? (end - start + step - 1) / step : 0;
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferIndexSelect(Operation *op,
                                    llvm::SmallVectorImpl<Type> &results) {
  // index_select(self, dim, index): dim gets the index's length.
  Type input = op->getOperand(0)->getType();
  Type index = op->getOperand(2)->getType();
  int64_t dim;
  if (!input.hasRank() || !matchConstantInt(op->getOperand(1), dim))
    return unknownShape(op, results, input.getDType());
  if (!normalizeDim(dim, std::max<int64_t>(input.getRank(), 1)))
    return op->emitOpError()
           << "dim " << dim << " is out of range for " << input;
  if (index.hasRank() && index.getRank() > 1)
    return op->emitOpError() << "index must be 0-D or 1-D, got " << index;
  auto shape = llvm::to_vector<4>(input.getShape());
  if (!shape.empty())
    shape[dim] = !index.hasRank()       ? kDynamic
                 : index.getRank() == 0 ? 1
                                        : index.getShape()[0];
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferPad(Operation *op,
                            llvm::SmallVectorImpl<Type> &results) {
  // pad(self, pad, ...): (before, after) pairs from the last dim backwards.
  Type input = op->getOperand(0)->getType();
  llvm::SmallVector<int64_t, 8> pad;
  if (!input.hasRank() || !matchConstantIntList(op->getOperand(1), pad))
    return unknownShape(op, results, input.getDType());
  if (pad.size() % 2 || pad.size() / 2 > input.getRank())
    return op->emitOpError() << "pad list of " << pad.size()
                             << " elements does not fit " << input;
  auto shape = llvm::to_vector<4>(input.getShape());
  for (size_t j = 0; j < pad.size() / 2; ++j) {
    int64_t &d = shape[shape.size() - 1 - j];
    if (isStatic(d))
      d += pad[2 * j] + pad[2 * j + 1];
    if (isStatic(d) && d < 0)
      return op->emitOpError() << "padding gives a negative size";
  }
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferTo(Operation *op,
                           llvm::SmallVectorImpl<Type> &results) {
  // The aten.to overloads: self's shape, the dtype they ask for.
  Type input = op->getOperand(0)->getType();
  DType dt = input.getDType();
  switch (op->getId()) {
  case OpId::AtenToDtype:       // (self, ScalarType dtype, ...)
  case OpId::AtenToDtypeLayout: // (self, *, ScalarType? dtype, ...)
  case OpId::AtenToPrimDtype:   // (self, int? dtype, ...)
    dt = matchDTypeOperand(op->getOperand(1), dt);
    break;
  case OpId::AtenToDevice:     // (self, Device, ScalarType dtype, ...)
  case OpId::AtenToPrimDevice: // (self, Device?, int? dtype, ...)
    dt = matchDTypeOperand(op->getOperand(2), dt);
    break;
  case OpId::AtenToOther: // (self, Tensor other, ...)
    dt = op->getOperand(1)->getType().getDType();
    break;
  default:
    break;
  }
  results.push_back(withDType(input, dt));
  return success();
}

LogicalResult irc::inferFactory(Operation *op,
                                llvm::SmallVectorImpl<Type> &results) {
  // zeros, ones, empty, rand, randn (size, *, dtype, ...) and full (size,
  // fill_value, *, dtype, ...). Without a dtype, full takes the fill
  // value's kind and the others the default float32.
  bool full = op->is(OpId::AtenFull);
  DType dflt = DType::F32;
  if (full) {
    Type fill = op->getOperand(1)->getType();
    dflt = fill.isInt()     ? DType::I64
           : fill.isBool()  ? DType::Bool
           : fill.isFloat() ? DType::F32
                            : DType::Unknown;
  }
  DType dt = matchDTypeOperand(op->getOperand(full ? 2 : 1), dflt);
  llvm::SmallVector<int64_t, 4> shape;
  if (!matchPartialIntList(op->getOperand(0), shape) ||
      llvm::any_of(shape, [](int64_t d) { return isStatic(d) && d < 0; }))
    return unknownShape(op, results, dt);
  results.push_back(getTensorType(op->getContext(), shape, dt));
  return success();
}

LogicalResult irc::inferLike(Operation *op,
                             llvm::SmallVectorImpl<Type> &results) {
  // zeros_like(self, *, dtype, ...): self's shape.
  Type input = op->getOperand(0)->getType();
  results.push_back(
      withDType(input, matchDTypeOperand(op->getOperand(1), input.getDType())));
  return success();
}

LogicalResult irc::inferScalarTensor(Operation *op,
                                     llvm::SmallVectorImpl<Type> &results) {
  // tensor.float/int/bool(t, *, dtype, ...): a 0-D tensor of the number.
  Type t = op->getOperand(0)->getType();
  DType dflt = t.isInt() ? DType::I64 : t.isBool() ? DType::Bool : DType::F32;
  DType dt = matchDTypeOperand(op->getOperand(1), dflt);
  results.push_back(getTensorType(op->getContext(), {}, dt));
  return success();
}
