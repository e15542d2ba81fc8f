//===- Elementwise.cpp - Shape rules of elementwise and reduction ops -----===//
//
// Result dtypes follow PyTorch's type promotion (at::result_type): among
// tensors of the same category (dimensioned, zero-dim) dtypes promote;
// zero-dim tensors and Python numbers only count when they are of a higher
// kind (bool < integer < floating) than the dimensioned tensors.
//
//===----------------------------------------------------------------------===//
#include "ir/ops/ShapeUtils.h"
#include <optional>

using namespace irc;

static bool isPromotable(DType dt) {
  return dt == DType::Bool || isIntegerDType(dt) || isFloatDType(dt);
}

DType irc::promoteTypes(DType a, DType b) {
  if (a == b)
    return a;
  if (!isPromotable(a) || !isPromotable(b))
    return DType::Unknown;
  if (a == DType::Bool)
    return b;
  if (b == DType::Bool)
    return a;
  bool fa = isFloatDType(a), fb = isFloatDType(b);
  if (fa && fb) {
    auto rank = [](DType d) {
      return d == DType::F64 ? 3 : d == DType::F32 ? 2 : 1;
    };
    if (rank(a) == rank(b)) // f16 and bf16
      return DType::F32;
    return rank(a) > rank(b) ? a : b;
  }
  if (fa || fb)
    return fa ? a : b;
  if (a == DType::U8 || b == DType::U8) {
    DType other = a == DType::U8 ? b : a;
    return other == DType::I8 ? DType::I16 : other;
  }
  auto rank = [](DType d) {
    return d == DType::I64 ? 4 : d == DType::I32 ? 3 : d == DType::I16 ? 2 : 1;
  };
  return rank(a) > rank(b) ? a : b;
}

namespace {
/// at::native::ResultTypeState: the promoted dtypes of each category.
struct ResultTypeState {
  std::optional<DType> dim, zero, wrapped;

  static void update(std::optional<DType> &slot, DType dt) {
    slot = slot ? promoteTypes(*slot, dt) : dt;
  }
  /// at::native::combine_categories.
  static std::optional<DType> combine(std::optional<DType> higher,
                                      std::optional<DType> lower) {
    if (!higher)
      return lower;
    if (!lower || isFloatDType(*higher))
      return higher;
    if (*higher == DType::Bool || isFloatDType(*lower))
      return promoteTypes(*higher, *lower);
    return higher;
  }
  DType result() const {
    std::optional<DType> r = combine(dim, combine(zero, wrapped));
    return r ? *r : DType::Unknown;
  }
};
} // namespace

DType irc::resultDType(llvm::ArrayRef<Type> tensors,
                       llvm::ArrayRef<Type> scalars) {
  ResultTypeState base;
  for (Type s : scalars) {
    DType dt = s.isInt()     ? DType::I64
               : s.isFloat() ? DType::F32 // the default dtype
               : s.isBool()  ? DType::Bool
                             : DType::Unknown;
    if (dt == DType::Unknown)
      return DType::Unknown;
    ResultTypeState::update(base.wrapped, dt);
  }
  llvm::SmallVector<unsigned, 2> unranked;
  for (unsigned i = 0; i < tensors.size(); ++i) {
    if (!isPromotable(tensors[i].getDType()))
      return DType::Unknown;
    if (!tensors[i].hasRank())
      unranked.push_back(i);
  }
  if (unranked.size() > 4)
    return DType::Unknown;
  // A tensor of unknown rank may be zero-dim or not: try both and require
  // one answer.
  std::optional<DType> answer;
  for (unsigned mask = 0; mask < (1u << unranked.size()); ++mask) {
    ResultTypeState state = base;
    for (unsigned i = 0, u = 0; i < tensors.size(); ++i) {
      bool zeroDim;
      if (tensors[i].hasRank())
        zeroDim = tensors[i].getRank() == 0;
      else
        zeroDim = mask & (1u << u++);
      ResultTypeState::update(zeroDim ? state.zero : state.dim,
                              tensors[i].getDType());
    }
    DType dt = state.result();
    if (answer && *answer != dt)
      return DType::Unknown;
    answer = dt;
  }
  return answer ? *answer : DType::Unknown;
}

LogicalResult irc::inferSameAsFirst(Operation *op,
                                    llvm::SmallVectorImpl<Type> &results) {
  results.push_back(op->getOperand(0)->getType());
  return success();
}

