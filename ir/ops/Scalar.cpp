//===- Scalar.cpp - Folding TorchScript int, float and bool ops -----------===//
//
// Folds follow Python semantics as TorchScript does: floor division and
// remainder round toward negative infinity, int arithmetic wraps at 64 bits,
// and anything that would raise at run time (division by zero, a float that
// does not fit an int) is left alone so the model still raises.
//
//===----------------------------------------------------------------------===//
#include "ir/Module.h"
#include "ir/ops/OpHooks.h"
#include <cmath>

using namespace irc;

static int64_t wrap(uint64_t v) { return int64_t(v); }

/// Folds `x op identity` to x for ints (immutable, so no aliasing concern).
static Value *foldIdentity(Operation *op, llvm::ArrayRef<Attribute> c) {
  auto isInt = [&](unsigned i, int64_t v) {
    return c[i] && c[i].is(Attribute::Kind::Int) && c[i].getInt() == v;
  };
  auto isFloat = [&](unsigned i, double v, bool negZero) {
    return c[i] && c[i].is(Attribute::Kind::Float) && c[i].getFloat() == v &&
           std::signbit(c[i].getFloat()) == negZero;
  };
  switch (op->getId()) {
  case OpId::AtenAddInt:
    return isInt(1, 0)   ? op->getOperand(0)
           : isInt(0, 0) ? op->getOperand(1)
                         : nullptr;
  case OpId::AtenSubInt:
    return isInt(1, 0) ? op->getOperand(0) : nullptr;
  case OpId::AtenMulInt:
  case OpId::AtenFloordivInt:
    if (isInt(1, 1))
      return op->getOperand(0);
    return op->is(OpId::AtenMulInt) && isInt(0, 1) ? op->getOperand(1)
                                                   : nullptr;
  // x + -0.0 == x for every float including -0.0; x + 0.0 is not (-0.0).
  case OpId::AtenAddFloat:
    return isFloat(1, 0.0, true) ? op->getOperand(0) : nullptr;
  case OpId::AtenSubFloat:
    return isFloat(1, 0.0, false) ? op->getOperand(0) : nullptr;
  case OpId::AtenMulFloat:
  case OpId::AtenDivFloat:
    return isFloat(1, 1.0, false) ? op->getOperand(0) : nullptr;
  default:
    return nullptr;
  }
}

