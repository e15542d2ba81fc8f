//===- DType.cpp - Tensor element types of the run side -------------------===//

#include "runtime/DType.h"

#include <cmath>

using namespace irc::rt;

size_t irc::rt::elementSize(DType dtype) {
  switch (dtype) {
  case DType::F32: case DType::I32: case DType::QI32: return 4;
  case DType::F64: case DType::I64: case DType::C64: return 8;
  case DType::F16: case DType::BF16: case DType::I16: return 2;
  case DType::I8: case DType::U8: case DType::Bool: case DType::QI8:
  case DType::QU8: return 1;
  case DType::C128: return 16;
  }
  return 1;
}

const char *irc::rt::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32: return "float32";
  case DType::F64: return "float64";
  case DType::F16: return "float16";
  case DType::BF16: return "bfloat16";
  case DType::I64: return "int64";
  case DType::I32: return "int32";
  case DType::I16: return "int16";
  case DType::I8: return "int8";
  case DType::U8: return "uint8";
  case DType::Bool: return "bool";
  case DType::C64: return "complex64";
  case DType::C128: return "complex128";
  case DType::QI8: return "qint8";
  case DType::QU8: return "quint8";
  case DType::QI32: return "qint32";
  }
  return "?";
}

const char *irc::rt::dtypeSpelling(DType dtype) {
  switch (dtype) {
  case DType::F32: return "f32";
  case DType::F64: return "f64";
  case DType::F16: return "f16";
  case DType::BF16: return "bf16";
  case DType::I64: return "i64";
  case DType::I32: return "i32";
  case DType::I16: return "i16";
  case DType::I8: return "i8";
  case DType::U8: return "u8";
  case DType::Bool: return "bool";
  case DType::C64: return "c64";
  case DType::C128: return "c128";
  case DType::QI8: return "qi8";
  case DType::QU8: return "qu8";
  case DType::QI32: return "qi32";
  }
  return "?";
}

bool irc::rt::isFloatingPoint(DType d) {
  return d == DType::F32 || d == DType::F64 || d == DType::F16 ||
         d == DType::BF16;
}

bool irc::rt::isComplex(DType d) { return d == DType::C64 || d == DType::C128; }

bool irc::rt::isIntegral(DType d, bool includeBool) {
  switch (d) {
  case DType::I64: case DType::I32: case DType::I16: case DType::I8:
  case DType::U8: return true;
  case DType::Bool: return includeBool;
  default: return false;
  }
}

namespace {
struct ScalarTypeCode {
  int64_t code;
  DType dtype;
};
constexpr ScalarTypeCode ScalarTypes[] = {
    {0, DType::U8},   {1, DType::I8},   {2, DType::I16},   {3, DType::I32},
    {4, DType::I64},  {5, DType::F16},  {6, DType::F32},   {7, DType::F64},
    {9, DType::C64},  {10, DType::C128}, {11, DType::Bool}, {12, DType::QI8},
    {13, DType::QU8}, {14, DType::QI32}, {15, DType::BF16},
};
} // namespace

int64_t irc::rt::toScalarType(DType dtype) {
  for (const ScalarTypeCode &s : ScalarTypes)
    if (s.dtype == dtype)
      return s.code;
  return -1;
}

DType irc::rt::fromScalarType(int64_t code) {
  for (const ScalarTypeCode &s : ScalarTypes)
    if (s.code == code)
      return s.dtype;
  throw Error("dtype code " + std::to_string(code) +
              " (a torch.dtype) is not supported");
}

// Half conversions, exact for every value (no lookup tables).
Half::Half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000;
  uint32_t mant = x & 0x7fffff;
  int32_t exp = int32_t((x >> 23) & 0xff);
  if (exp == 0xff) { // inf or nan
    bits = uint16_t(sign | 0x7c00 | (mant ? 0x200 | (mant >> 13) : 0));
    return;
  }
  int32_t e = exp - 127 + 15;
  if (e >= 0x1f) { // overflow to inf
    bits = uint16_t(sign | 0x7c00);
    return;
  }
  if (e <= 0) { // subnormal or zero
    if (e < -10) {
      bits = uint16_t(sign);
      return;
    }
    mant |= 0x800000;
    uint32_t shift = uint32_t(14 - e);
    uint32_t half = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1)))
      ++half;
    bits = uint16_t(sign | half);
    return;
  }
  uint32_t half = (uint32_t(e) << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1)))
    ++half; // may carry into the exponent, which rounds up correctly
  bits = uint16_t(sign | half);
}

Half::operator float() const {
  uint32_t sign = uint32_t(bits & 0x8000) << 16;
  uint32_t exp = (bits >> 10) & 0x1f;
  uint32_t mant = bits & 0x3ff;
  uint32_t x;
  if (exp == 0x1f) {
    x = sign | 0x7f800000 | (mant << 13);
  } else if (exp == 0) {
    if (mant == 0) {
      x = sign;
    } else { // subnormal: value = mant * 2^-24
      float f = std::ldexp(float(mant), -24);
      return sign ? -f : f;
    }
  } else {
    x = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

BFloat16::BFloat16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if (std::isnan(f)) {
    bits = uint16_t((x >> 16) | 0x40);
    return;
  }
  uint32_t rounding = 0x7fff + ((x >> 16) & 1);
  bits = uint16_t((x + rounding) >> 16);
}

BFloat16::operator float() const {
  uint32_t x = uint32_t(bits) << 16;
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}
