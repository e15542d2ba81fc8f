//===- Scalar.cpp - int, float, bool and str kernels ----------------------===//
//
// Reference kernels for TorchScript's scalar ops, with the semantics of
// PyTorch 1.13's interpreter (register_prim_ops.cpp), which are Python's
// where Python's are cheap to match and C++'s elsewhere:
//  - ints are int64 and wrap on overflow; `//` and `%` round toward negative
//    infinity; dividing an int by zero is an Error;
//  - float `//` is floor(a / b) and `%` is fmod(b + fmod(a, b), b), so a zero
//    divisor gives inf or nan rather than an exception, as in TorchScript;
//  - `int(x)` truncates, and a float outside int64 (or nan) gives INT64_MIN,
//    which is what TorchScript computes on x86;
//  - mixed int/float comparisons convert the int to float;
//  - strings are byte strings: len, indexing, slicing and ord work on UTF-8
//    bytes, as TorchScript's std::string does;
//  - str(), format() and print() print as c10's `ostream << IValue`
//    (Scalar.h), not as Python's repr.
// Also here: prim.raise_exception, prim.print, prim.uninitialized, the
// refinement casts, prim.isinstance and the scalar overloads of prim.min,
// prim.max and prim.abs (their list overloads are in Container.cpp), and
// prim.abs of a tensor (Python's abs(t)).
//
//===----------------------------------------------------------------------===//

#include "backends/reference/Scalar.h"
#include "backends/reference/ReferenceKernels.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <type_traits>
#include <vector>

using namespace irc::rt;

//===----------------------------------------------------------------------===//
// Printing values (Scalar.h)
//===----------------------------------------------------------------------===//

namespace {

constexpr int64_t Int64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t Int64Max = std::numeric_limits<int64_t>::max();

/// Whether `d` is an integer that int64 holds exactly.
bool fitsInt64(double d) {
  return std::isfinite(d) && d >= -9223372036854775808.0 &&
         d < 9223372036854775808.0;
}

std::string printfString(const char *format, int width, double d) {
  char buf[512];
  std::snprintf(buf, sizeof(buf), format, width, d);
  return buf;
}

/// The C++ name ATen's printer gives a CPU tensor's type ("CPUFloatType").
const char *atenTypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "CPUFloatType";
  case DType::F64:
    return "CPUDoubleType";
  case DType::F16:
    return "CPUHalfType";
  case DType::BF16:
    return "CPUBFloat16Type";
  case DType::I64:
    return "CPULongType";
  case DType::I32:
    return "CPUIntType";
  case DType::I16:
    return "CPUShortType";
  case DType::I8:
    return "CPUCharType";
  case DType::U8:
    return "CPUByteType";
  case DType::Bool:
    return "CPUBoolType";
  case DType::C64:
    return "CPUComplexFloatType";
  case DType::C128:
    return "CPUComplexDoubleType";
  case DType::QI8:
    return "CPUQInt8Type";
  case DType::QU8:
    return "CPUQUInt8Type";
  case DType::QI32:
    return "CPUQInt32Type";
  }
  return "CPUType";
}

/// How __printFormat (ATen/core/Formatting.cpp) sets up the stream for a
/// block of values: fixed or scientific with 4 digits, or the default float
/// format (%g with 6 digits), a field width and a common scale factor.
struct NumberFormat {
  enum Mode { Default, Fixed, Scientific } mode = Default;
  int width = 0;
  double scale = 1;

  std::string print(double v) const {
    switch (mode) {
    case Fixed:
      return printfString("%*.4f", width, v / scale);
    case Scientific:
      return printfString("%*.4e", width, v / scale);
    case Default:
      break;
    }
    return printfString("%*g", width, v / scale);
  }
};

/// __printFormat, including its quirk of updating the largest magnitude only
/// when the signed value exceeds it.
NumberFormat chooseFormat(const std::vector<double> &values) {
  NumberFormat f;
  size_t size = values.size();
  if (size == 0) {
    f.width = 0;
    return f;
  }
  bool intMode = true;
  for (double z : values)
    if (std::isfinite(z) && z != std::ceil(z)) {
      intMode = false;
      break;
    }
  size_t offset = 0;
  while (offset < size && !std::isfinite(values[offset]))
    ++offset;
  double expMin = 1, expMax = 1;
  if (offset != size) {
    expMin = std::fabs(values[offset]);
    expMax = std::fabs(values[offset]);
    for (size_t i = offset; i < size; ++i) {
      double z = std::fabs(values[i]);
      if (std::isfinite(z)) {
        if (z < expMin)
          expMin = z;
        if (values[i] > expMax)
          expMax = z;
      }
    }
    expMin = expMin != 0 ? std::floor(std::log10(expMin)) + 1 : 1;
    expMax = expMax != 0 ? std::floor(std::log10(expMax)) + 1 : 1;
  }
  if (intMode) {
    if (expMax > 9) {
      f.width = 11;
      f.mode = NumberFormat::Scientific;
    } else {
      f.width = int(expMax + 1);
      f.mode = NumberFormat::Default;
    }
  } else if (expMax - expMin > 4) {
    f.width = 11;
    if (std::fabs(expMax) > 99 || std::fabs(expMin) > 99)
      f.width += 1;
    f.mode = NumberFormat::Scientific;
  } else {
    f.mode = NumberFormat::Fixed;
    if (expMax > 5 || expMax < 0) {
      f.width = 7;
      f.scale = std::pow(10, expMax - 1);
    } else {
      f.width = expMax == 0 ? 7 : int(expMax + 6);
    }
  }
  return f;
}

void printScale(std::string &out, double scale) {
  out += printfString("%*g", 0, scale) + " *\n";
}