LogicalResult
irc::foldScalarArith(Operation *op, llvm::ArrayRef<Attribute> c,
                     llvm::SmallVectorImpl<OpFoldResult> &results) {
  if (Value *v = foldIdentity(op, c)) {
    results.push_back(v);
    return success();
  }
  if (llvm::any_of(c, [](Attribute a) { return !a; }))
    return failure();
  Context &ctx = op->getContext();
  auto i = [&](unsigned k) { return c[k].getInt(); };
  auto f = [&](unsigned k) { return c[k].getFloat(); };
  // An int or float operand as a double, as C++ converts it in TorchScript's
  // mixed int/float ops.
  auto num = [&](unsigned k) {
    return c[k].is(Attribute::Kind::Int) ? double(c[k].getInt())
                                         : c[k].getFloat();
  };
  auto boolResult = [&](bool v) {
    results.push_back(getBoolAttr(ctx, v));
    return success();
  };
  auto intResult = [&](int64_t v) {
    results.push_back(getIntAttr(ctx, v));
    return success();
  };
  auto floatResult = [&](double v) {
    results.push_back(getFloatAttr(ctx, v));
    return success();
  };
  switch (op->getId()) {
  case OpId::AtenAddInt:
    return intResult(wrap(uint64_t(i(0)) + uint64_t(i(1))));
  case OpId::AtenSubInt:
    return intResult(wrap(uint64_t(i(0)) - uint64_t(i(1))));
  case OpId::AtenMulInt:
    return intResult(wrap(uint64_t(i(0)) * uint64_t(i(1))));
  case OpId::AtenNegInt:
    return intResult(wrap(0 - uint64_t(i(0))));
  case OpId::AtenFloordivInt: {
    int64_t a = i(0), b = i(1);
    if (b == 0 || (a == INT64_MIN && b == -1))
      return failure();
    int64_t q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0)))
      --q;
    return intResult(q);
  }
  case OpId::AtenRemainderInt: {
    int64_t a = i(0), b = i(1);
    if (b == 0)
      return failure();
    if (b == -1)
      return intResult(0);
    int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0)))
      r += b;
    return intResult(r);
  }
  case OpId::AtenDivInt:
    if (i(1) == 0)
      return failure();
    return floatResult(double(i(0)) / double(i(1)));
  case OpId::AtenAddFloat:
    return floatResult(f(0) + f(1));
  case OpId::AtenSubFloat:
    return floatResult(f(0) - f(1));
  case OpId::AtenMulFloat:
    return floatResult(f(0) * f(1));
  case OpId::AtenDivFloat:
    if (f(1) == 0.0)
      return failure();
    return floatResult(f(0) / f(1));
  case OpId::AtenNegFloat:
    return floatResult(-f(0));
  case OpId::AtenIntFloat: {
    double v = std::trunc(f(0));
    if (!std::isfinite(v) || v < -9223372036854775808.0 ||
        v >= 9223372036854775808.0)
      return failure();
    return intResult(int64_t(v));
  }
  case OpId::AtenFloatInt:
    return floatResult(double(i(0)));
  case OpId::AtenAddIntFloat:
  case OpId::AtenAddFloatInt:
    return floatResult(num(0) + num(1));
  case OpId::AtenSubIntFloat:
  case OpId::AtenSubFloatInt:
    return floatResult(num(0) - num(1));
  case OpId::AtenMulIntFloat:
  case OpId::AtenMulFloatInt:
    return floatResult(num(0) * num(1));
  case OpId::AtenIntBool:
    return intResult(c[0].getBool() ? 1 : 0);
  case OpId::AtenFloatBool:
    return floatResult(c[0].getBool() ? 1.0 : 0.0);
  case OpId::AtenBoolInt:
    return boolResult(i(0) != 0);
  case OpId::AtenBoolFloat:
    return boolResult(f(0) != 0.0); // NaN is true, as in Python
  case OpId::AtenAndInt:
    return intResult(i(0) & i(1));
  case OpId::AtenOrInt:
    return intResult(i(0) | i(1));
  case OpId::PrimMinInt:
    return intResult(std::min(i(0), i(1)));
  case OpId::PrimMaxInt:
    return intResult(std::max(i(0), i(1)));
  // NaN handling differs between implementations: leave NaN alone.
  case OpId::PrimMinFloat:
  case OpId::PrimMaxFloat:
    if (std::isnan(f(0)) || std::isnan(f(1)))
      return failure();
    return floatResult(op->is(OpId::PrimMinFloat) ? std::min(f(0), f(1))
                                                  : std::max(f(0), f(1)));
  case OpId::PrimAbsInt:
    if (i(0) == INT64_MIN)
      return failure(); // overflows
    return intResult(i(0) < 0 ? -i(0) : i(0));
  case OpId::PrimAbsFloat:
    return floatResult(std::fabs(f(0)));
  default:
    return failure();
  }
}

/// TorchScript's ScalarType code of a dtype, or -1 (c10/core/ScalarType.h).
static int64_t scalarTypeCode(DType dt) {
  switch (dt) {
  case DType::U8:
    return 0;
  case DType::I8:
    return 1;
  case DType::I16:
    return 2;
  case DType::I32:
    return 3;
  case DType::I64:
    return 4;
  case DType::F16:
    return 5;
  case DType::F32:
    return 6;
  case DType::F64:
    return 7;
  case DType::C64:
    return 9;
  case DType::C128:
    return 10;
  case DType::Bool:
    return 11;
  case DType::QI8:
    return 12;
  case DType::QU8:
    return 13;
  case DType::QI32:
    return 14;
  case DType::BF16:
    return 15;
  case DType::QU4x2:
    return 16;
  case DType::Unknown:
    return -1;
  }
  return -1;
}

LogicalResult irc::foldPrimDType(Operation *op, llvm::ArrayRef<Attribute>,
                                 llvm::SmallVectorImpl<OpFoldResult> &results) {
  int64_t code = scalarTypeCode(op->getOperand(0)->getType().getDType());
  if (code < 0)
    return failure();
  results.push_back(getIntAttr(op->getContext(), code));
  return success();
}

