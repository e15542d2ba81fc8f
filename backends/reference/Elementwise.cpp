//===- Elementwise.cpp - Reference elementwise kernels --------------------===//
//
// Activations (relu, relu6, leaky_relu, silu, gelu, hardtanh, hardswish,
// hardsigmoid, sigmoid, tanh), exp/log/sqrt/rsqrt, clamp/clamp_min/
// clamp_max, neg/abs, dropout in eval mode, arithmetic (add, sub, mul, div
// and its rounding modes, floor_divide, remainder, pow, _add_relu),
// maximum/minimum, bitwise and/or/xor, logical_xor, the comparisons, and
// where/masked_fill, in PyTorch 1.13 semantics.
//
// Every op goes through one loop (mapElements): the tensor and scalar
// operands are converted to the dtype the op computes in (torch.result_type
// over them; a Python scalar is a 0-d tensor that only counts when it is of a
// higher category), broadcast against each other, and read through their
// strides, so views and expanded tensors need no copies. The per-element
// function gets values of that dtype and returns the result element.
// Half and bfloat16 compute in float and round on store, each PyTorch
// scalar being rounded to the tensor dtype first as PyTorch does. Float16 is
// accepted by every floating op, also where PyTorch 1.13's CPU kernels lack
// it (relu, silu, gelu, clamp, ...: "not implemented for 'Half'").
//
// In-place variants compute into a fresh tensor and copy it back through
// operand 0's strides (so a view writes into its base and an operand that
// aliases self is read before anything is written), after checking that the
// computed dtype can be cast to self's (no float into an int tensor) and that
// broadcasting does not change self's shape.
//
//===----------------------------------------------------------------------===//

#include "backends/reference/Promote.h"
#include "backends/reference/ReferenceKernels.h"

#include <array>
#include <cmath>
#include <limits>
#include <tuple>
#include <type_traits>

using namespace irc::rt;
using irc::rt::ref::resultType;