void printIndent(std::string &out, int64_t indent) {
  out.append(size_t(indent), ' ');
}

/// __printMatrix: a rows x cols block (row-major `values`), split into
/// column groups that fit `lineSize`.
void printMatrix(std::string &out, const std::vector<double> &values,
                 int64_t rows, int64_t cols, int64_t lineSize, int64_t indent) {
  NumberFormat f = chooseFormat(values);
  printIndent(out, indent);
  int64_t perLine = std::max<int64_t>(1, (lineSize - indent) / (f.width + 1));
  int64_t first = 0;
  while (first < cols) {
    int64_t last = first + perLine <= cols ? first + perLine - 1 : cols - 1;
    if (perLine < cols) {
      if (first != 0)
        out += "\n";
      out += "Columns " + std::to_string(first + 1) + " to " +
             std::to_string(last + 1);
      printIndent(out, indent);
    }
    if (f.scale != 1) {
      printScale(out, f.scale);
      printIndent(out, indent);
    }
    for (int64_t l = 0; l < rows; ++l) {
      for (int64_t c = first; c <= last; ++c) {
        out += f.print(values[size_t(l * cols + c)]);
        if (c == last) {
          out += "\n";
          if (l != rows - 1) {
            printIndent(out, indent);
            if (f.scale != 1)
              out += " ";
          }
        } else {
          out += " ";
        }
      }
    }
    first = last + 1;
  }
}

} // namespace

std::string ref::formatDouble(double d) {
  // c10's printing: an integral value below 2^63 prints as `<int>.`, anything
  // else with max_digits10 (17) significant digits in %g style.
  if (fitsInt64(d) && double(int64_t(d)) == d)
    return std::to_string(int64_t(d)) + ".";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", d);
  return buf;
}

std::string ref::formatTensor(const Tensor &t) {
  if (!t.defined())
    return "[ Tensor (undefined) ]";
  std::vector<double> values;
  bool printable = true;
  try {
    Tensor c = t.contiguous();
    values.reserve(size_t(c.numel()));
    dispatch(c.dtype(), "print", [&](auto tag) {
      using T = decltype(tag);
      const T *p = c.data<T>();
      for (int64_t i = 0; i < c.numel(); ++i)
        values.push_back(convert<double>(p[i]));
    });
  } catch (const Error &) {
    printable = false; // complex or quantized codes: not printed by value
  }
  if (!printable)
    return t.describe();

  std::string out;
  std::string type = atenTypeName(t.dtype());
  const Shape &sizes = t.sizes();
  auto sizeList = [&] {
    std::string s = "{";
    for (size_t i = 0; i < sizes.size(); ++i)
      s += (i ? "," : "") + std::to_string(sizes[i]);
    return s + "}";
  };
  if (t.dim() == 0) {
    out += printfString("%*g", 0, values[0]) + "\n";
  } else if (t.dim() == 1) {
    if (!values.empty()) {
      NumberFormat f = chooseFormat(values);
      if (f.scale != 1)
        printScale(out, f.scale);
      for (double v : values)
        out += f.print(v) + "\n";
    }
  } else if (t.dim() == 2) {
    if (!values.empty())
      printMatrix(out, values, sizes[0], sizes[1], 80, 0);
  } else if (!values.empty()) {
    // __printTensor: one matrix per index of the leading dims, the first of
    // them varying fastest.
    int64_t lead = t.dim() - 2;
    int64_t rows = sizes[size_t(lead)], cols = sizes[size_t(lead + 1)];
    Shape leadStrides(size_t(lead), 0);
    int64_t stride = rows * cols;
    for (int64_t d = lead - 1; d >= 0; --d) {
      leadStrides[size_t(d)] = stride;
      stride *= sizes[size_t(d)];
    }
    std::vector<int64_t> counter(size_t(lead), 0);
    bool start = true;
    while (true) {
      if (start) {
        start = false;
      } else {
        out += "\n";
      }
      out += "(";
      int64_t base = 0;
      for (int64_t d = 0; d < lead; ++d) {
        out += std::to_string(counter[size_t(d)] + 1) + ",";
        base += counter[size_t(d)] * leadStrides[size_t(d)];
      }
      out += ".,.) = \n";
      std::vector<double> block(values.begin() + base,
                                values.begin() + base + rows * cols);
      printMatrix(out, block, rows, cols, 80, 1);
      int64_t d = 0;
      for (; d < lead; ++d) {
        if (++counter[size_t(d)] < sizes[size_t(d)])
          break;
        counter[size_t(d)] = 0;
      }
      if (d == lead)
        break;
    }
  }
  out += "[ " + type + sizeList() + " ]";
  return out;
}

void ref::appendFormattedValue(std::string &out, const Value &v) {
  auto list = [&](const std::vector<Value> &items, const char *open,
                  const char *close) {
    out += open;
    for (size_t i = 0; i < items.size(); ++i) {
      if (i)
        out += ", ";
      appendFormattedValue(out, items[i]);
    }
    out += close;
  };
  switch (v.kind()) {
  case Value::Kind::None:
    out += "None";
    return;
  case Value::Kind::Int:
    out += std::to_string(v.toInt());
    return;
  case Value::Kind::Double:
    out += formatDouble(v.toDouble());
    return;
  case Value::Kind::Bool:
    out += v.toBool() ? "True" : "False";
    return;
  case Value::Kind::String:
  case Value::Kind::Device:
    out += v.toString();
    return;
  case Value::Kind::Tensor:
    out += formatTensor(v.toTensor());
    return;
  case Value::Kind::List:
    list(v.toList().items, "[", "]");
    return;
  case Value::Kind::Tuple:
    list(v.toTuple().items, "(", v.toTuple().items.size() == 1 ? ",)" : ")");
    return;
  case Value::Kind::Dict: {
    out += "{";
    bool first = true;
    for (const auto &[key, value] : v.toDict().entries) {
      if (!first)
        out += ", ";
      first = false;
      appendFormattedValue(out, key);
      out += ": ";
      appendFormattedValue(out, value);
    }
    out += "}";
    return;
  }
  case Value::Kind::Object: {
    // As Python prints an object without __str__.
    char buf[64];
    std::snprintf(buf, sizeof(buf), " object at %p>",
                  static_cast<const void *>(&v.toObject()));
    out += "<" + v.toObject().className + buf;
    return;
  }
  }
}