LogicalResult
irc::foldScalarCompare(Operation *op, llvm::ArrayRef<Attribute> c,
                       llvm::SmallVectorImpl<OpFoldResult> &results) {
  Context &ctx = op->getContext();
  auto boolResult = [&](bool v) {
    results.push_back(getBoolAttr(ctx, v));
    return success();
  };
  // Ints are never NaN: x == x and friends fold without constants.
  if (op->getNumOperands() == 2 && op->getOperand(0) == op->getOperand(1)) {
    switch (op->getId()) {
    case OpId::AtenEqInt:
    case OpId::AtenLeInt:
    case OpId::AtenGeInt:
    case OpId::AtenEqBool:
    case OpId::AtenEqStr:
    case OpId::AtenLeStr:
    case OpId::AtenGeStr:
      return boolResult(true);
    case OpId::AtenNeInt:
    case OpId::AtenLtInt:
    case OpId::AtenGtInt:
    case OpId::AtenNeBool:
    case OpId::AtenNeStr:
    case OpId::AtenLtStr:
    case OpId::AtenGtStr:
      return boolResult(false);
    default:
      break;
    }
  }
  if (llvm::any_of(c, [](Attribute a) { return !a; }))
    return failure();
  auto i = [&](unsigned k) { return c[k].getInt(); };
  auto f = [&](unsigned k) { return c[k].getFloat(); };
  auto b = [&](unsigned k) { return c[k].getBool(); };
  // Mixed int/float compares convert the int to double, as C++ does.
  auto num = [&](unsigned k) {
    return c[k].is(Attribute::Kind::Int) ? double(c[k].getInt())
                                         : c[k].getFloat();
  };
  // Strings compare bytewise, as std::string does.
  auto cmp = [&]() { return c[0].getString().compare(c[1].getString()); };
  switch (op->getId()) {
  case OpId::AtenEqInt:
    return boolResult(i(0) == i(1));
  case OpId::AtenNeInt:
    return boolResult(i(0) != i(1));
  case OpId::AtenLtInt:
    return boolResult(i(0) < i(1));
  case OpId::AtenLeInt:
    return boolResult(i(0) <= i(1));
  case OpId::AtenGtInt:
    return boolResult(i(0) > i(1));
  case OpId::AtenGeInt:
    return boolResult(i(0) >= i(1));
  case OpId::AtenEqFloat:
    return boolResult(f(0) == f(1));
  case OpId::AtenNeFloat:
    return boolResult(f(0) != f(1));
  case OpId::AtenLtFloat:
    return boolResult(f(0) < f(1));
  case OpId::AtenLeFloat:
    return boolResult(f(0) <= f(1));
  case OpId::AtenGtFloat:
    return boolResult(f(0) > f(1));
  case OpId::AtenGeFloat:
    return boolResult(f(0) >= f(1));
  case OpId::AtenEqBool:
    return boolResult(b(0) == b(1));
  case OpId::AtenNeBool:
    return boolResult(b(0) != b(1));
  case OpId::AtenAndBool:
    return boolResult(b(0) && b(1));
  case OpId::AtenOrBool:
    return boolResult(b(0) || b(1));
  case OpId::AtenNot:
    return boolResult(!b(0));
  case OpId::AtenEqIntFloat:
  case OpId::AtenEqFloatInt:
    return boolResult(num(0) == num(1));
  case OpId::AtenNeIntFloat:
  case OpId::AtenNeFloatInt:
    return boolResult(num(0) != num(1));
  case OpId::AtenLtIntFloat:
  case OpId::AtenLtFloatInt:
    return boolResult(num(0) < num(1));
  case OpId::AtenLeIntFloat:
  case OpId::AtenLeFloatInt:
    return boolResult(num(0) <= num(1));
  case OpId::AtenGtIntFloat:
  case OpId::AtenGtFloatInt:
    return boolResult(num(0) > num(1));
  case OpId::AtenGeIntFloat:
  case OpId::AtenGeFloatInt:
    return boolResult(num(0) >= num(1));
  case OpId::AtenEqStr:
    return boolResult(cmp() == 0);
  case OpId::AtenNeStr:
    return boolResult(cmp() != 0);
  case OpId::AtenLtStr:
    return boolResult(cmp() < 0);
  case OpId::AtenLeStr:
    return boolResult(cmp() <= 0);
  case OpId::AtenGtStr:
    return boolResult(cmp() > 0);
  case OpId::AtenGeStr:
    return boolResult(cmp() >= 0);
  default:
    return failure();
  }
}