LogicalResult irc::inferBroadcast(Operation *op,
                                  llvm::SmallVectorImpl<Type> &results) {
  Type a = op->getOperand(0)->getType(), b = op->getOperand(1)->getType();
  DType dt = resultDType({a, b}, {});
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

LogicalResult irc::inferScalarBroadcast(Operation *op,
                                        llvm::SmallVectorImpl<Type> &results) {
  // (Tensor self, Scalar other, ...): self's shape, promoted with a number.
  Type a = op->getOperand(0)->getType();
  results.push_back(
      withDType(a, resultDType({a}, {op->getOperand(1)->getType()})));
  return success();
}

/// True division gives a floating result: integral and bool dtypes become
/// the default float32.
static DType trueDivide(DType dt) {
  return isIntegerDType(dt) || dt == DType::Bool ? DType::F32 : dt;
}

LogicalResult irc::inferTrueDivide(Operation *op,
                                   llvm::SmallVectorImpl<Type> &results) {
  bool scalar = op->is(OpId::AtenDivScalar) || op->is(OpId::AtenDivScalarMode);
  if (failed(scalar ? inferScalarBroadcast(op, results)
                    : inferBroadcast(op, results)))
    return failure();
  Type t = results.back();
  DType dt = t.getDType();
  if (op->is(OpId::AtenDivTensorMode) || op->is(OpId::AtenDivScalarMode)) {
    // rounding_mode: none divides truly; "trunc" and "floor" keep the
    // promoted dtype.
    Value *mode = op->getOperand(2);
    if (mode->getType().isNone())
      dt = trueDivide(dt);
    else if (!getConstantValue(mode) ||
             !getConstantValue(mode).is(Attribute::Kind::String))
      dt = DType::Unknown;
  } else {
    dt = trueDivide(dt);
  }
  results.back() = withDType(t, dt);
  return success();
}

LogicalResult irc::inferCompareTensor(Operation *op,
                                      llvm::SmallVectorImpl<Type> &results) {
  if (failed(inferBroadcast(op, results)))
    return failure();
  results.back() = withDType(results.back(), DType::Bool);
  return success();
}

LogicalResult irc::inferUnaryFloat(Operation *op,
                                   llvm::SmallVectorImpl<Type> &results) {
  // sigmoid, tanh and friends compute in floating point: integral and bool
  // inputs give float32.
  Type a = op->getOperand(0)->getType();
  DType dt = a.getDType();
  if (isIntegerDType(dt) || dt == DType::Bool)
    dt = DType::F32;
  else if (!isFloatDType(dt))
    dt = DType::Unknown;
  results.push_back(withDType(a, dt));
  return success();
}

LogicalResult irc::inferClamp(Operation *op,
                              llvm::SmallVectorImpl<Type> &results) {
  // (Tensor self, Scalar? min, Scalar? max): a floating self keeps its
  // dtype; otherwise the bounds take part in type promotion.
  Type a = op->getOperand(0)->getType();
  DType dt = a.getDType();
  if (!isFloatDType(dt)) {
    llvm::SmallVector<Type, 2> scalars;
    for (unsigned i = 1; i < 3 && dt != DType::Unknown; ++i) {
      Type t = op->getOperand(i)->getType();
      if (t.getKind() == Type::Kind::Optional)
        dt = DType::Unknown; // present or not decides
      else if (!t.isNone())
        scalars.push_back(t);
    }
    if (dt != DType::Unknown)
      dt = resultDType({a}, scalars);
  }
  results.push_back(withDType(a, dt));
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
  results.push_back(
      withDType(a, matchDTypeOperand(op->getOperand(2), a.getDType())));
  return success();
}

LogicalResult irc::inferSum(Operation *op,
                            llvm::SmallVectorImpl<Type> &results) {
  DType dt = op->getOperand(0)->getType().getDType();
  // Integral and bool sums accumulate in int64, as in PyTorch.
  if (isIntegerDType(dt) || dt == DType::Bool)
    dt = DType::I64;
  dt = matchDTypeOperand(op->getOperand(1), dt);
  results.push_back(getTensorType(op->getContext(), {}, dt));
  return success();
}

LogicalResult irc::inferMean(Operation *op,
                             llvm::SmallVectorImpl<Type> &results) {
  DType dt = op->getOperand(0)->getType().getDType();
  dt = matchDTypeOperand(op->getOperand(1), dt);
  results.push_back(getTensorType(op->getContext(), {}, dt));
  return success();
}

/// Which dims of `input` (ranked) the `int[1]? dim` operand `dims`
/// reduces: none or an empty list reduce all. False when not constant.
static LogicalResult matchReducedDims(Operation *op, Type input, Value *dims,
                                      llvm::SmallVectorImpl<bool> &reduced,
                                      bool &known) {
  int64_t rank = input.getRank();
  reduced.assign(rank, false);
  llvm::SmallVector<int64_t, 4> list;
  known = dims->getType().isNone() || matchConstantIntList(dims, list);
  if (!known)
    return success();
  if (list.empty()) {
    reduced.assign(rank, true);
    return success();
  }
  for (int64_t d : list) {
    if (!normalizeDim(d, std::max<int64_t>(rank, 1)))
      return op->emitOpError()
             << "dim " << d << " is out of range for " << input;
    if (rank && reduced[d])
      return op->emitOpError() << "dim " << d << " appears twice";
    if (rank)
      reduced[d] = true;
  }
  return success();
}

/// The shape of `input` with the `reduced` dims dropped or, with
/// `keepdim`, set to 1.
static Type reduceShape(Type input, llvm::ArrayRef<bool> reduced, bool keepdim,
                        DType dt) {
  llvm::SmallVector<int64_t, 4> shape;
  for (unsigned i = 0; i < input.getRank(); ++i)
    if (!reduced[i])
      shape.push_back(input.getShape()[i]);
    else if (keepdim)
      shape.push_back(1);
  return getTensorType(input.getContext(), shape, dt);
}

LogicalResult irc::inferReduceDims(Operation *op,
                                   llvm::SmallVectorImpl<Type> &results) {
  // mean.dim and sum.dim_IntList: (Tensor self, int[1]? dim, bool keepdim,
  // *, ScalarType? dtype).
  Type input = op->getOperand(0)->getType();
  DType dt = input.getDType();
  if (op->is(OpId::AtenSumDimIntList) &&
      (isIntegerDType(dt) || dt == DType::Bool))
    dt = DType::I64;
  dt = matchDTypeOperand(op->getOperand(3), dt);
  Attribute keep = getConstantValue(op->getOperand(2));
  if (!input.hasRank() || !keep || !keep.is(Attribute::Kind::Bool))
    return unknownShape(op, results, dt);
  llvm::SmallVector<bool, 4> reduced;
  bool known;
  if (failed(matchReducedDims(op, input, op->getOperand(1), reduced, known)))
    return failure();
  if (!known) {
    if (!keep.getBool())
      return unknownShape(op, results, dt);
    // Same rank; any dim may have become 1.
    llvm::SmallVector<int64_t, 4> shape(input.getRank(), kDynamic);
    results.push_back(getTensorType(op->getContext(), shape, dt));
    return success();
  }
  results.push_back(reduceShape(input, reduced, keep.getBool(), dt));
  return success();
}

LogicalResult
irc::inferReduceDimWithIndices(Operation *op,
                               llvm::SmallVectorImpl<Type> &results) {
  // max.dim and min.dim: (Tensor self, int dim, bool keepdim) -> (values,
  // indices).
  Type input = op->getOperand(0)->getType();
  DType dt = input.getDType();
  Attribute keep = getConstantValue(op->getOperand(2));
  int64_t dim;
  if (!input.hasRank() || !keep || !keep.is(Attribute::Kind::Bool) ||
      !matchConstantInt(op->getOperand(1), dim)) {
    (void)unknownShape(op, results, dt);
    return unknownShape(op, results, DType::I64);
  }
  int64_t rank = input.getRank();
  if (!normalizeDim(dim, std::max<int64_t>(rank, 1)))
    return op->emitOpError()
           << "dim " << dim << " is out of range for " << input;
  llvm::SmallVector<bool, 4> reduced(rank, false);
  if (rank)
    reduced[dim] = true;
  results.push_back(reduceShape(input, reduced, keep.getBool(), dt));
  results.push_back(reduceShape(input, reduced, keep.getBool(), DType::I64));
  return success();
}

LogicalResult irc::inferArgmax(Operation *op,
                               llvm::SmallVectorImpl<Type> &results) {
  // (Tensor self, int? dim=None, bool keepdim=False) -> int64 indices.
  Type input = op->getOperand(0)->getType();
  Attribute keep = getConstantValue(op->getOperand(2));
  if (!input.hasRank() || !keep || !keep.is(Attribute::Kind::Bool))
    return unknownShape(op, results, DType::I64);
  int64_t rank = input.getRank(), dim;
  llvm::SmallVector<bool, 4> reduced(rank, false);
  if (op->getOperand(1)->getType().isNone()) {
    if (keep.getBool()) // versions differ on the shape this gives
      return unknownShape(op, results, DType::I64);
    reduced.assign(rank, true);
  } else if (matchConstantInt(op->getOperand(1), dim)) {
    if (!normalizeDim(dim, std::max<int64_t>(rank, 1)))
      return op->emitOpError()
             << "dim " << dim << " is out of range for " << input;
    if (rank)
      reduced[dim] = true;
  } else {
    return unknownShape(op, results, DType::I64);
  }
  results.push_back(reduceShape(input, reduced, keep.getBool(), DType::I64));
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