std::string ref::formatValue(const Value &v) {
  std::string out;
  appendFormattedValue(out, v);
  return out;
}

/// CPython's PySlice_AdjustIndices as TorchScript's slice_indices_adjust
/// uses it: `start`/`end` are None (nullopt) or ints; returns the element
/// count and sets `start` to the first index.
int64_t ref::adjustSlice(int64_t length, const Value &startV, const Value &endV,
                         int64_t step, int64_t &start) {
  if (step == 0)
    throw Error("slice step cannot be zero");
  if (step < -Int64Max)
    throw Error("slice step is out of bounds");
  start = startV.isNone() ? Int64Max : startV.toInt();
  int64_t stop = endV.isNone() ? Int64Max : endV.toInt();
  if (start == Int64Max)
    start = step < 0 ? Int64Max : 0;
  if (stop == Int64Max)
    stop = step < 0 ? Int64Min : Int64Max;
  if (start < 0) {
    start += length;
    if (start < 0)
      start = step < 0 ? -1 : 0;
  } else if (start >= length) {
    start = step < 0 ? length - 1 : length;
  }
  if (stop < 0) {
    stop += length;
    if (stop < 0)
      stop = step < 0 ? -1 : 0;
  } else if (stop >= length) {
    stop = step < 0 ? length - 1 : length;
  }
  if (step < 0) {
    if (stop < start)
      return (start - stop - 1) / (-step) + 1;
  } else if (start < stop) {
    return (stop - start - 1) / step + 1;
  }
  return 0;
}

namespace {

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

// Wrapping int64 arithmetic (TorchScript's ints overflow as C++'s do on
// two's complement hardware, without the undefined behaviour).
int64_t wrapAdd(int64_t a, int64_t b) {
  return int64_t(uint64_t(a) + uint64_t(b));
}
int64_t wrapSub(int64_t a, int64_t b) {
  return int64_t(uint64_t(a) - uint64_t(b));
}
int64_t wrapMul(int64_t a, int64_t b) {
  return int64_t(uint64_t(a) * uint64_t(b));
}
int64_t wrapNeg(int64_t a) { return int64_t(0 - uint64_t(a)); }

[[noreturn]] void zeroDivision() {
  throw Error("ZeroDivisionError: integer division or modulo by zero");
}

/// Python's `a // b` on ints (rounds toward negative infinity).
int64_t floorDivInt(int64_t a, int64_t b) {
  if (b == 0)
    zeroDivision();
  if (b == -1)
    return wrapNeg(a); // INT64_MIN // -1 wraps instead of trapping
  int64_t q = a / b, r = a % b;
  if (r != 0 && ((r < 0) != (b < 0)))
    --q;
  return q;
}

/// Python's `a % b` on ints (the result has the sign of b).
int64_t remainderInt(int64_t a, int64_t b) {
  if (b == 0)
    zeroDivision();
  if (b == -1)
    return 0;
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0)))
    r += b;
  return r;
}

/// TorchScript's float `%`: fmod(b + fmod(a, b), b).
double remainderFloat(double a, double b) {
  return std::fmod(b + std::fmod(a, b), b);
}

/// int ** int for a non-negative exponent, wrapping like TorchScript's loop.
int64_t powIntToInt(int64_t a, int64_t b) {
  if (b < 0)
    throw Error("Integers to negative integer powers are not allowed.");
  int64_t result = 1;
  while (b) {
    if (b & 1)
      result = wrapMul(result, a);
    b /= 2;
    a = wrapMul(a, a);
  }
  return result;
}

/// `int(d)`: truncation; nan and floats outside int64 give INT64_MIN, as the
/// x86 conversion TorchScript relies on does.
int64_t truncToInt(double d) {
  if (!fitsInt64(d))
    return Int64Min;
  return int64_t(d);
}

// Each op as an int and a float function; the kernels below pick by operand
// kinds.
struct AddOp {
  static int64_t i(int64_t a, int64_t b) { return wrapAdd(a, b); }
  static double f(double a, double b) { return a + b; }
};
struct SubOp {
  static int64_t i(int64_t a, int64_t b) { return wrapSub(a, b); }
  static double f(double a, double b) { return a - b; }
};
struct MulOp {
  static int64_t i(int64_t a, int64_t b) { return wrapMul(a, b); }
  static double f(double a, double b) { return a * b; }
};
struct DivOp {
  static double f(double a, double b) { return a / b; }
};
struct FloorDivOp {
  static int64_t i(int64_t a, int64_t b) { return floorDivInt(a, b); }
  static double f(double a, double b) { return std::floor(a / b); }
};
struct RemainderOp {
  static int64_t i(int64_t a, int64_t b) { return remainderInt(a, b); }
  static double f(double a, double b) { return remainderFloat(a, b); }
};
struct PowOp {
  static double f(double a, double b) { return std::pow(a, b); }
};
struct MinOp { // Python's min(a, b) as TorchScript writes it: a < b ? a : b
  static int64_t i(int64_t a, int64_t b) { return a < b ? a : b; }
  static double f(double a, double b) { return a < b ? a : b; }
};
struct MaxOp {
  static int64_t i(int64_t a, int64_t b) { return a > b ? a : b; }
  static double f(double a, double b) { return a > b ? a : b; }
};
struct AndOp {
  static int64_t i(int64_t a, int64_t b) { return a & b; }
};
struct OrOp {
  static int64_t i(int64_t a, int64_t b) { return a | b; }
};
struct XorOp {
  static int64_t i(int64_t a, int64_t b) { return a ^ b; }
};