namespace {

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

template <typename T>
constexpr bool IsComplex = std::is_same_v<T, std::complex<float>> ||
                           std::is_same_v<T, std::complex<double>>;
template <typename T>
constexpr bool IsReduced =
    std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;
template <typename T>
constexpr bool IsFloat = std::is_floating_point_v<T> || IsReduced<T>;
template <typename T>
constexpr bool IsInt = std::is_integral_v<T> && !std::is_same_v<T, bool>;

/// Converts between element types, complex included (a real converts to a
/// complex with zero imaginary part).
template <typename To, typename From> To toElem(From v) {
  if constexpr (IsComplex<To>) {
    if constexpr (IsComplex<From>)
      return To(v);
    else
      return To(convert<typename To::value_type>(v), 0);
  } else {
    return convert<To>(v);
  }
}

/// A Scalar operand (int, float or bool) as T, converted as PyTorch converts
/// a wrapped number to the computation dtype (static_cast: -1 is 255 as
/// uint8).
template <typename T> T scalarAs(const Value &v) {
  if (v.isDouble())
    return toElem<T>(v.toDouble());
  if (v.isBool())
    return toElem<T>(v.toBool());
  return toElem<T>(v.toInt());
}

/// The largest finite value of T, as double.
template <typename T> double maxOf() {
  if constexpr (std::is_same_v<T, Half>)
    return 65504.0;
  else if constexpr (std::is_same_v<T, BFloat16>)
    return 3.3895313892515355e38;
  else
    return double(std::numeric_limits<T>::max());
}

/// c10::Scalar::to<T>(): like scalarAs, but an int or float that T cannot
/// hold is an Error ("value cannot be converted to type int8 without
/// overflow"). Negative ints may wrap into unsigned types, infinities into
/// floating ones. Used where PyTorch reads a Scalar argument itself (alpha,
/// clamp bounds, pow exponents, leaky_relu's slope) rather than as an
/// operand.
template <typename T> T checkedScalarAs(const Value &v) {
  if constexpr (!IsComplex<T> && !std::is_same_v<T, bool>) {
    bool overflows = false;
    if (v.isInt()) {
      int64_t i = v.toInt();
      if constexpr (IsInt<T>) {
        if constexpr (std::is_unsigned_v<T>)
          overflows = i > int64_t(std::numeric_limits<T>::max()) ||
                      (i < 0 && uint64_t(0) - uint64_t(i) >
                                    uint64_t(std::numeric_limits<T>::max()));
        else
          overflows = i < int64_t(std::numeric_limits<T>::lowest()) ||
                      i > int64_t(std::numeric_limits<T>::max());
      } else {
        overflows = std::fabs(double(i)) > maxOf<T>();
      }
    } else if (v.isDouble()) {
      double d = v.toDouble();
      if constexpr (IsInt<T>)
        overflows =
            std::isnan(d) || d < double(std::numeric_limits<T>::lowest()) ||
            d > maxOf<T>() ||
            // 2^63 itself does not fit int64 although it compares equal.
            (std::is_same_v<T, int64_t> && d >= 9223372036854775808.0);
      else
        overflows =
            !std::isinf(d) && !std::isnan(d) && std::fabs(d) > maxOf<T>();
    }
    if (overflows)
      throw Error("value " + v.describe() + " cannot be converted to type " +
                  dtypeName(dtypeOf<T>()) + " without overflow");
  }
  return scalarAs<T>(v);
}

/// c10::Scalar::toLong().
int64_t checkedScalarToLong(const Value &v) {
  return checkedScalarAs<int64_t>(v);
}

/// The op-math value of a T: float for Half/BFloat16, T otherwise.
template <typename T> opmath_t<T> om(T v) {
  return static_cast<opmath_t<T>>(v);
}
/// Rounds an op-math value back to T.
template <typename T> T st(opmath_t<T> v) {
  if constexpr (IsReduced<T>)
    return T(v);
  else
    return static_cast<T>(v);
}

template <typename T> bool isNaN(T v) {
  if constexpr (IsFloat<T>)
    return std::isnan(om(v));
  else
    return false;
}

//===----------------------------------------------------------------------===//
// Elementary arithmetic on one element type. Integers wrap around (two's
// complement) as PyTorch's do; signed overflow is never undefined here.
//===----------------------------------------------------------------------===//

template <typename T> T addOf(T a, T b) {
  if constexpr (std::is_same_v<T, bool>)
    return a || b;
  else if constexpr (IsInt<T>)
    return T(uint64_t(a) + uint64_t(b));
  else if constexpr (IsReduced<T>)
    return T(float(a) + float(b));
  else
    return a + b;
}

template <typename T> T subOf(T a, T b) {
  if constexpr (std::is_same_v<T, bool>)
    return a != b; // not reached: bool subtraction is an Error
  else if constexpr (IsInt<T>)
    return T(uint64_t(a) - uint64_t(b));
  else if constexpr (IsReduced<T>)
    return T(float(a) - float(b));
  else
    return a - b;
}

template <typename T> T mulOf(T a, T b) {
  if constexpr (std::is_same_v<T, bool>)
    return a && b;
  else if constexpr (IsInt<T>)
    return T(uint64_t(a) * uint64_t(b));
  else if constexpr (IsReduced<T>)
    return T(float(a) * float(b));
  else
    return a * b;
}

template <typename T> T negOf(T a) {
  if constexpr (IsInt<T>)
    return T(uint64_t(0) - uint64_t(a));
  else if constexpr (IsReduced<T>)
    return T(-float(a));
  else
    return -a;
}

/// True division (floating and complex types only).
template <typename T> T divOf(T a, T b) {
  if constexpr (IsReduced<T>)
    return T(float(a) / float(b));
  else
    return a / b;
}

[[noreturn]] void zeroDivision() { throw Error("ZeroDivisionError"); }

/// Division rounded toward zero.
template <typename T> T divTruncOf(T a, T b) {
  if constexpr (IsInt<T>) {
    if (b == 0)
      zeroDivision();
    if constexpr (std::is_signed_v<T>)
      if (b == -1) // min / -1 overflows: wrap as two's complement does
        return negOf(a);
    return T(a / b);
  } else {
    // The quotient is rounded to T before truncating, as c10::Half's and
    // c10::BFloat16's operator/ do.
    return st<T>(std::trunc(om(divOf(a, b))));
  }
}

/// Division rounded toward negative infinity, as Python's `//`
/// (c10::div_floor_integer / div_floor_floating).
template <typename T> T divFloorOf(T a, T b) {
  if constexpr (IsInt<T>) {
    if (b == 0)
      zeroDivision();
    if constexpr (std::is_signed_v<T>) {
      if (b == -1)
        return negOf(a);
      if ((a < 0) != (b < 0)) {
        T quot = T(a / b), rem = T(a % b);
        return rem ? T(quot - 1) : quot;
      }
    }
    return T(a / b);
  } else {
    using M = opmath_t<T>;
    M x = om(a), y = om(b);
    if (y == 0)
      return st<T>(x / y);
    M mod = std::fmod(x, y);
    M div = (x - mod) / y;
    if (mod != 0 && (y < 0) != (mod < 0))
      div -= M(1);
    M floordiv;
    if (div != 0) {
      floordiv = std::floor(div);
      if (div - floordiv > M(0.5))
        floordiv += M(1);
    } else {
      floordiv = std::copysign(M(0), x / y);
    }
    return st<T>(floordiv);
  }
}

/// Python's `%`: the result has the sign of the divisor.
template <typename T> T remainderOf(T a, T b) {
  if constexpr (IsInt<T>) {
    if (b == 0)
      zeroDivision();
    if constexpr (std::is_unsigned_v<T>) {
      return T(a % b);
    } else {
      if (b == -1)
        return T(0);
      T r = T(a % b);
      if (r != 0 && (r < 0) != (b < 0))
        r = T(r + b);
      return r;
    }
  } else {
    using M = opmath_t<T>;
    M x = om(a), y = om(b);
    M mod = std::fmod(x, y);
    if (mod != 0 && (y < 0) != (mod < 0))
      mod += y;
    return st<T>(mod);
  }
}

/// Integer power by squaring (PyTorch's powi): a negative exponent gives 0,
/// except for bases 1 and -1.
template <typename T> T powInt(T a, T b) {
  if constexpr (std::is_signed_v<T>) {
    if (b < 0) {
      if (a == 1)
        return T(1);
      if (a == -1)
        return b % 2 != 0 ? T(-1) : T(1);
      return T(0);
    }
  }
  T result = 1;
  while (b) {
    if (b & 1)
      result = mulOf(result, a);
    b = T(b / 2);
    a = mulOf(a, a);
  }
  return result;
}

template <typename T> T powOf(T a, T b) {
  if constexpr (IsInt<T>)
    return powInt(a, b);
  else
    return st<T>(std::pow(om(a), om(b)));
}

/// maximum/minimum: NaN if either operand is NaN.
template <typename T> T maxOf2(T a, T b) {
  if constexpr (std::is_same_v<T, bool>)
    return a || b;
  else if (isNaN(a) || isNaN(b))
    return isNaN(a) ? a : b;
  else
    return om(a) < om(b) ? b : a;
}
template <typename T> T minOf2(T a, T b) {
  if constexpr (std::is_same_v<T, bool>)
    return a && b;
  else if (isNaN(a) || isNaN(b))
    return isNaN(a) ? a : b;
  else
    return om(b) < om(a) ? b : a;
}

/// std::max(a, lo) then std::min(., hi) as PyTorch's scalar clamp does it:
/// a NaN input stays NaN, a NaN bound is ignored.
template <typename T> T clampScalarOf(T a, T lo, T hi, bool hasLo, bool hasHi) {
  if constexpr (std::is_same_v<T, bool>) {
    if (hasLo)
      a = a || lo;
    if (hasHi)
      a = a && hi;
    return a;
  } else {
    if (hasLo && om(a) < om(lo))
      a = lo;
    if (hasHi && om(hi) < om(a))
      a = hi;
    return a;
  }
}

template <typename T> bool isZero(T v) {
  if constexpr (IsComplex<T>)
    return v == T(0);
  else
    return om(v) == 0;
}

//===----------------------------------------------------------------------===//
// The elementwise loop
//===----------------------------------------------------------------------===//

/// Element categories an op accepts, for dispatchOn.
enum : unsigned {
  CatBool = 1,
  CatInt = 2,
  CatFloat = 4,
  CatComplex = 8,
  CatNumber = CatInt | CatFloat,
  CatReal = CatBool | CatInt | CatFloat,
  CatAll = CatReal | CatComplex,
};

/// Calls `f(T{})` for the element type T of `dtype` if its category is in
/// Cats; otherwise throws "<what> is not implemented for <dtype> tensors".
template <unsigned Cats, typename F>
void dispatchOn(DType dtype, const char *what, F &&f) {
  switch (dtype) {
  case DType::F32:
    if constexpr ((Cats & CatFloat) != 0)
      return f(float{});
    break;
  case DType::F64:
    if constexpr ((Cats & CatFloat) != 0)
      return f(double{});
    break;
  case DType::F16:
    if constexpr ((Cats & CatFloat) != 0)
      return f(Half{});
    break;
  case DType::BF16:
    if constexpr ((Cats & CatFloat) != 0)
      return f(BFloat16{});
    break;
  case DType::I64:
    if constexpr ((Cats & CatInt) != 0)
      return f(int64_t{});
    break;
  case DType::I32:
    if constexpr ((Cats & CatInt) != 0)
      return f(int32_t{});
    break;
  case DType::I16:
    if constexpr ((Cats & CatInt) != 0)
      return f(int16_t{});
    break;
  case DType::I8:
    if constexpr ((Cats & CatInt) != 0)
      return f(int8_t{});
    break;
  case DType::U8:
    if constexpr ((Cats & CatInt) != 0)
      return f(uint8_t{});
    break;
  case DType::Bool:
    if constexpr ((Cats & CatBool) != 0)
      return f(bool{});
    break;
  case DType::C64:
    if constexpr ((Cats & CatComplex) != 0)
      return f(std::complex<float>{});
    break;
  case DType::C128:
    if constexpr ((Cats & CatComplex) != 0)
      return f(std::complex<double>{});
    break;
  default:
    break;
  }
  throw Error(std::string(what) + " is not implemented for " +
              dtypeName(dtype) + " tensors");
}

/// `v` (a tensor or a Scalar) as a tensor of element type T: the tensor
/// itself when it already has that dtype (strided, not copied), else a
/// converted copy; a scalar becomes a 0-d tensor.
template <typename T> Tensor operandAs(const Value &v) {
  if (v.isTensor()) {
    const Tensor &t = v.toTensor();
    return t.dtype() == dtypeOf<T>() ? t : t.to(dtypeOf<T>());
  }
  Tensor s = Tensor::zeros(dtypeOf<T>(), {});
  *s.mutableData<T>() = scalarAs<T>(v);
  return s;
}

/// The broadcast shape of the tensor operands (scalars are 0-d).
template <size_t N>
Shape broadcastOperands(const std::array<const Value *, N> &ins) {
  Shape shape;
  for (const Value *v : ins)
    if (v->isTensor())
      shape = broadcastShapes(shape, v->toTensor().sizes());
  return shape;
}

/// Calls `f(i, offsets)` for each element i of a contiguous tensor of
/// `sizes` in C order, with the element offsets of N strided inputs of that
/// shape.
template <size_t N, typename F>
void forEachElement(const Shape &sizes, const std::array<Shape, N> &strides,
                    F &&f) {
  for (int64_t s : sizes)
    if (s == 0)
      return;
  size_t rank = sizes.size();
  std::vector<int64_t> index(rank, 0);
  std::array<int64_t, N> off{};
  for (int64_t i = 0;; ++i) {
    f(i, off);
    size_t d = rank;
    bool more = false;
    while (d > 0) {
      --d;
      for (size_t k = 0; k < N; ++k)
        off[k] += strides[k][d];
      if (++index[d] < sizes[d]) {
        more = true;
        break;
      }
      for (size_t k = 0; k < N; ++k)
        off[k] -= strides[k][d] * sizes[d];
      index[d] = 0;
    }
    if (!more)
      return;
  }
}

/// out[i] = f(in0[i], ..., inN-1[i]) over the broadcast of the operands
/// (tensors or scalars), each read as T. The result element type is what f
/// returns.
template <typename T, size_t N, typename F>
Tensor mapElements(const std::array<const Value *, N> &ins, F &&f) {
  Shape shape = broadcastOperands(ins);
  std::array<Tensor, N> views;
  std::array<const T *, N> data;
  std::array<Shape, N> strides;
  for (size_t k = 0; k < N; ++k) {
    views[k] = expandTo(operandAs<T>(*ins[k]), shape);
    data[k] = views[k].template data<T>();
    strides[k] = views[k].strides();
  }
  using R = std::decay_t<decltype(std::apply(f, std::array<T, N>{}))>;
  Tensor out = Tensor::zeros(dtypeOf<R>(), shape);
  R *o = out.mutableData<R>();
  forEachElement<N>(
      shape, strides, [&](int64_t i, const std::array<int64_t, N> &off) {
        if constexpr (N == 1)
          o[i] = f(data[0][off[0]]);
        else if constexpr (N == 2)
          o[i] = f(data[0][off[0]], data[1][off[1]]);
        else
          o[i] = f(data[0][off[0]], data[1][off[1]], data[2][off[2]]);
      });
  return out;
}

/// Dispatches on `dtype` (one of the categories Cats, else Error naming
/// `what`) and maps `bind(T{})`, the per-element function for T, over the
/// operands read as T.
template <unsigned Cats, size_t N, typename Bind>
Tensor compute(DType dtype, const char *what,
               const std::array<const Value *, N> &ins, Bind &&bind) {
  Tensor out;
  dispatchOn<Cats>(dtype, what, [&](auto tag) {
    using T = decltype(tag);
    out = mapElements<T>(ins, bind(tag));
  });
  return out;
}

//===----------------------------------------------------------------------===//
// Operands, results and in-place writes
//===----------------------------------------------------------------------===//

/// Operand i, which must be a tensor or a Scalar.
const Value &tensorOrScalar(KernelContext &ctx, size_t i) {
  const Value &v = ctx.operand(i);
  if (!v.isTensor() && !v.isScalar())
    throw Error("expected a tensor or a number as operand " +
                std::to_string(i) + ", got " + v.describe());
  return v;
}

/// Operand i, which must be a Scalar.
const Value &scalarOperand(KernelContext &ctx, size_t i, const char *name) {
  const Value &v = ctx.operand(i);
  if (!v.isScalar())
    throw Error(std::string("expected a number for '") + name + "', got " +
                v.describe());
  return v;
}

DType promote(std::initializer_list<const Value *> operands) {
  return resultType(std::vector<const Value *>(operands));
}

std::string bracketed(const Shape &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// PyTorch's canCast: no complex into a real type, no floating into an
/// integral type, nothing but bool into bool.
bool canCast(DType from, DType to) {
  if (isComplex(from) && !isComplex(to))
    return false;
  if (isFloatingPoint(from) && isIntegral(to, false))
    return false;
  if (from != DType::Bool && to == DType::Bool)
    return false;
  return true;
}

/// Checks that an in-place op computing in `common` may write into self.
void checkInPlaceCast(const Tensor &self, DType common) {
  if (!canCast(common, self.dtype()))
    throw Error(std::string("result type ") + dtypeName(common) +
                " can't be cast to the desired output type " +
                dtypeName(self.dtype()));
}

/// Sets result 0 of an in-place op: copies `result` (computed in `common`)
/// into operand 0 through its strides and returns operand 0.
void writeInPlace(KernelContext &ctx, const Tensor &result, DType common) {
  Tensor self = ctx.tensor(0);
  checkInPlaceCast(self, common);
  if (result.sizes() != self.sizes())
    throw Error("output with shape " + bracketed(self.sizes()) +
                " doesn't match the broadcast shape " +
                bracketed(result.sizes()));
  self.copyFrom(result);
  ctx.setResult(0, ctx.operand(0));
}

/// Sets result 0 to `result`, or for an in-place op writes it into operand 0.
void finish(KernelContext &ctx, bool inPlace, const Tensor &result,
            DType common) {
  if (inPlace)
    writeInPlace(ctx, result, common);
  else
    ctx.setResult(0, result);
}

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

/// An op on floating tensors only, keeping the dtype; `bind(tag)` gives the
/// per-element function on op-math values.
template <typename Bind>
void floatUnary(KernelContext &ctx, const char *what, bool inPlace,
                Bind &&bind) {
  const Value &self = ctx.operand(0);
  DType dtype = ctx.tensor(0).dtype();
  Tensor out = compute<CatFloat, 1>(dtype, what, {&self}, [&](auto tag) {
    using T = decltype(tag);
    auto g = bind(tag);
    return [g](T a) { return st<T>(g(om(a))); };
  });
  finish(ctx, inPlace, out, dtype);
}

void reluImpl(KernelContext &ctx, bool inPlace) {
  DType dtype = ctx.tensor(0).dtype();
  if (dtype == DType::Bool)
    throw Error("Boolean inputs not supported for relu");
  // clamp_min(x, 0): NaN stays NaN, -0.0 stays -0.0.
  Tensor out =
      compute<CatNumber, 1>(dtype, "relu", {&ctx.operand(0)}, [](auto tag) {
        using T = decltype(tag);
        return [](T a) { return om(a) < 0 ? T(0) : a; };
      });
  finish(ctx, inPlace, out, dtype);
}
void relu(KernelContext &ctx) { reluImpl(ctx, false); }
void reluInPlace(KernelContext &ctx) { reluImpl(ctx, true); }

void leakyReluImpl(KernelContext &ctx, bool inPlace) {
  const Value &slope = scalarOperand(ctx, 1, "negative_slope");
  floatUnary(ctx, "leaky_relu", inPlace, [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    M s = om(checkedScalarAs<T>(slope));
    return [s](M x) { return x > 0 ? x : x * s; };
  });
}
void leakyRelu(KernelContext &ctx) { leakyReluImpl(ctx, false); }
void leakyReluInPlace(KernelContext &ctx) { leakyReluImpl(ctx, true); }

/// elu(x, alpha, scale, input_scale): x * scale for x > 0, else
/// (exp(x * input_scale) - 1) * alpha * scale.
void eluImpl(KernelContext &ctx, bool inPlace) {
  const Value &alpha = scalarOperand(ctx, 1, "alpha"),
              &scale = scalarOperand(ctx, 2, "scale"),
              &inputScale = scalarOperand(ctx, 3, "input_scale");
  floatUnary(ctx, "elu", inPlace, [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    M negative = om(checkedScalarAs<T>(alpha)) * om(checkedScalarAs<T>(scale)),
      positive = om(checkedScalarAs<T>(scale)),
      input = om(checkedScalarAs<T>(inputScale));
    return [=](M x) {
      return x > 0 ? x * positive : std::expm1(x * input) * negative;
    };
  });
}
void elu(KernelContext &ctx) { eluImpl(ctx, false); }
void eluInPlace(KernelContext &ctx) { eluImpl(ctx, true); }

void siluImpl(KernelContext &ctx, bool inPlace) {
  floatUnary(ctx, "silu", inPlace, [](auto tag) {
    using M = opmath_t<decltype(tag)>;
    return [](M x) { return x / (M(1) + std::exp(-x)); };
  });
}
void silu(KernelContext &ctx) { siluImpl(ctx, false); }
void siluInPlace(KernelContext &ctx) { siluImpl(ctx, true); }

void hardswishImpl(KernelContext &ctx, bool inPlace) {
  floatUnary(ctx, "hardswish", inPlace, [](auto tag) {
    using M = opmath_t<decltype(tag)>;
    return
        [](M x) { return x * std::min(std::max(x + M(3), M(0)), M(6)) / M(6); };
  });
}
void hardswish(KernelContext &ctx) { hardswishImpl(ctx, false); }
void hardswishInPlace(KernelContext &ctx) { hardswishImpl(ctx, true); }

void hardsigmoidImpl(KernelContext &ctx, bool inPlace) {
  floatUnary(ctx, "hardsigmoid", inPlace, [](auto tag) {
    using M = opmath_t<decltype(tag)>;
    return [](M x) { return std::min(std::max(x + M(3), M(0)), M(6)) / M(6); };
  });
}
void hardsigmoid(KernelContext &ctx) { hardsigmoidImpl(ctx, false); }
void hardsigmoidInPlace(KernelContext &ctx) { hardsigmoidImpl(ctx, true); }

void gelu(KernelContext &ctx) {
  const std::string &approximate = ctx.getString(1);
  bool tanhMode = approximate == "tanh";
  if (!tanhMode && approximate != "none")
    throw Error("approximate argument must be either none or tanh, got '" +
                approximate + "'");
  floatUnary(ctx, "gelu", false, [&](auto tag) {
    using M = opmath_t<decltype(tag)>;
    return [tanhMode](M x) {
      if (tanhMode) {
        const M beta = M(0.7978845608028654); // sqrt(2 / pi)
        const M kappa = M(0.044715);
        M inner = beta * (x + kappa * x * x * x);
        return M(0.5) * x * (M(1) + std::tanh(inner));
      }
      return x * M(0.5) * (M(1) + std::erf(x * M(0.7071067811865476)));
    };
  });
}

/// sigmoid, tanh, exp, log, sqrt and rsqrt: integer and bool tensors give
/// float32 (so their in-place forms reject them: float32 cannot be written
/// into an integer tensor).
template <typename Fn>
void floatingResultUnary(KernelContext &ctx, const char *what, Fn fn,
                         bool inPlace = false) {
  DType dtype = ctx.tensor(0).dtype();
  if (isIntegral(dtype, true))
    dtype = DType::F32;
  Tensor out =
      compute<CatFloat, 1>(dtype, what, {&ctx.operand(0)}, [&](auto tag) {
        using T = decltype(tag);
        return [fn](T a) { return st<T>(fn(om(a))); };
      });
  finish(ctx, inPlace, out, dtype);
}

struct SigmoidFn {
  template <typename M> M operator()(M x) const {
    return M(1) / (M(1) + std::exp(-x));
  }
};
struct TanhFn {
  template <typename M> M operator()(M x) const { return std::tanh(x); }
};
struct ExpFn {
  template <typename M> M operator()(M x) const { return std::exp(x); }
};
struct LogFn {
  template <typename M> M operator()(M x) const { return std::log(x); }
};
struct SqrtFn {
  template <typename M> M operator()(M x) const { return std::sqrt(x); }
};
struct RsqrtFn { // 1 / sqrt(x), as PyTorch computes it (no fast rsqrt)
  template <typename M> M operator()(M x) const { return M(1) / std::sqrt(x); }
};

#define IRC_FLOAT_UNARY(NAME, FN, WHAT)                                        \
  void NAME(KernelContext &ctx) {                                              \
    floatingResultUnary(ctx, WHAT, FN(), false);                               \
  }                                                                            \
  void NAME##InPlace(KernelContext &ctx) {                                     \
    floatingResultUnary(ctx, WHAT, FN(), true);                                \
  }
IRC_FLOAT_UNARY(sigmoid, SigmoidFn, "sigmoid")
IRC_FLOAT_UNARY(tanhKernel, TanhFn, "tanh")
IRC_FLOAT_UNARY(expKernel, ExpFn, "exp")
IRC_FLOAT_UNARY(logKernel, LogFn, "log")
IRC_FLOAT_UNARY(sqrtKernel, SqrtFn, "sqrt")
IRC_FLOAT_UNARY(rsqrtKernel, RsqrtFn, "rsqrt")
#undef IRC_FLOAT_UNARY

void negImpl(KernelContext &ctx, bool inPlace) {
  DType dtype = ctx.tensor(0).dtype();
  if (dtype == DType::Bool)
    throw Error("Negation, the `-` operator, on a bool tensor is not "
                "supported. If you are trying to invert a mask, use the `~` "
                "or `logical_not()` operator instead.");
  Tensor out = compute<CatNumber | CatComplex, 1>(
      dtype, "neg", {&ctx.operand(0)}, [](auto tag) {
        using T = decltype(tag);
        return [](T a) { return negOf(a); };
      });
  finish(ctx, inPlace, out, dtype);
}
void neg(KernelContext &ctx) { negImpl(ctx, false); }
void negInPlace(KernelContext &ctx) { negImpl(ctx, true); }

void absImpl(KernelContext &ctx, bool inPlace) {
  DType dtype = ctx.tensor(0).dtype();
  Tensor out =
      compute<CatNumber, 1>(dtype, "abs", {&ctx.operand(0)}, [](auto tag) {
        using T = decltype(tag);
        return [](T a) {
          if constexpr (std::is_unsigned_v<T>)
            return a;
          else if constexpr (IsInt<T>)
            return a < 0 ? negOf(a) : a;
          else
            return st<T>(std::fabs(om(a)));
        };
      });
  finish(ctx, inPlace, out, dtype);
}
void abs(KernelContext &ctx) { absImpl(ctx, false); }
void absInPlace(KernelContext &ctx) { absImpl(ctx, true); }

void isFloatingPointKernel(KernelContext &ctx) {
  ctx.setResult(0, Value(isFloatingPoint(ctx.tensor(0).dtype())));
}

/// clamp with Scalar bounds (either may be None, not both): computes in
/// result_type(self, min, max), the bounds read with c10::Scalar::to.
Tensor clampScalars(const Value &self, const Value &lo, const Value &hi,
                    DType dtype, const char *what) {
  bool hasLo = !lo.isNone(), hasHi = !hi.isNone();
  return compute<CatNumber, 1>(dtype, what, {&self}, [&](auto tag) {
    using T = decltype(tag);
    T l = hasLo ? checkedScalarAs<T>(lo) : T(0);
    T h = hasHi ? checkedScalarAs<T>(hi) : T(0);
    return [=](T a) { return clampScalarOf(a, l, h, hasLo, hasHi); };
  });
}

void checkBound(const Value &v, const char *name) {
  if (!v.isNone() && !v.isScalar())
    throw Error(std::string("expected a number or None for '") + name +
                "', got " + v.describe());
}

void clampImpl(KernelContext &ctx, bool inPlace) {
  const Value &self = ctx.operand(0), &lo = ctx.operand(1),
              &hi = ctx.operand(2);
  ctx.tensor(0);
  checkBound(lo, "min");
  checkBound(hi, "max");
  if (lo.isNone() && hi.isNone())
    throw Error("torch.clamp: At least one of 'min' or 'max' must not be None");
  DType dtype = promote({&self, &lo, &hi});
  finish(ctx, inPlace, clampScalars(self, lo, hi, dtype, "clamp"), dtype);
}
void clamp(KernelContext &ctx) { clampImpl(ctx, false); }
void clampInPlace(KernelContext &ctx) { clampImpl(ctx, true); }

void clampTensorImpl(KernelContext &ctx, bool inPlace) {
  const Value &self = ctx.operand(0), &lo = ctx.operand(1),
              &hi = ctx.operand(2);
  ctx.tensor(0);
  for (const Value *v : {&lo, &hi})
    if (!v->isNone() && !v->isTensor())
      throw Error("expected a tensor or None as a clamp bound, got " +
                  v->describe());
  if (lo.isNone() && hi.isNone())
    throw Error("torch.clamp: At least one of 'min' or 'max' must not be None");
  DType dtype = promote({&self, &lo, &hi});
  // A NaN anywhere (input or bound) gives NaN.
  Tensor out;
  if (!lo.isNone() && !hi.isNone()) {
    // Unlike one bound, two bound tensors do not take bool.
    out =
        compute<CatNumber, 3>(dtype, "clamp", {&self, &lo, &hi}, [](auto tag) {
          using T = decltype(tag);
          return [](T a, T l, T h) {
            if (isNaN(l) || isNaN(h))
              return isNaN(l) ? l : h;
            return clampScalarOf(a, l, h, true, true);
          };
        });
  } else {
    bool isMin = !lo.isNone();
    out = compute<CatReal, 2>(dtype, "clamp", {&self, isMin ? &lo : &hi},
                              [isMin](auto tag) {
                                using T = decltype(tag);
                                return [isMin](T a, T b) {
                                  if (isNaN(b))
                                    return b;
                                  return clampScalarOf(a, b, b, isMin, !isMin);
                                };
                              });
  }
  finish(ctx, inPlace, out, dtype);
}
void clampTensor(KernelContext &ctx) { clampTensorImpl(ctx, false); }
void clampTensorInPlace(KernelContext &ctx) { clampTensorImpl(ctx, true); }

/// clamp_min and clamp_max with a Scalar or a Tensor bound, in place or not:
/// computes in result_type(self, bound); unlike clamp's Scalar bounds, a NaN
/// bound gives NaN everywhere. A Scalar bound is read with c10::Scalar::to
/// (an Error when it does not fit) and bool results are refused, as
/// PyTorch's clamp_min kernel has no bool version; a bool tensor bound is
/// fine.
void clampOneImpl(KernelContext &ctx, bool isMin, bool inPlace) {
  const Value &self = ctx.operand(0);
  ctx.tensor(0);
  const Value &bound = tensorOrScalar(ctx, 1);
  const char *what = isMin ? "clamp_min" : "clamp_max";
  DType dtype = promote({&self, &bound});
  Tensor out;
  if (bound.isTensor()) {
    out = compute<CatReal, 2>(dtype, what, {&self, &bound}, [isMin](auto tag) {
      using T = decltype(tag);
      return [isMin](T a, T b) {
        if (isNaN(b))
          return b;
        return clampScalarOf(a, b, b, isMin, !isMin);
      };
    });
  } else {
    out = compute<CatNumber, 1>(dtype, what, {&self}, [&](auto tag) {
      using T = decltype(tag);
      T b = checkedScalarAs<T>(bound);
      return [isMin, b](T a) {
        if (isNaN(b))
          return b;
        return clampScalarOf(a, b, b, isMin, !isMin);
      };
    });
  }
  finish(ctx, inPlace, out, dtype);
}
void clampMin(KernelContext &ctx) { clampOneImpl(ctx, true, false); }
void clampMinInPlace(KernelContext &ctx) { clampOneImpl(ctx, true, true); }
void clampMax(KernelContext &ctx) { clampOneImpl(ctx, false, false); }
void clampMaxInPlace(KernelContext &ctx) { clampOneImpl(ctx, false, true); }

/// hardtanh(self, lo, hi), also relu6 (hardtanh with 0 and 6).
void hardtanhWith(KernelContext &ctx, const Value &lo, const Value &hi,
                  bool inPlace) {
  const Value &self = ctx.operand(0);
  DType dtype = ctx.tensor(0).dtype();
  if (dtype == DType::Bool)
    throw Error("Bool inputs not supported for hardtanh");
  Tensor out;
  // The bounds do not promote: an integer tensor truncates them to ints.
  if (isIntegral(dtype, false)) {
    Value l(checkedScalarToLong(lo)), h(checkedScalarToLong(hi));
    if (dtype == DType::U8 && (l.toInt() < 0 || h.toInt() < 0))
      throw Error(
          "cannot do hardtanh on an unsigned type with negative limits");
    out = clampScalars(self, l, h, dtype, "hardtanh");
  } else {
    out = clampScalars(self, lo, hi, dtype, "hardtanh");
  }
  finish(ctx, inPlace, out, dtype);
}
void hardtanhImpl(KernelContext &ctx, bool inPlace) {
  hardtanhWith(ctx, scalarOperand(ctx, 1, "min_val"),
               scalarOperand(ctx, 2, "max_val"), inPlace);
}
void hardtanh(KernelContext &ctx) { hardtanhImpl(ctx, false); }
void hardtanhInPlace(KernelContext &ctx) { hardtanhImpl(ctx, true); }
// relu6 is hardtanh(self, 0, 6) in PyTorch 1.13, with its checks.
void relu6(KernelContext &ctx) {
  hardtanhWith(ctx, Value(int64_t(0)), Value(int64_t(6)), false);
}
void relu6InPlace(KernelContext &ctx) {
  hardtanhWith(ctx, Value(int64_t(0)), Value(int64_t(6)), true);
}

/// dropout, feature_dropout, alpha_dropout, feature_alpha_dropout and their
/// in-place forms (PyTorch's _dropout_impl): the identity (the input itself)
/// in eval mode or with p == 0; zeros with p == 1 (input * 0, so NaN stays
/// NaN); training with 0 < p < 1 is random and an Error.
void dropoutImpl(KernelContext &ctx, bool inPlace) {
  const Tensor &input = ctx.tensor(0);
  double p = ctx.getDouble(1);
  bool train = ctx.getBool(2);
  if (!(p >= 0 && p <= 1))
    throw Error("dropout probability has to be between 0 and 1, but got " +
                Value(p).describe());
  if (p == 0 || !train || input.numel() == 0) {
    ctx.setResult(0, ctx.operand(0));
    return;
  }
  if (p < 1)
    throw Error("training-mode dropout (p = " + Value(p).describe() +
                ") is random and not supported; run the model in eval mode");
  Value zero(int64_t(0));
  Tensor out = compute<CatAll, 2>(input.dtype(), "dropout",
                                  {&ctx.operand(0), &zero}, [](auto tag) {
                                    using T = decltype(tag);
                                    return [](T a, T z) { return mulOf(a, z); };
                                  });
  finish(ctx, inPlace, out, input.dtype());
}
void dropout(KernelContext &ctx) { dropoutImpl(ctx, false); }
void dropoutInPlace(KernelContext &ctx) { dropoutImpl(ctx, true); }

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

/// PyTorch's alpha_check, against the dtype of the result.
void checkAlpha(const Value &alpha, DType dtype) {
  if (alpha.isBool() && dtype != DType::Bool)
    throw Error("Boolean alpha only supported for Boolean results.");
  if (!isFloatingPoint(dtype) && !isComplex(dtype) && alpha.isDouble())
    throw Error("For integral input tensors, argument alpha must not be a "
                "floating point number.");
}

void checkSubOperands(const Value &a, const Value &b) {
  auto isBoolOperand = [](const Value &v) {
    return v.isBool() || (v.isTensor() && v.toTensor().dtype() == DType::Bool);
  };
  if (isBoolOperand(a) && isBoolOperand(b))
    throw Error("Subtraction, the `-` operator, with two bool tensors is not "
                "supported. Use the `^` or `logical_xor()` operator instead.");
  if (isBoolOperand(a) || isBoolOperand(b))
    throw Error("Subtraction, the `-` operator, with a bool tensor is not "
                "supported. If you are trying to invert a mask, use the `~` "
                "or `logical_not()` operator instead.");
}

enum class AddKind { Add, Sub, AddRelu };

/// The upper bound _add_relu clamps to: the largest value of self's dtype
/// (PyTorch's add_relu_impl keys the bounds on self, not on the result, so
/// an int8 tensor plus an int32 one saturates at 127).
Value addReluUpperBound(DType self) {
  switch (self) {
  case DType::I64:
    return Value(std::numeric_limits<int64_t>::max());
  case DType::I32:
    return Value(int64_t(std::numeric_limits<int32_t>::max()));
  case DType::I16:
    return Value(int64_t(std::numeric_limits<int16_t>::max()));
  case DType::I8:
    return Value(int64_t(std::numeric_limits<int8_t>::max()));
  case DType::U8:
    return Value(int64_t(std::numeric_limits<uint8_t>::max()));
  case DType::F64:
    return Value(std::numeric_limits<double>::max());
  case DType::F32:
    return Value(double(std::numeric_limits<float>::max()));
  case DType::F16:
    return Value(65504.0);
  case DType::BF16:
    return Value(3.3895313892515355e38);
  default:
    throw Error("_add_relu is not implemented for " +
                std::string(dtypeName(self)) + " tensors");
  }
}

/// add, sub and _add_relu (Tensor and Scalar overloads, in place or not):
/// self + alpha * other in result_type(self, other), alpha converted to
/// that dtype (an Error if it does not fit). For Half and BFloat16,
/// alpha * other is rounded before the add, as in PyTorch.
void addImpl(KernelContext &ctx, AddKind kind, bool inPlace) {
  const Value &a = ctx.operand(0), &b = tensorOrScalar(ctx, 1);
  const Tensor &self = ctx.tensor(0);
  const Value &alpha = scalarOperand(ctx, 2, "alpha");
  const char *what = kind == AddKind::Add   ? "add"
                     : kind == AddKind::Sub ? "sub"
                                            : "_add_relu";
  if (kind == AddKind::Sub)
    checkSubOperands(a, b);
  DType common = promote({&a, &b});
  // _add_relu skips the alpha check (a float alpha truncates for ints).
  Value upper;
  if (kind == AddKind::AddRelu)
    upper = addReluUpperBound(self.dtype());
  else
    checkAlpha(alpha, inPlace ? self.dtype() : common);
  bool unitAlpha =
      !alpha.isDouble() ? alpha.toInt() == 1 : alpha.toDouble() == 1.0;
  Tensor out = compute<CatAll, 2>(common, what, {&a, &b}, [&](auto tag) {
    using T = decltype(tag);
    T al = checkedScalarAs<T>(alpha);
    T hi = T(0);
    if constexpr (!IsComplex<T> && !std::is_same_v<T, bool>)
      if (kind == AddKind::AddRelu)
        hi = checkedScalarAs<T>(upper);
    return [=](T x, T y) {
      T scaled = unitAlpha ? y : mulOf(y, al);
      T r = kind == AddKind::Sub ? subOf(x, scaled) : addOf(x, scaled);
      if constexpr (!IsComplex<T> && !std::is_same_v<T, bool>)
        if (kind == AddKind::AddRelu)
          r = clampScalarOf(r, T(0), hi, true, true);
      return r;
    };
  });
  finish(ctx, inPlace, out, common);
}
void addOut(KernelContext &ctx) { addImpl(ctx, AddKind::Add, false); }
void addInPlace(KernelContext &ctx) { addImpl(ctx, AddKind::Add, true); }
void subOut(KernelContext &ctx) { addImpl(ctx, AddKind::Sub, false); }
void subInPlace(KernelContext &ctx) { addImpl(ctx, AddKind::Sub, true); }
void addReluOut(KernelContext &ctx) { addImpl(ctx, AddKind::AddRelu, false); }
void addReluInPlace(KernelContext &ctx) {
  addImpl(ctx, AddKind::AddRelu, true);
}

void mulImpl(KernelContext &ctx, bool inPlace) {
  const Value &a = ctx.operand(0), &b = tensorOrScalar(ctx, 1);
  ctx.tensor(0);
  DType common = promote({&a, &b});
  Tensor out = compute<CatAll, 2>(common, "mul", {&a, &b}, [](auto tag) {
    using T = decltype(tag);
    return [](T x, T y) { return mulOf(x, y); };
  });
  finish(ctx, inPlace, out, common);
}
void mul(KernelContext &ctx) { mulImpl(ctx, false); }
void mulInPlace(KernelContext &ctx) { mulImpl(ctx, true); }

enum class Rounding { None, Trunc, Floor };

/// self / other. Without rounding, integer and bool operands divide as
/// float32 (true division); with "trunc" or "floor" the result keeps the
/// promoted dtype and an integer division by zero is an Error.
Tensor divide(const Value &a, const Value &b, Rounding mode, DType &common) {
  common = promote({&a, &b});
  switch (mode) {
  case Rounding::None:
    if (isIntegral(common, true))
      common = DType::F32;
    return compute<CatFloat | CatComplex, 2>(
        common, "div", {&a, &b}, [](auto tag) {
          using T = decltype(tag);
          return [](T x, T y) { return divOf(x, y); };
        });
  case Rounding::Trunc:
    return compute<CatNumber, 2>(
        common, "div with rounding_mode='trunc'", {&a, &b}, [](auto tag) {
          using T = decltype(tag);
          return [](T x, T y) { return divTruncOf(x, y); };
        });
  case Rounding::Floor:
    break;
  }
  return compute<CatNumber, 2>(
      common, "floor division", {&a, &b}, [](auto tag) {
        using T = decltype(tag);
        return [](T x, T y) { return divFloorOf(x, y); };
      });
}

Rounding roundingMode(const Value &v) {
  if (v.isNone())
    return Rounding::None;
  if (v.isString()) {
    if (v.toString() == "trunc")
      return Rounding::Trunc;
    if (v.toString() == "floor")
      return Rounding::Floor;
  }
  throw Error("div expected rounding_mode to be one of None, 'trunc', or "
              "'floor' but found " +
              v.describe());
}

void divImpl(KernelContext &ctx, Rounding mode, bool inPlace) {
  const Value &a = ctx.operand(0), &b = tensorOrScalar(ctx, 1);
  ctx.tensor(0);
  DType common;
  Tensor out = divide(a, b, mode, common);
  finish(ctx, inPlace, out, common);
}
void div(KernelContext &ctx) { divImpl(ctx, Rounding::None, false); }
void divInPlace(KernelContext &ctx) { divImpl(ctx, Rounding::None, true); }
void divMode(KernelContext &ctx) {
  divImpl(ctx, roundingMode(ctx.operand(2)), false);
}
void floorDivide(KernelContext &ctx) { divImpl(ctx, Rounding::Floor, false); }

/// remainder.Tensor / .Scalar / .Scalar_Tensor: Python's `%` in the
/// promoted dtype (self may be a Scalar in the last).
void remainder(KernelContext &ctx) {
  const Value &a = tensorOrScalar(ctx, 0), &b = tensorOrScalar(ctx, 1);
  if (!a.isTensor() && !b.isTensor())
    throw Error("remainder expects a tensor operand");
  DType common = promote({&a, &b});
  ctx.setResult(
      0, compute<CatNumber, 2>(common, "remainder", {&a, &b}, [](auto tag) {
        using T = decltype(tag);
        return [](T x, T y) { return remainderOf(x, y); };
      }));
}

/// A tensor of `shape` and `dtype` filled with ones.
Tensor onesLike(const Shape &shape, DType dtype) {
  Value one(int64_t(1));
  Tensor out;
  dispatchOn<CatAll>(dtype, "pow", [&](auto tag) {
    using T = decltype(tag);
    out = Tensor::zeros(dtype, shape);
    T *p = out.mutableData<T>();
    for (int64_t i = 0, n = out.numel(); i < n; ++i)
      p[i] = scalarAs<T>(one);
  });
  return out;
}

/// c10::Scalar::equal(num): a bool Scalar equals no number.
bool scalarEquals(const Value &v, double num) {
  if (v.isDouble())
    return v.toDouble() == num;
  if (v.isInt())
    return double(v.toInt()) == num;
  return false;
}

void powTensorTensor(KernelContext &ctx) {
  const Value &a = ctx.operand(0), &b = ctx.operand(1);
  ctx.tensor(0);
  ctx.tensor(1);
  DType common = promote({&a, &b});
  ctx.setResult(0, compute<CatNumber, 2>(common, "pow", {&a, &b}, [](auto tag) {
                  using T = decltype(tag);
                  return [](T x, T y) { return powOf(x, y); };
                }));
}

void powTensorScalar(KernelContext &ctx) {
  const Value &a = ctx.operand(0);
  const Tensor &base = ctx.tensor(0);
  const Value &exp = scalarOperand(ctx, 1, "exponent");
  if (isIntegral(base.dtype(), true) && !exp.isDouble() && exp.toInt() < 0)
    throw Error("Integers to negative integer powers are not allowed.");
  DType common = promote({&a, &exp});
  if (scalarEquals(exp, 0.0)) {
    ctx.setResult(0, onesLike(base.sizes(), common));
    return;
  }
  if (scalarEquals(exp, 1.0)) {
    ctx.setResult(0, base.to(common, /*copy=*/true));
    return;
  }
  // Floating types use exact special cases for 2, 3, -2, 0.5, -0.5 and -1 as
  // PyTorch does; the exponent is first converted to the dtype.
  ctx.setResult(0, compute<CatNumber, 1>(common, "pow", {&a}, [&](auto tag) {
                  using T = decltype(tag);
                  // float32 and float64 read the exponent as double (no
                  // overflow check: 1e300 is inf as float32).
                  T e = std::is_floating_point_v<T> ? scalarAs<T>(exp)
                                                    : checkedScalarAs<T>(exp);
                  return [e](T x) {
                    if constexpr (IsInt<T>) {
                      return powInt(x, e);
                    } else {
                      using M = opmath_t<T>;
                      M v = om(x), p = om(e);
                      if (p == M(2))
                        return st<T>(v * v);
                      if (p == M(3))
                        return st<T>(v * v * v);
                      if (p == M(-2))
                        return st<T>(M(1) / (v * v));
                      if (p == M(0.5))
                        return st<T>(std::sqrt(v));
                      if (p == M(-0.5))
                        return st<T>(M(1) / std::sqrt(v));
                      if (p == M(-1))
                        return st<T>(M(1) / v);
                      return st<T>(std::pow(v, p));
                    }
                  };
                }));
}

/// pow.Scalar: a Scalar base raised to a tensor of exponents.
void powScalar(KernelContext &ctx) {
  const Value &base = scalarOperand(ctx, 0, "self");
  const Value &exp = ctx.operand(1);
  const Tensor &e = ctx.tensor(1);
  DType common = promote({&base, &exp});
  if (scalarEquals(base, 1.0)) {
    ctx.setResult(0, onesLike(e.sizes(), common));
    return;
  }
  ctx.setResult(
      0, compute<CatNumber, 2>(common, "pow", {&base, &exp}, [](auto tag) {
        using T = decltype(tag);
        return [](T x, T y) { return powOf(x, y); };
      }));
}

void maximum(KernelContext &ctx) {
  const Value &a = ctx.operand(0), &b = ctx.operand(1);
  ctx.tensor(0);
  ctx.tensor(1);
  ctx.setResult(0, compute<CatReal, 2>(
                       promote({&a, &b}), "maximum", {&a, &b}, [](auto tag) {
                         using T = decltype(tag);
                         return [](T x, T y) { return maxOf2(x, y); };
                       }));
}

void minimum(KernelContext &ctx) {
  const Value &a = ctx.operand(0), &b = ctx.operand(1);
  ctx.tensor(0);
  ctx.tensor(1);
  ctx.setResult(0, compute<CatReal, 2>(
                       promote({&a, &b}), "minimum", {&a, &b}, [](auto tag) {
                         using T = decltype(tag);
                         return [](T x, T y) { return minOf2(x, y); };
                       }));
}

enum class BitOp { And, Or, Xor };

template <BitOp Op> void bitwise(KernelContext &ctx) {
  const Value &a = ctx.operand(0), &b = tensorOrScalar(ctx, 1);
  ctx.tensor(0);
  const char *what = Op == BitOp::And  ? "bitwise_and"
                     : Op == BitOp::Or ? "bitwise_or"
                                       : "bitwise_xor";
  ctx.setResult(0, compute<CatBool | CatInt, 2>(
                       promote({&a, &b}), what, {&a, &b}, [](auto tag) {
                         using T = decltype(tag);
                         return [](T x, T y) {
                           if constexpr (Op == BitOp::And)
                             return T(x & y);
                           else if constexpr (Op == BitOp::Or)
                             return T(x | y);
                           else
                             return T(x ^ y);
                         };
                       }));
}

void logicalXor(KernelContext &ctx) {
  const Value &a = ctx.operand(0), &b = tensorOrScalar(ctx, 1);
  ctx.tensor(0);
  ctx.setResult(0, compute<CatAll, 2>(promote({&a, &b}), "logical_xor",
                                      {&a, &b}, [](auto tag) {
                                        using T = decltype(tag);
                                        return [](T x, T y) {
                                          return isZero(x) != isZero(y);
                                        };
                                      }));
}

enum class Cmp { Eq, Ne, Lt, Gt, Le, Ge };

template <Cmp Op, typename T> bool compareOf(T x, T y) {
  if constexpr (IsComplex<T>) {
    static_assert(Op == Cmp::Eq || Op == Cmp::Ne,
                  "complex numbers are unordered");
    return Op == Cmp::Eq ? x == y : x != y;
  } else {
    auto u = om(x), v = om(y);
    switch (Op) {
    case Cmp::Eq:
      return u == v;
    case Cmp::Ne:
      return u != v;
    case Cmp::Lt:
      return u < v;
    case Cmp::Gt:
      return u > v;
    case Cmp::Le:
      return u <= v;
    case Cmp::Ge:
      return u >= v;
    }
    return false;
  }
}

/// Comparisons compute in the promoted dtype and give bool; complex
/// operands only compare for (in)equality.
template <Cmp Op> void compare(KernelContext &ctx) {
  const Value &a = ctx.operand(0), &b = tensorOrScalar(ctx, 1);
  ctx.tensor(0);
  static const char *const names[] = {"eq", "ne", "lt", "gt", "le", "ge"};
  const char *what = names[int(Op)];
  DType common = promote({&a, &b});
  auto bind = [](auto tag) {
    using T = decltype(tag);
    return [](T x, T y) { return compareOf<Op>(x, y); };
  };
  Tensor out;
  if constexpr (Op == Cmp::Eq || Op == Cmp::Ne)
    out = compute<CatAll, 2>(common, what, {&a, &b}, bind);
  else
    out = compute<CatReal, 2>(common, what, {&a, &b}, bind);
  ctx.setResult(0, out);
}

//===----------------------------------------------------------------------===//
// Selection: where and masked_fill
//===----------------------------------------------------------------------===//

/// Checks a where condition or masked_fill mask: bool, or (deprecated in
/// PyTorch, still accepted) uint8.
void checkMaskDType(const Tensor &mask, const char *what) {
  if (mask.dtype() == DType::Bool || mask.dtype() == DType::U8)
    return;
  if (std::string(what) == "where")
    throw Error("where expected condition to be a boolean tensor, but got a "
                "tensor with dtype " +
                std::string(dtypeName(mask.dtype())));
  throw Error("masked_fill_ only supports boolean masks, but got mask with "
              "dtype " +
              std::string(dtypeName(mask.dtype())));
}

/// where.self / .ScalarOther / .ScalarSelf / .Scalar: condition ? self :
/// other over the broadcast of the three, in result_type(self, other) (a
/// Scalar counting as a Python number, so where(c, 1.0, 0.0) is float32).
/// The condition is read converted to that dtype, which keeps zero and
/// non-zero apart for bool and uint8 values.
void where(KernelContext &ctx) {
  const Value &cond = ctx.operand(0);
  checkMaskDType(ctx.tensor(0), "where");
  const Value &a = tensorOrScalar(ctx, 1), &b = tensorOrScalar(ctx, 2);
  DType common = promote({&a, &b});
  ctx.setResult(
      0, compute<CatAll, 3>(common, "where", {&cond, &a, &b}, [](auto tag) {
        using T = decltype(tag);
        return [](T c, T x, T y) { return isZero(c) ? y : x; };
      }));
}

/// masked_fill(.Scalar/.Tensor) and masked_fill_: self where the mask is
/// false, value where it is true, in self's dtype; the value is read with
/// c10::Scalar::to (an Error when it does not fit), a Tensor value must be
/// 0-d. Out of place the result has the broadcast shape of self and mask;
/// in place the mask must broadcast to self. A uint8 mask may hold only 0
/// and 1.
void maskedFillImpl(KernelContext &ctx, bool inPlace) {
  const Value &self = ctx.operand(0), &maskValue = ctx.operand(1);
  DType dtype = ctx.tensor(0).dtype();
  const Tensor &mask = ctx.tensor(1);
  checkMaskDType(mask, "masked_fill");
  Value value = ctx.operand(2);
  if (value.isTensor()) {
    const Tensor &v = value.toTensor();
    if (v.dim() != 0)
      throw Error("masked_fill_ only supports a 0-dimensional value tensor, "
                  "but got tensor with " +
                  std::to_string(v.dim()) + " dimension(s).");
    if (v.dtype() == DType::Bool)
      value = Value(v.itemInt() != 0);
    else if (isIntegral(v.dtype(), false))
      value = Value(v.itemInt());
    else if (isFloatingPoint(v.dtype()))
      value = Value(v.item());
    else
      throw Error(std::string("masked_fill is not implemented for a ") +
                  dtypeName(v.dtype()) + " value");
  } else if (!value.isScalar()) {
    throw Error("expected a number or a tensor for 'value', got " +
                value.describe());
  }
  if (mask.dtype() == DType::U8) {
    Tensor m = mask.contiguous();
    const uint8_t *p = m.data<uint8_t>();
    for (int64_t i = 0, n = m.numel(); i < n; ++i)
      if (p[i] > 1)
        throw Error("Mask tensor can take 0 and 1 values only");
  }
  Tensor out = compute<CatAll, 2>(
      dtype, "masked_fill", {&self, &maskValue}, [&](auto tag) {
        using T = decltype(tag);
        T v = checkedScalarAs<T>(value);
        return [v](T x, T m) { return isZero(m) ? x : v; };
      });
  finish(ctx, inPlace, out, dtype);
}
void maskedFill(KernelContext &ctx) { maskedFillImpl(ctx, false); }
void maskedFillInPlace(KernelContext &ctx) { maskedFillImpl(ctx, true); }

const KernelEntry Kernels[] = {
    // Activations and other unary ops.
    {"aten.relu", relu},
    {"aten.relu_", reluInPlace},
    {"aten.leaky_relu", leakyRelu},
    {"aten.elu", elu},
    {"aten.elu_", eluInPlace},
    {"aten.leaky_relu_", leakyReluInPlace},
    {"aten.silu", silu},
    {"aten.silu_", siluInPlace},
    {"aten.hardtanh", hardtanh},
    {"aten.hardtanh_", hardtanhInPlace},
    {"aten.relu6", relu6},
    {"aten.relu6_", relu6InPlace},
    {"aten.hardswish", hardswish},
    {"aten.hardswish_", hardswishInPlace},
    {"aten.hardsigmoid", hardsigmoid},
    {"aten.hardsigmoid_", hardsigmoidInPlace},
    {"aten.sigmoid", sigmoid},
    {"aten.sigmoid_", sigmoidInPlace},
    {"aten.tanh", tanhKernel},
    {"aten.tanh_", tanhKernelInPlace},
    {"aten.exp", expKernel},
    {"aten.exp_", expKernelInPlace},
    {"aten.log", logKernel},
    {"aten.log_", logKernelInPlace},
    {"aten.sqrt", sqrtKernel},
    {"aten.sqrt_", sqrtKernelInPlace},
    {"aten.rsqrt", rsqrtKernel},
    {"aten.rsqrt_", rsqrtKernelInPlace},
    {"aten.gelu", gelu},
    {"aten.neg", neg},
    {"aten.neg_", negInPlace},
    {"aten.abs", abs},
    {"aten.abs_", absInPlace},
    {"aten.clamp", clamp},
    {"aten.clamp.Tensor", clampTensor},
    {"aten.clamp_", clampInPlace},
    {"aten.clamp_.Tensor", clampTensorInPlace},
    {"aten.clamp_min", clampMin},
    {"aten.clamp_min.Tensor", clampMin},
    {"aten.clamp_min_", clampMinInPlace},
    {"aten.clamp_min_.Tensor", clampMinInPlace},
    {"aten.clamp_max", clampMax},
    {"aten.clamp_max.Tensor", clampMax},
    {"aten.clamp_max_", clampMaxInPlace},
    {"aten.clamp_max_.Tensor", clampMaxInPlace},
    {"aten.is_floating_point", isFloatingPointKernel},
    {"aten.dropout", dropout},
    {"aten.dropout_", dropoutInPlace},
    {"aten.feature_dropout", dropout},
    {"aten.feature_dropout_", dropoutInPlace},
    {"aten.alpha_dropout", dropout},
    {"aten.alpha_dropout_", dropoutInPlace},
    {"aten.feature_alpha_dropout", dropout},
    {"aten.feature_alpha_dropout_", dropoutInPlace},
    // Arithmetic.
    {"aten.add.Tensor", addOut},
    {"aten.add.Scalar", addOut},
    {"aten.add_.Tensor", addInPlace},
    {"aten.add_.Scalar", addInPlace},
    {"aten.sub.Tensor", subOut},
    {"aten.sub.Scalar", subOut},
    {"aten.sub_.Tensor", subInPlace},
    {"aten.sub_.Scalar", subInPlace},
    {"aten._add_relu.Tensor", addReluOut},
    {"aten._add_relu.Scalar", addReluOut},
    {"aten._add_relu_.Tensor", addReluInPlace},
    {"aten._add_relu_.Scalar", addReluInPlace},
    {"aten.mul.Tensor", mul},
    {"aten.mul.Scalar", mul},
    {"aten.mul_.Tensor", mulInPlace},
    {"aten.mul_.Scalar", mulInPlace},
    {"aten.div.Tensor", div},
    {"aten.div.Scalar", div},
    {"aten.div.Tensor_mode", divMode},
    {"aten.div.Scalar_mode", divMode},
    {"aten.div_.Tensor", divInPlace},
    {"aten.div_.Scalar", divInPlace},
    {"aten.floor_divide", floorDivide},
    {"aten.floor_divide.Scalar", floorDivide},
    {"aten.remainder.Tensor", remainder},
    {"aten.remainder.Scalar", remainder},
    {"aten.remainder.Scalar_Tensor", remainder},
    {"aten.pow.Tensor_Tensor", powTensorTensor},
    {"aten.pow.Tensor_Scalar", powTensorScalar},
    {"aten.pow.Scalar", powScalar},
    {"aten.max.other", maximum},
    {"aten.min.other", minimum},
    {"aten.maximum", maximum},
    {"aten.minimum", minimum},
    // Bitwise, logical and comparison ops.
    {"aten.__and__.Tensor", bitwise<BitOp::And>},
    {"aten.__and__.Scalar", bitwise<BitOp::And>},
    {"aten.__or__.Tensor", bitwise<BitOp::Or>},
    {"aten.__or__.Scalar", bitwise<BitOp::Or>},
    {"aten.__xor__.Tensor", bitwise<BitOp::Xor>},
    {"aten.__xor__.Scalar", bitwise<BitOp::Xor>},
    {"aten.logical_xor", logicalXor},
    {"aten.eq.Tensor", compare<Cmp::Eq>},
    {"aten.eq.Scalar", compare<Cmp::Eq>},
    {"aten.ne.Tensor", compare<Cmp::Ne>},
    {"aten.ne.Scalar", compare<Cmp::Ne>},
    {"aten.lt.Tensor", compare<Cmp::Lt>},
    {"aten.lt.Scalar", compare<Cmp::Lt>},
    {"aten.gt.Tensor", compare<Cmp::Gt>},
    {"aten.gt.Scalar", compare<Cmp::Gt>},
    {"aten.le.Tensor", compare<Cmp::Le>},
    {"aten.le.Scalar", compare<Cmp::Le>},
    {"aten.ge.Tensor", compare<Cmp::Ge>},
    {"aten.ge.Scalar", compare<Cmp::Ge>},
    // Selection.
    {"aten.where.self", where},
    {"aten.where.ScalarOther", where},
    {"aten.where.ScalarSelf", where},
    {"aten.where.Scalar", where},
    {"aten.masked_fill.Scalar", maskedFill},
    {"aten.masked_fill.Tensor", maskedFill},
    {"aten.masked_fill_.Scalar", maskedFillInPlace},
    {"aten.masked_fill_.Tensor", maskedFillInPlace},
};

} // namespace

void ref::registerElementwiseKernels(KernelRegistry &registry) {
  registry.add(Backend, Kernels);
}
