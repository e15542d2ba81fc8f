//===- DType.h - Tensor element types of the run side -----------*- C++ -*-===//
//
// The element types a runtime tensor can hold, their sizes and names, the
// mapping to PyTorch's ScalarType codes (which TorchScript passes as plain
// ints: `x.to(6)` is float32), the 16-bit float storage types, and a
// dispatcher that calls a generic lambda with the C++ type of a dtype.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_RUNTIME_DTYPE_H
#define IRC_RUNTIME_DTYPE_H

#include "runtime/Error.h"

#include <complex>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace irc::rt {

enum class DType : uint8_t {
  F32,
  F64,
  F16,
  BF16,
  I64,
  I32,
  I16,
  I8,
  U8,
  Bool,
  C64,
  C128,
  // Quantized storage: the integer codes; scale and zero point live elsewhere.
  QI8,
  QU8,
  QI32,
};

size_t elementSize(DType dtype);
/// PyTorch's name: "float32", "int64", "bool", "complex64", "qint8", ...
const char *dtypeName(DType dtype);
/// irc's IR spelling: "f32", "i64", "bool", "c64", "qu8", ...
const char *dtypeSpelling(DType dtype);
bool isFloatingPoint(DType dtype); // F32, F64, F16, BF16
bool isComplex(DType dtype);
bool isIntegral(DType dtype, bool includeBool); // I64..U8 (and Bool)

/// PyTorch's ScalarType code (c10/core/ScalarType.h): U8=0, I8=1, I16=2,
/// I32=3, I64=4, F16=5, F32=6, F64=7, C64=9, C128=10, Bool=11, QI8=12,
/// QU8=13, QI32=14, BF16=15.
int64_t toScalarType(DType dtype);
/// The dtype of a ScalarType code; throws Error for codes irc does not hold
/// (complex32, quint4x2, ...).
DType fromScalarType(int64_t code);

/// IEEE half precision, stored as its bits.
struct Half {
  uint16_t bits = 0;
  Half() = default;
  explicit Half(float f);
  operator float() const;
};

/// bfloat16: the upper 16 bits of a float32 (round to nearest even).
struct BFloat16 {
  uint16_t bits = 0;
  BFloat16() = default;
  explicit BFloat16(float f);
  operator float() const;
};

/// Calls `f(T{})` with the C++ element type T of `dtype` for the types
/// kernels compute on: float, double, Half, BFloat16, int64_t, int32_t,
/// int16_t, int8_t, uint8_t, bool. Complex and quantized dtypes throw Error
/// naming `what` (the op); use dispatchAll where they are wanted.
template <typename F> decltype(auto) dispatch(DType dtype, const char *what, F &&f) {
  switch (dtype) {
  case DType::F32: return f(float{});
  case DType::F64: return f(double{});
  case DType::F16: return f(Half{});
  case DType::BF16: return f(BFloat16{});
  case DType::I64: return f(int64_t{});
  case DType::I32: return f(int32_t{});
  case DType::I16: return f(int16_t{});
  case DType::I8: return f(int8_t{});
  case DType::U8: return f(uint8_t{});
  case DType::Bool: return f(bool{});
  default:
    break;
  }
  throw Error(std::string(what) + ": dtype " + dtypeName(dtype) +
              " is not supported by this kernel");
}

/// Like dispatch, plus std::complex<float>/<double> for C64/C128.
template <typename F> decltype(auto) dispatchAll(DType dtype, const char *what, F &&f) {
  if (dtype == DType::C64)
    return f(std::complex<float>{});
  if (dtype == DType::C128)
    return f(std::complex<double>{});
  return dispatch(dtype, what, std::forward<F>(f));
}

/// The dtype of a C++ element type: dtypeOf<float>() == DType::F32.
template <typename T> constexpr DType dtypeOf() {
  if constexpr (std::is_same_v<T, float>) return DType::F32;
  else if constexpr (std::is_same_v<T, double>) return DType::F64;
  else if constexpr (std::is_same_v<T, Half>) return DType::F16;
  else if constexpr (std::is_same_v<T, BFloat16>) return DType::BF16;
  else if constexpr (std::is_same_v<T, int64_t>) return DType::I64;
  else if constexpr (std::is_same_v<T, int32_t>) return DType::I32;
  else if constexpr (std::is_same_v<T, int16_t>) return DType::I16;
  else if constexpr (std::is_same_v<T, int8_t>) return DType::I8;
  else if constexpr (std::is_same_v<T, uint8_t>) return DType::U8;
  else if constexpr (std::is_same_v<T, bool>) return DType::Bool;
  else if constexpr (std::is_same_v<T, std::complex<float>>) return DType::C64;
  else {
    static_assert(std::is_same_v<T, std::complex<double>>, "not an element type");
    return DType::C128;
  }
}

/// The type arithmetic on T is done in, as PyTorch's opmath_type: float for
/// Half and BFloat16, T otherwise.
template <typename T> struct OpMath { using type = T; };
template <> struct OpMath<Half> { using type = float; };
template <> struct OpMath<BFloat16> { using type = float; };
template <typename T> using opmath_t = typename OpMath<T>::type;

/// Converts between element types as a C++ static_cast would, going through
/// float for the 16-bit types (PyTorch's conversion semantics, including
/// float to integer truncation toward zero).
template <typename To, typename From> To convert(From v) {
  if constexpr (std::is_same_v<To, From>)
    return v;
  else if constexpr (std::is_same_v<From, Half> || std::is_same_v<From, BFloat16>)
    return convert<To>(static_cast<float>(v));
  else if constexpr (std::is_same_v<To, Half> || std::is_same_v<To, BFloat16>)
    return To(static_cast<float>(v));
  else if constexpr (std::is_same_v<To, bool>)
    return v != From(0);
  else
    return static_cast<To>(v);
}

} // namespace irc::rt

#endif // IRC_RUNTIME_DTYPE_H