/// Whether a Scalar operand holds a float (ints and bools are ints).
bool isFloat(const KernelContext &ctx, size_t i) {
  const Value &v = ctx.operand(i);
  if (!v.isScalar())
    throw Error("operand " + std::to_string(i) + ": expected a number, got " +
                Value::kindName(v.kind()));
  return v.isDouble();
}

/// `(int a, int b) -> int`.
template <typename Op> void intBinary(KernelContext &ctx) {
  ctx.setResult(0, Value(Op::i(ctx.getInt(0), ctx.getInt(1))));
}
/// `(float|int a, float|int b) -> float`.
template <typename Op> void floatBinary(KernelContext &ctx) {
  ctx.setResult(0, Value(Op::f(ctx.getDouble(0), ctx.getDouble(1))));
}
/// `(Scalar a, Scalar b) -> Scalar`: int when both are ints.
template <typename Op> void scalarBinary(KernelContext &ctx) {
  if (!isFloat(ctx, 0) && !isFloat(ctx, 1))
    ctx.setResult(0, Value(Op::i(ctx.getInt(0), ctx.getInt(1))));
  else
    ctx.setResult(0, Value(Op::f(ctx.getDouble(0), ctx.getDouble(1))));
}
/// `(bool a, bool b) -> bool` for & and |.
template <typename Op> void boolBinary(KernelContext &ctx) {
  ctx.setResult(0, Value(Op::i(ctx.getBool(0), ctx.getBool(1)) != 0));
}

void powIntToIntKernel(KernelContext &ctx) {
  ctx.setResult(0, Value(powIntToInt(ctx.getInt(0), ctx.getInt(1))));
}

void negInt(KernelContext &ctx) {
  ctx.setResult(0, Value(wrapNeg(ctx.getInt(0))));
}
void negFloat(KernelContext &ctx) {
  ctx.setResult(0, Value(-ctx.getDouble(0)));
}
void negScalar(KernelContext &ctx) {
  if (isFloat(ctx, 0))
    negFloat(ctx);
  else
    negInt(ctx);
}

void absInt(KernelContext &ctx) {
  int64_t a = ctx.getInt(0);
  ctx.setResult(0, Value(a < 0 ? wrapNeg(a) : a));
}
void absFloat(KernelContext &ctx) {
  ctx.setResult(0, Value(std::fabs(ctx.getDouble(0))));
}
void absScalar(KernelContext &ctx) {
  if (isFloat(ctx, 0))
    absFloat(ctx);
  else
    absInt(ctx);
}

/// Python's abs() of a tensor (prim.abs): torch.abs, same dtype, integers
/// wrapping (abs of the most negative value is itself), complex to its
/// magnitude's real dtype, bool unsupported as in PyTorch.
void absTensor(KernelContext &ctx) {
  Tensor x = ctx.tensor(0).contiguous();
  if (x.dtype() == DType::Bool)
    throw Error("\"abs_cpu\" not implemented for 'Bool'");
  if (isComplex(x.dtype())) {
    DType real = x.dtype() == DType::C64 ? DType::F32 : DType::F64;
    Tensor out = Tensor::zeros(real, x.sizes());
    dispatchAll(x.dtype(), "prim.abs", [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_same_v<T, std::complex<float>> ||
                    std::is_same_v<T, std::complex<double>>) {
        using R = typename T::value_type;
        const T *in = x.data<T>();
        R *o = out.mutableData<R>();
        for (int64_t i = 0; i < x.numel(); ++i)
          o[i] = std::abs(in[i]);
      }
    });
    ctx.setResult(0, Value(out));
    return;
  }
  Tensor out = Tensor::zeros(x.dtype(), x.sizes());
  dispatch(x.dtype(), "prim.abs", [&](auto tag) {
    using T = decltype(tag);
    const T *in = x.data<T>();
    T *o = out.mutableData<T>();
    for (int64_t i = 0; i < x.numel(); ++i) {
      if constexpr (std::is_same_v<T, bool>) {
        o[i] = in[i]; // rejected above
      } else if constexpr (std::is_integral_v<T>) {
        using U = std::make_unsigned_t<T>;
        o[i] = in[i] < 0 ? T(U(0) - U(in[i])) : in[i];
      } else {
        using M = opmath_t<T>; // float for Half and BFloat16
        o[i] = convert<T>(M(std::fabs(convert<M>(in[i]))));
      }
    }
  });
  ctx.setResult(0, Value(out));
}

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

void intFromNumber(KernelContext &ctx) {
  if (isFloat(ctx, 0))
    ctx.setResult(0, Value(truncToInt(ctx.getDouble(0))));
  else
    ctx.setResult(0, Value(ctx.getInt(0)));
}

void floatFromNumber(KernelContext &ctx) {
  ctx.setResult(0, Value(ctx.getDouble(0)));
}

void boolFromNumber(KernelContext &ctx) {
  if (isFloat(ctx, 0))
    ctx.setResult(0, Value(ctx.getDouble(0) != 0.0));
  else
    ctx.setResult(0, Value(ctx.getInt(0) != 0));
}

/// int("42"): std::stoll's grammar (leading whitespace, a sign, decimal
/// digits), and all of the string must be used.
void intFromStr(KernelContext &ctx) {
  const std::string &s = ctx.getString(0);
  const char *begin = s.c_str();
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(begin, &end, 10);
  if (end == begin || size_t(end - begin) != s.size())
    throw Error("invalid literal for int() with base 10: '" + s + "'");
  if (errno == ERANGE)
    throw Error("int() literal out of range for int64: '" + s + "'");
  ctx.setResult(0, Value(int64_t(v)));
}

/// float("2.5"): std::stod's grammar (strtod: also "nan", "inf", hex floats),
/// and all of the string must be used.
void floatFromStr(KernelContext &ctx) {
  const std::string &s = ctx.getString(0);
  const char *begin = s.c_str();
  char *end = nullptr;
  errno = 0;
  double v = std::strtod(begin, &end);
  if (end == begin || size_t(end - begin) != s.size())
    throw Error("could not convert string to float: '" + s + "'");
  if (errno == ERANGE)
    throw Error("float() literal out of range: '" + s + "'");
  ctx.setResult(0, Value(v));
}

//===----------------------------------------------------------------------===//
// Comparisons
//===----------------------------------------------------------------------===//

struct EqOp {
  template <typename T> static bool cmp(const T &a, const T &b) {
    return a == b;
  }
};
struct NeOp {
  template <typename T> static bool cmp(const T &a, const T &b) {
    return a != b;
  }
};
struct LtOp {
  template <typename T> static bool cmp(const T &a, const T &b) {
    return a < b;
  }
};
struct LeOp {
  template <typename T> static bool cmp(const T &a, const T &b) {
    return a <= b;
  }
};
struct GtOp {
  template <typename T> static bool cmp(const T &a, const T &b) {
    return a > b;
  }
};
struct GeOp {
  template <typename T> static bool cmp(const T &a, const T &b) {
    return a >= b;
  }
};

/// Numbers of any kinds: exact for two ints (or bools), in double otherwise.
template <typename Op> void compareNumbers(KernelContext &ctx) {
  bool r = !isFloat(ctx, 0) && !isFloat(ctx, 1)
               ? Op::cmp(ctx.getInt(0), ctx.getInt(1))
               : Op::cmp(ctx.getDouble(0), ctx.getDouble(1));
  ctx.setResult(0, Value(r));
}

/// Strings compare bytewise (and devices by name).
template <typename Op> void compareStrings(KernelContext &ctx) {
  ctx.setResult(0, Value(Op::cmp(ctx.getString(0), ctx.getString(1))));
}

void notBool(KernelContext &ctx) { ctx.setResult(0, Value(!ctx.getBool(0))); }

/// `a is b`: identity for lists, dicts, objects and tensors (a tensor is
/// "the same" when it is the same view of the same storage), value equality
/// of the same kind for None, ints, bools, strings and devices (immutable,
/// so identity is not observable beyond that), the same bits for floats,
/// element-wise for tuples.
bool isSame(const Value &a, const Value &b) {
  if (a.kind() != b.kind())
    return false;
  switch (a.kind()) {
  case Value::Kind::None:
    return true;
  case Value::Kind::Tuple: {
    const auto &x = a.toTuple().items, &y = b.toTuple().items;
    if (&x == &y)
      return true;
    if (x.size() != y.size())
      return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (!isSame(x[i], y[i]))
        return false;
    return true;
  }
  case Value::Kind::List:
    return &a.toList() == &b.toList();
  case Value::Kind::Double: { // the same bits: a nan is itself
    double x = a.toDouble(), y = b.toDouble();
    return std::memcmp(&x, &y, sizeof(double)) == 0;
  }
  default:
    return a == b; // tensors by view identity, dicts/objects by address
  }
}

void isKernel(KernelContext &ctx) {
  ctx.setResult(0, Value(isSame(ctx.operand(0), ctx.operand(1))));
}
void isNotKernel(KernelContext &ctx) {
  ctx.setResult(0, Value(!isSame(ctx.operand(0), ctx.operand(1))));
}

//===----------------------------------------------------------------------===//
// Strings
//===----------------------------------------------------------------------===//

void addStr(KernelContext &ctx) {
  ctx.setResult(0, Value(ctx.getString(0) + ctx.getString(1)));
}

void lenStr(KernelContext &ctx) {
  ctx.setResult(0, Value(int64_t(ctx.getString(0).size())));
}

void ordKernel(KernelContext &ctx) {
  const std::string &s = ctx.getString(0);
  if (s.size() != 1)
    throw Error("String for ord() must be 1 character, found " +
                std::to_string(s.size()));
  ctx.setResult(0, Value(int64_t(static_cast<unsigned char>(s[0]))));
}

void getItemStr(KernelContext &ctx) {
  const std::string &s = ctx.getString(0);
  int64_t index = ctx.getInt(1), n = int64_t(s.size());
  int64_t i = index < 0 ? index + n : index;
  if (i < 0 || i >= n)
    throw Error("string index " + std::to_string(index) +
                " out of range for a string of length " + std::to_string(n));
  ctx.setResult(0, Value(std::string(1, s[size_t(i)])));
}

void sliceStr(KernelContext &ctx) {
  const std::string &s = ctx.getString(0);
  int64_t step = ctx.getInt(3), start = 0;
  int64_t count = ref::adjustSlice(int64_t(s.size()), ctx.operand(1),
                                   ctx.operand(2), step, start);
  std::string out;
  for (int64_t k = 0, i = start; k < count; ++k, i += step)
    out += s[size_t(i)];
  ctx.setResult(0, Value(out));
}

void strKernel(KernelContext &ctx) {
  ctx.setResult(0, Value(ref::formatValue(ctx.operand(0))));
}

/// `"...{}...".format(args)`: each `{}` takes the next argument, printed as
/// str() does; other braces (`{0}`, `{x}`) are copied verbatim and surplus
/// arguments ignored, as in TorchScript.
void formatKernel(KernelContext &ctx) {
  const std::string &format = ctx.getString(0);
  size_t numArgs = ctx.numOperands() - 1, used = 0;
  std::string out;
  for (size_t begin = 0;;) {
    size_t loc = format.find("{}", begin);
    if (loc == std::string::npos) {
      out += format.substr(begin);
      break;
    }
    out += format.substr(begin, loc - begin);
    if (used >= numArgs)
      throw Error("Too few arguments for format string: " + format);
    ref::appendFormattedValue(out, ctx.operand(1 + used++));
    begin = loc + 2;
  }
  ctx.setResult(0, Value(out));
}

/// torch.device("cuda:1"): a known device type and an optional
/// non-negative index.
void deviceKernel(KernelContext &ctx) {
  const std::string &s = ctx.getString(0);
  static const char *const types[] = {
      "cpu",  "cuda", "mkldnn", "opengl", "opencl",       "ideep",  "hip",
      "ve",   "fpga", "ort",    "xla",    "lazy",         "vulkan", "mps",
      "meta", "hpu",  "ipu",    "xpu",    "privateuseone"};
  size_t colon = s.find(':');
  std::string type = s.substr(0, colon);
  bool known = false;
  for (const char *t : types)
    known |= type == t;
  if (!known)
    throw Error("Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, "
                "ideep, hip, ve, fpga, ort, xla, lazy, vulkan, mps, meta, hpu, "
                "privateuseone device type at start of device string: " +
                s);
  if (colon != std::string::npos) {
    std::string index = s.substr(colon + 1);
    bool digits = !index.empty() && index.size() < 10 &&
                  (index == "0" || index[0] != '0');
    for (char c : index)
      digits &= c >= '0' && c <= '9';
    if (!digits)
      throw Error("Invalid device string: '" + s + "'");
  }
  ctx.setResult(0, Value(Device{s}));
}

/// warnings.warn(msg): "UserWarning: msg" on stderr at every call (Python's
/// default filter would show it once per call site; TorchScript without
/// Python prints it every time).
void warnKernel(KernelContext &ctx) {
  std::cout.flush();
  std::cerr << "UserWarning: " << ctx.getString(0) << std::endl;
}

//===----------------------------------------------------------------------===//
// Loops and ranges
//===----------------------------------------------------------------------===//

/// The trip count of `range(lo, hi, step)`.
void rangeLength(KernelContext &ctx) {
  int64_t lo = ctx.getInt(0), hi = ctx.getInt(1), step = ctx.getInt(2);
  if (step == 0)
    throw Error("range() arg 3 must not be zero");
  // In unsigned arithmetic so that far-apart bounds do not overflow.
  int64_t n = 0;
  if (step > 0 && lo < hi)
    n = int64_t(1 + (uint64_t(hi) - 1 - uint64_t(lo)) / uint64_t(step));
  else if (step < 0 && lo > hi)
    n = int64_t(1 + (uint64_t(lo) - 1 - uint64_t(hi)) / (0 - uint64_t(step)));
  ctx.setResult(0, Value(n));
}

/// The value of the `index`th iteration of `range(start, _, step)`.
void deriveIndex(KernelContext &ctx) {
  int64_t index = ctx.getInt(0), start = ctx.getInt(1), step = ctx.getInt(2);
  ctx.setResult(0, Value(wrapAdd(start, wrapMul(index, step))));
}

//===----------------------------------------------------------------------===//
// prim ops on values and exceptions
//===----------------------------------------------------------------------===//

/// `raise cls(msg)`: the message as TorchScript reports it,
/// "builtins.ValueError: msg", or msg alone without a class (asserts carry
/// "AssertionError: ..." in msg itself).
void raiseException(KernelContext &ctx) {
  std::string msg = ctx.getString(0);
  if (ctx.numOperands() > 1 && !ctx.isNone(1))
    throw Error(ctx.getString(1) + ": " + msg);
  throw Error(msg);
}

/// print(a, b, ...): str() of each, separated by spaces, then a newline.
void printKernel(KernelContext &ctx) {
  std::string line;
  for (size_t i = 0; i < ctx.numOperands(); ++i) {
    if (i)
      line += " ";
    ref::appendFormattedValue(line, ctx.operand(i));
  }
  std::cout << line << std::endl;
}

void uninitialized(KernelContext &ctx) { ctx.setResult(0, Value()); }

void passThrough(KernelContext &ctx) { ctx.setResult(0, ctx.operand(0)); }

/// torch.jit._unwrap_optional: the value, or TorchScript's error for None.
void unwrapOptional(KernelContext &ctx) {
  if (ctx.isNone(0))
    throw Error("Unwrapping null optional");
  ctx.setResult(0, ctx.operand(0));
}

/// A parsed IR type (as printed: "tensor<2x?xf32>", "list<i64>",
/// "optional<tuple<i64, str>>", "object<\"__torch__.M\">") for isinstance.
struct TypePattern {
  std::string kind; // tensor, i64, f64, bool, str, none, device, any, list,
                    // optional, tuple, dict, object, or other
  std::string name; // object class
  std::vector<TypePattern> members;
};

TypePattern parseType(const std::string &s, size_t &pos) {
  auto skipSpaces = [&] {
    while (pos < s.size() && s[pos] == ' ')
      ++pos;
  };
  skipSpaces();
  TypePattern t;
  size_t begin = pos;
  while (pos < s.size() && (std::isalnum(static_cast<unsigned char>(s[pos])) ||
                            s[pos] == '_' || s[pos] == '!' || s[pos] == '.'))
    ++pos;
  t.kind = s.substr(begin, pos - begin);
  if (pos >= s.size() || s[pos] != '<')
    return t;
  ++pos;
  if (t.kind == "tensor") { // shape and dtype: isinstance ignores them
    int depth = 1;
    while (pos < s.size() && depth) {
      depth += s[pos] == '<' ? 1 : s[pos] == '>' ? -1 : 0;
      ++pos;
    }
    return t;
  }
  if (t.kind == "object") {
    // A quoted class name with `\XX` escapes.
    if (pos < s.size() && s[pos] == '"')
      ++pos;
    while (pos < s.size() && s[pos] != '"') {
      if (s[pos] == '\\' && pos + 2 < s.size()) {
        t.name += char(std::strtol(s.substr(pos + 1, 2).c_str(), nullptr, 16));
        pos += 3;
      } else {
        t.name += s[pos++];
      }
    }
    while (pos < s.size() && s[pos] != '>')
      ++pos;
    if (pos < s.size())
      ++pos;
    return t;
  }
  skipSpaces();
  while (pos < s.size() && s[pos] != '>') {
    t.members.push_back(parseType(s, pos));
    skipSpaces();
    if (pos < s.size() && s[pos] == ',')
      ++pos;
    else
      break;
  }
  if (pos < s.size() && s[pos] == '>')
    ++pos;
  return t;
}

/// Whether `v` is an instance of `t`, as far as its run-time kind tells:
/// a list's or dict's element type is checked on its elements (an empty
/// one matches any element type).
bool isInstance(const Value &v, const TypePattern &t) {
  const std::string &k = t.kind;
  if (k == "any")
    return true;
  if (k == "tensor")
    return v.isTensor();
  if (k == "i64")
    return v.isInt();
  if (k == "f64")
    return v.isDouble();
  if (k == "bool")
    return v.isBool();
  if (k == "str")
    return v.isString();
  if (k == "none")
    return v.isNone();
  if (k == "device")
    return v.isDevice();
  if (k == "optional")
    return v.isNone() || (t.members.size() == 1 && isInstance(v, t.members[0]));
  if (k == "list") {
    if (!v.isList() || t.members.size() != 1)
      return false;
    for (const Value &e : v.toList().items)
      if (!isInstance(e, t.members[0]))
        return false;
    return true;
  }
  if (k == "tuple") {
    if (!v.isTuple() || v.toTuple().items.size() != t.members.size())
      return false;
    for (size_t i = 0; i < t.members.size(); ++i)
      if (!isInstance(v.toTuple().items[i], t.members[i]))
        return false;
    return true;
  }
  if (k == "dict") {
    if (!v.isDict() || t.members.size() != 2)
      return false;
    for (const auto &[key, value] : v.toDict().entries)
      if (!isInstance(key, t.members[0]) || !isInstance(value, t.members[1]))
        return false;
    return true;
  }
  if (k == "object")
    return v.isObject() && v.toObject().className == t.name;
  return false;
}

/// isinstance(x, (T1, T2, ...)): the `types` attribute lists the types as
/// printed IR types.
void isInstanceKernel(KernelContext &ctx) {
  const Value *types = ctx.attr("types");
  if (!types)
    throw Error("prim.isinstance needs a 'types' attribute");
  std::vector<Value> list = types->isList() || types->isTuple()
                                ? types->items()
                                : std::vector<Value>{*types};
  bool result = false;
  for (const Value &t : list) {
    size_t pos = 0;
    result |= isInstance(ctx.operand(0), parseType(t.toString(), pos));
  }
  ctx.setResult(0, Value(result));
}

} // namespace

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

static const KernelEntry Kernels[] = {
    {"aten.add.int", intBinary<AddOp>},
    {"aten.add.float", floatBinary<AddOp>},
    {"aten.add.int_float", floatBinary<AddOp>},
    {"aten.add.float_int", floatBinary<AddOp>},
    {"aten.add", scalarBinary<AddOp>},
    {"aten.add.str", addStr},
    {"aten.sub.int", intBinary<SubOp>},
    {"aten.sub.float", floatBinary<SubOp>},
    {"aten.sub.int_float", floatBinary<SubOp>},
    {"aten.sub.float_int", floatBinary<SubOp>},
    {"aten.sub", scalarBinary<SubOp>},
    {"aten.mul.int", intBinary<MulOp>},
    {"aten.mul.float", floatBinary<MulOp>},
    {"aten.mul.int_float", floatBinary<MulOp>},
    {"aten.mul.float_int", floatBinary<MulOp>},
    {"aten.mul", scalarBinary<MulOp>},
    {"aten.div.int", floatBinary<DivOp>},
    {"aten.div.float", floatBinary<DivOp>},
    {"aten.div", floatBinary<DivOp>},
    {"aten.floordiv.int", intBinary<FloorDivOp>},
    {"aten.floordiv.float", floatBinary<FloorDivOp>},
    {"aten.floordiv.int_float", floatBinary<FloorDivOp>},
    {"aten.floordiv.float_int", floatBinary<FloorDivOp>},
    {"aten.floordiv", scalarBinary<FloorDivOp>},
    {"aten.remainder.int", intBinary<RemainderOp>},
    {"aten.remainder.float", floatBinary<RemainderOp>},
    {"aten.remainder.int_float", floatBinary<RemainderOp>},
    {"aten.remainder.float_int", floatBinary<RemainderOp>},
    {"aten.remainder", scalarBinary<RemainderOp>},
    {"aten.pow.int", floatBinary<PowOp>},
    {"aten.pow.float", floatBinary<PowOp>},
    {"aten.pow.int_float", floatBinary<PowOp>},
    {"aten.pow.float_int", floatBinary<PowOp>},
    {"aten.pow.Scalar_Scalar", floatBinary<PowOp>},
    {"aten.pow.int_to_int", powIntToIntKernel},
    {"aten.neg.int", negInt},
    {"aten.neg.float", negFloat},
    {"aten.neg.Scalar", negScalar},
    {"aten.Int.float", intFromNumber},
    {"aten.Int.bool", intFromNumber},
    {"aten.Int.Scalar", intFromNumber},
    {"aten.Int.str", intFromStr},
    {"aten.Float.int", floatFromNumber},
    {"aten.Float.bool", floatFromNumber},
    {"aten.Float.Scalar", floatFromNumber},
    {"aten.Float.str", floatFromStr},
    {"aten.Bool.int", boolFromNumber},
    {"aten.Bool.float", boolFromNumber},
    {"aten.eq.int", compareNumbers<EqOp>},
    {"aten.eq.float", compareNumbers<EqOp>},
    {"aten.eq.int_float", compareNumbers<EqOp>},
    {"aten.eq.float_int", compareNumbers<EqOp>},
    {"aten.eq.bool", compareNumbers<EqOp>},
    {"aten.eq.str", compareStrings<EqOp>},
    {"aten.eq.device", compareStrings<EqOp>},
    {"aten.eq", compareNumbers<EqOp>},
    {"aten.ne.int", compareNumbers<NeOp>},
    {"aten.ne.float", compareNumbers<NeOp>},
    {"aten.ne.int_float", compareNumbers<NeOp>},
    {"aten.ne.float_int", compareNumbers<NeOp>},
    {"aten.ne.bool", compareNumbers<NeOp>},
    {"aten.ne.str", compareStrings<NeOp>},
    {"aten.ne.device", compareStrings<NeOp>},
    {"aten.ne", compareNumbers<NeOp>},
    {"aten.lt.int", compareNumbers<LtOp>},
    {"aten.lt.float", compareNumbers<LtOp>},
    {"aten.lt.int_float", compareNumbers<LtOp>},
    {"aten.lt.float_int", compareNumbers<LtOp>},
    {"aten.lt.str", compareStrings<LtOp>},
    {"aten.le.int", compareNumbers<LeOp>},
    {"aten.le.float", compareNumbers<LeOp>},
    {"aten.le.int_float", compareNumbers<LeOp>},
    {"aten.le.float_int", compareNumbers<LeOp>},
    {"aten.le.str", compareStrings<LeOp>},
    {"aten.gt.int", compareNumbers<GtOp>},
    {"aten.gt.float", compareNumbers<GtOp>},
    {"aten.gt.int_float", compareNumbers<GtOp>},
    {"aten.gt.float_int", compareNumbers<GtOp>},
    {"aten.gt.str", compareStrings<GtOp>},
    {"aten.ge.int", compareNumbers<GeOp>},
    {"aten.ge.float", compareNumbers<GeOp>},
    {"aten.ge.int_float", compareNumbers<GeOp>},
    {"aten.ge.float_int", compareNumbers<GeOp>},
    {"aten.ge.str", compareStrings<GeOp>},
    {"aten.lt", compareNumbers<LtOp>},
    {"aten.le", compareNumbers<LeOp>},
    {"aten.gt", compareNumbers<GtOp>},
    {"aten.ge", compareNumbers<GeOp>},
    {"aten.__and__.bool", boolBinary<AndOp>},
    {"aten.__and__.int", intBinary<AndOp>},
    {"aten.__or__.bool", boolBinary<OrOp>},
    {"aten.__or__.int", intBinary<OrOp>},
    {"aten.__xor__.bool", boolBinary<XorOp>},
    {"aten.__xor__.int", intBinary<XorOp>},
    {"aten.__not__", notBool},
    {"aten.__is__", isKernel},
    {"aten.__isnot__", isNotKernel},
    {"aten.format", formatKernel},
    {"aten.device", deviceKernel},
    {"aten.len.str", lenStr},
    {"aten.ord", ordKernel},
    {"aten.str", strKernel},
    {"aten.__range_length", rangeLength},
    {"aten.__derive_index", deriveIndex},
    {"aten.__getitem__.str", getItemStr},
    {"aten.slice.str", sliceStr},
    {"aten.warn", warnKernel},
    {"prim.raise_exception", raiseException},
    {"prim.print", printKernel},
    {"prim.uninitialized", uninitialized},
    {"prim.unchecked_cast", passThrough},
    {"prim.unchecked_unwrap_optional", passThrough},
    {"aten._unwrap_optional", unwrapOptional},
    {"prim.isinstance", isInstanceKernel},
    {"prim.min.int", intBinary<MinOp>},
    {"prim.min.float", floatBinary<MinOp>},
    {"prim.min.int_float", floatBinary<MinOp>},
    {"prim.min.float_int", floatBinary<MinOp>},
    {"prim.min", scalarBinary<MinOp>},
    {"prim.max.int", intBinary<MaxOp>},
    {"prim.max.float", floatBinary<MaxOp>},
    {"prim.max.int_float", floatBinary<MaxOp>},
    {"prim.max.float_int", floatBinary<MaxOp>},
    {"prim.max", scalarBinary<MaxOp>},
    {"prim.abs.int", absInt},
    {"prim.abs.float", absFloat},
    {"prim.abs.Scalar", absScalar},
    {"prim.abs", absTensor},
};

void ref::registerScalarKernels(KernelRegistry &registry) {
  registry.add(Backend, Kernels);
}
