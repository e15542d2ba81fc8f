//===- Factory.cpp - Tensor factory kernels -------------------------------===//
//
// Reference kernels for the ops that make new tensors: zeros, ones, full,
// zeros_like, empty (zero-filled), eye, linspace, arange, torch.tensor from
// (nested) lists and numbers, and rand/randn. Every call returns a new,
// mutable, contiguous tensor (or, for zeros_like and empty with a memory
// format, a dense tensor in that layout). dtype None means float32, PyTorch's
// default dtype, except where PyTorch infers it from a value (full,
// torch.tensor). Layout, device and pin_memory arguments are accepted when they
// ask for nothing but a strided cpu tensor.
//
// rand and randn draw from a std::mt19937 seeded with 0 once per process:
// runs are reproducible, but the values differ from PyTorch's generator, so
// models using them can run but their outputs cannot be compared.
//
//===----------------------------------------------------------------------===//

#include "backends/reference/ReferenceKernels.h"
#include "backends/reference/ShapeUtils.h"

#include <mutex>
#include <random>

using namespace irc::rt;
using namespace irc::rt::ref::shape;

namespace {

/// The sizes of a `SymInt[] size` operand; negative sizes are an Error with
/// PyTorch's message.
Shape sizeOperand(const KernelContext &ctx, size_t i) {
  Shape sizes = ctx.getIntList(i);
  for (int64_t s : sizes)
    if (s < 0) {
      std::string list = "[";
      for (size_t k = 0; k < sizes.size(); ++k)
        list += (k ? ", " : "") + std::to_string(sizes[k]);
      throw Error("Trying to create tensor with negative dimension " +
                  std::to_string(s) + ": " + list + "]");
    }
  return sizes;
}

/// Checks the `Layout? layout, Device? device, bool? pin_memory` operands
/// starting at `first`.
void checkOptions(const KernelContext &ctx, size_t first) {
  checkLayout(ctx.operand(first));
  checkDevice(ctx.operand(first + 1));
  checkPinMemory(ctx.operand(first + 2));
}

// zeros(size, *, dtype, layout, device, pin_memory)
void zeros(KernelContext &ctx) {
  Shape sizes = sizeOperand(ctx, 0);
  DType dtype = optionalDType(ctx, 1, DType::F32);
  checkOptions(ctx, 2);
  ctx.setResult(0, Tensor::zeros(dtype, sizes));
}

// ones(size, *, dtype, layout, device, pin_memory)
void ones(KernelContext &ctx) {
  Shape sizes = sizeOperand(ctx, 0);
  DType dtype = optionalDType(ctx, 1, DType::F32);
  checkOptions(ctx, 2);
  Tensor out = Tensor::zeros(dtype, sizes);
  fillScalar(out, Value(int64_t(1)));
  ctx.setResult(0, out);
}

// zeros_like(self, *, dtype, layout, device, pin_memory, memory_format):
// MemoryFormat None (preserve) keeps self's dense layout, as PyTorch does.
void zerosLikeKernel(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  DType dtype = optionalDType(ctx, 1, self.dtype());
  checkOptions(ctx, 2);
  int64_t format = optionalMemoryFormat(ctx.operand(5));
  ctx.setResult(0, zerosLike(self, dtype, format));
}

// empty.memory_format(size, *, dtype, layout, device, pin_memory,
// memory_format): zero-filled, so programs that read it are deterministic.
void empty(KernelContext &ctx) {
  Shape sizes = sizeOperand(ctx, 0);
  DType dtype = optionalDType(ctx, 1, DType::F32);
  checkOptions(ctx, 2);
  int64_t format = optionalMemoryFormat(ctx.operand(5));
  if (format == ChannelsLast || format == ChannelsLast3d)
    ctx.setResult(
        0, zerosStrided(dtype, sizes, channelsLastStrides(sizes, format)));
  else
    ctx.setResult(0, Tensor::zeros(dtype, sizes));
}

// full(size, fill_value, *, dtype, layout, device, pin_memory): dtype None
// is inferred from the fill value (bool, int64, or the default float32).
void full(KernelContext &ctx) {
  Shape sizes = sizeOperand(ctx, 0);
  const Value &fill = ctx.operand(1);
  if (!fill.isScalar())
    throw Error(std::string("full(): fill_value must be a number, got ") +
                Value::kindName(fill.kind()));
  DType inferred = fill.isBool()  ? DType::Bool
                   : fill.isInt() ? DType::I64
                                  : DType::F32;
  DType dtype = optionalDType(ctx, 2, inferred);
  checkOptions(ctx, 3);
  Tensor out = Tensor::zeros(dtype, sizes);
  fillScalar(out, fill);
  ctx.setResult(0, out);
}

Tensor eyeOf(int64_t n, int64_t m, DType dtype) {
  if (n < 0)
    throw Error("n must be greater or equal to 0, got " + std::to_string(n));
  if (m < 0)
    throw Error("m must be greater or equal to 0, got " + std::to_string(m));
  Tensor out = Tensor::zeros(dtype, {n, m});
  dispatchAll(dtype, "eye", [&](auto tag) {
    using T = decltype(tag);
    T *p = out.mutableData<T>();
    for (int64_t i = 0; i < std::min(n, m); ++i)
      p[i * m + i] = checkedFromInt<T>(1);
  });
  return out;
}

// eye(n, *, dtype, layout, device, pin_memory)
void eye(KernelContext &ctx) {
  int64_t n = ctx.getInt(0);
  DType dtype = optionalDType(ctx, 1, DType::F32);
  checkOptions(ctx, 2);
  ctx.setResult(0, eyeOf(n, n, dtype));
}

// eye.m(n, m, *, dtype, layout, device, pin_memory)
void eyeM(KernelContext &ctx) {
  int64_t n = ctx.getInt(0), m = ctx.getInt(1);
  DType dtype = optionalDType(ctx, 2, DType::F32);
  checkOptions(ctx, 3);
  ctx.setResult(0, eyeOf(n, m, dtype));
}

/// A Scalar operand as element type T, with fill_'s overflow check.
template <typename T> T scalarAs(const Value &v) {
  return v.isDouble() ? checkedFromDouble<T>(v.toDouble())
                      : checkedFromInt<T>(v.toInt());
}

// linspace(start, end, steps, *, dtype, layout, device, pin_memory), as
// ATen's CPU kernel computes it: start and end are first converted to the
// dtype, the first half of the points counts up from start and the second
// half down from end; integer dtypes step in double and truncate.
void linspace(KernelContext &ctx) {
  const Value &startV = ctx.operand(0), &endV = ctx.operand(1);
  if (!startV.isScalar() || !endV.isScalar())
    throw Error("linspace(): start and end must be numbers");
  int64_t steps = ctx.getInt(2);
  DType dtype = optionalDType(ctx, 3, DType::F32);
  checkOptions(ctx, 4);
  if (steps < 0)
    throw Error("number of steps must be non-negative");
  if (dtype == DType::Bool || isComplex(dtype))
    throw Error(std::string("linspace: dtype ") + dtypeName(dtype) +
                " is not supported");
  Tensor out = Tensor::zeros(dtype, {steps});
  dispatch(dtype, "linspace", [&](auto tag) {
    using T = decltype(tag);
    T *p = out.mutableData<T>();
    T start = scalarAs<T>(startV), end = scalarAs<T>(endV);
    if (steps == 1) {
      p[0] = start;
      return;
    }
    int64_t halfway = steps / 2;
    if constexpr (std::is_integral_v<T>) {
      double step = (double(end) - double(start)) / double(steps - 1);
      for (int64_t i = 0; i < steps; ++i) {
        double v = i < halfway ? double(start) + step * double(i)
                               : double(end) - step * double(steps - i - 1);
        p[i] = static_cast<T>(v);
      }
    } else {
      // Computed in T's own precision (float for Half and BFloat16, with
      // the step rounded to T), as ATen's scalar loop does.
      using M = opmath_t<T>;
      M s = M(start), e = M(end);
      M step = M(convert<T>((e - s) / M(steps - 1)));
      for (int64_t i = 0; i < steps; ++i)
        p[i] = convert<T>(i < halfway ? s + step * M(i)
                                      : e - step * M(steps - i - 1));
    }
  });
  ctx.setResult(0, out);
}

/// The type ATen's arange computes in: double for float32/float64 (CPU
/// acc_type), float for Half and BFloat16, int64 for the integer types.
template <typename T> struct ArangeAcc { using type = int64_t; };
template <> struct ArangeAcc<float> { using type = double; };
template <> struct ArangeAcc<double> { using type = double; };
template <> struct ArangeAcc<Half> { using type = float; };
template <> struct ArangeAcc<BFloat16> { using type = float; };

/// A number for an arange error message, as c10 prints one.
template <typename A> std::string numberText(A v) {
  if constexpr (std::is_integral_v<A>)
    return std::to_string(v);
  else
    return Value(double(v)).describe();
}

/// arange(end), arange.start and arange.start_step, as ATen's CPU kernel:
/// dtype None is int64 unless a bound or the step is a float (then float32);
/// start, end and step are converted to the accumulate type (an Error when
/// they do not fit; 0.5 is 0 for an integer dtype); the length is
/// ceil((end - start) / step), computed in double (for int64 from the
/// converted ints), and element i is start + i * step in the accumulate
/// type, then converted.
void arangeImpl(KernelContext &ctx, const Value &start, const Value &end,
                const Value &step, size_t dtypeOperand) {
  for (const Value *v : {&start, &end, &step})
    if (!v->isScalar())
      throw Error(std::string("arange(): expected a number, got ") +
                  Value::kindName(v->kind()));
  bool anyFloat = start.isDouble() || end.isDouble() || step.isDouble();
  DType dtype =
      optionalDType(ctx, dtypeOperand, anyFloat ? DType::F32 : DType::I64);
  checkOptions(ctx, dtypeOperand + 1);
  if (dtype == DType::Bool)
    throw Error("\"arange_cpu\" not implemented for 'Bool'");
  Tensor out;
  dispatch(dtype, "arange", [&](auto tag) {
    using T = decltype(tag);
    using A = typename ArangeAcc<T>::type;
    A xstart = scalarAs<A>(start), xend = scalarAs<A>(end),
      xstep = scalarAs<A>(step);
    if (!(xstep > 0 || xstep < 0))
      throw Error("step must be nonzero");
    if (!std::isfinite(double(xstart)) || !std::isfinite(double(xend)))
      throw Error("unsupported range: " + numberText(xstart) + " -> " +
                  numberText(xend));
    if (!((xstep > 0 && xend >= xstart) || (xstep < 0 && xend <= xstart)))
      throw Error("upper bound and larger bound inconsistent with step sign");
    double sized;
    if constexpr (std::is_same_v<T, int64_t>)
      sized = std::ceil(double(int64_t(uint64_t(xend) - uint64_t(xstart))) /
                        double(xstep));
    else
      sized = std::ceil((end.toDouble() - start.toDouble()) / step.toDouble());
    if (!(sized >= 0 && sized <= double(std::numeric_limits<int64_t>::max())))
      throw Error("invalid size, possible overflow?");
    out = Tensor::zeros(dtype, {int64_t(sized)});
    T *p = out.mutableData<T>();
    for (int64_t i = 0, n = out.numel(); i < n; ++i) {
      if constexpr (std::is_integral_v<A>)
        p[i] = static_cast<T>(
            int64_t(uint64_t(xstart) + uint64_t(xstep) * uint64_t(i)));
      else
        p[i] = convert<T>(A(xstart + xstep * A(i)));
    }
  });
  ctx.setResult(0, out);
}

// arange(end, *, dtype, layout, device, pin_memory)
void arange(KernelContext &ctx) {
  arangeImpl(ctx, Value(int64_t(0)), ctx.operand(0), Value(int64_t(1)), 1);
}
// arange.start(start, end, *, dtype, layout, device, pin_memory)
void arangeStart(KernelContext &ctx) {
  arangeImpl(ctx, ctx.operand(0), ctx.operand(1), Value(int64_t(1)), 2);
}
// arange.start_step(start, end, step, *, dtype, layout, device, pin_memory)
void arangeStartStep(KernelContext &ctx) {
  arangeImpl(ctx, ctx.operand(0), ctx.operand(1), ctx.operand(2), 3);
}

/// The generator rand and randn draw from: seeded with 0 once per process.
std::mt19937 &randomEngine() {
  static std::mt19937 engine(0);
  return engine;
}
std::mutex &randomMutex() {
  static std::mutex m;
  return m;
}

template <bool Normal> void randomFill(KernelContext &ctx) {
  Shape sizes = sizeOperand(ctx, 0);
  DType dtype = optionalDType(ctx, 1, DType::F32);
  checkOptions(ctx, 2);
  if (!isFloatingPoint(dtype))
    throw Error(std::string(Normal ? "randn" : "rand") + ": dtype " +
                dtypeName(dtype) + " is not supported (a floating dtype is " +
                "required)");
  Tensor out = Tensor::zeros(dtype, sizes);
  std::lock_guard<std::mutex> lock(randomMutex());
  dispatch(dtype, "random", [&](auto tag) {
    using T = decltype(tag);
    T *p = out.mutableData<T>();
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::normal_distribution<double> normal(0.0, 1.0);
    for (int64_t i = 0; i < out.numel(); ++i) {
      double v = Normal ? normal(randomEngine()) : uniform(randomEngine());
      T x = convert<T>(v);
      // Rounding to a narrow type may reach 1; rand's range is [0, 1).
      if (!Normal && convert<double>(x) >= 1.0)
        x = convert<T>(0.0);
      p[i] = x;
    }
  });
  ctx.setResult(0, out);
}

// --- torch.tensor ---

/// `float` as torch.tensor stores a Python float into a float32 tensor:
/// out-of-range finite values become infinities.
float toFloat32(double v) {
  if (std::isfinite(v) &&
      std::fabs(v) > double(std::numeric_limits<float>::max()))
    return v > 0 ? std::numeric_limits<float>::infinity()
                 : -std::numeric_limits<float>::infinity();
  return static_cast<float>(v);
}

/// The sizes of a nested list, following first elements as
/// TorchScript's compute_sizes does; `leaf` is set to the first number found
/// (null for an empty list).
Shape nestedSizes(const Value &data, const Value *&leaf) {
  Shape sizes;
  const Value *cur = &data;
  leaf = nullptr;
  while (true) {
    const std::vector<Value> &items = cur->items();
    sizes.push_back(int64_t(items.size()));
    if (items.empty())
      return sizes;
    if (!items[0].isList() && !items[0].isTuple()) {
      leaf = &items[0];
      return sizes;
    }
    cur = &items[0];
  }
}

/// Stores the numbers of `seq` (a nested list with `sizes` from `dim` on)
/// into `out`, contiguous, checking that every sublist has the right length.
template <typename T>
void storeNested(const Value &seq, const Shape &sizes, size_t dim, T *&out) {
  const std::vector<Value> &items = seq.items();
  if (int64_t(items.size()) != sizes[dim])
    throw Error("Expected sequence of length " + std::to_string(sizes[dim]) +
                " at dim " + std::to_string(dim) + " (got " +
                std::to_string(items.size()) + ")");
  if (dim + 1 < sizes.size()) {
    for (const Value &v : items)
      storeNested<T>(v, sizes, dim + 1, out);
    return;
  }
  for (const Value &v : items) {
    if (!v.isScalar())
      throw Error(std::string("torch.tensor(): expected a number, got ") +
                  Value::kindName(v.kind()));
    if constexpr (std::is_same_v<T, float>)
      *out++ = toFloat32(v.toDouble());
    else if constexpr (std::is_same_v<T, bool>)
      *out++ = v.isDouble() ? v.toDouble() != 0 : v.toInt() != 0;
    else
      *out++ =
          v.isDouble() ? checkedFromDouble<int64_t>(v.toDouble()) : v.toInt();
  }
}

/// Converts a freshly made tensor to the `ScalarType? dtype` operand, as
/// torch.tensor's final `.to(dtype)` does (a plain conversion).
Tensor castToDtype(const KernelContext &ctx, size_t i, Tensor t) {
  if (ctx.isNone(i))
    return t;
  DType dtype = fromScalarType(ctx.getInt(i));
  return dtype == t.dtype() ? t : t.to(dtype);
}

// tensor(t[] data, *, dtype, device, requires_grad): ints give int64, bools
// bool, floats the default float32 (floats are stored as float32 before a
// dtype argument converts them, as TorchScript does). An empty list has no
// element to infer from and gives float32.
void tensorFromList(KernelContext &ctx) {
  const Value &data = ctx.operand(0);
  checkDevice(ctx.operand(2));
  const Value *leaf = nullptr;
  Shape sizes = nestedSizes(data, leaf);
  DType dtype = !leaf || leaf->isDouble() ? DType::F32
                : leaf->isBool()          ? DType::Bool
                : leaf->isInt()           ? DType::I64
                                          : DType::F32;
  if (leaf && !leaf->isScalar())
    throw Error(std::string("Input must be of ints, floats, or bools, got ") +
                Value::kindName(leaf->kind()));
  Tensor out = Tensor::zeros(dtype, sizes);
  if (out.numel() != 0) {
    if (dtype == DType::F32) {
      float *p = out.mutableData<float>();
      storeNested<float>(data, sizes, 0, p);
    } else if (dtype == DType::Bool) {
      bool *p = out.mutableData<bool>();
      storeNested<bool>(data, sizes, 0, p);
    } else {
      int64_t *p = out.mutableData<int64_t>();
      storeNested<int64_t>(data, sizes, 0, p);
    }
  }
  ctx.setResult(0, castToDtype(ctx, 1, out));
}

// tensor.float / tensor.int / tensor.bool (t, *, dtype, device,
// requires_grad): a 0-d float32 / int64 / bool tensor filled with t (with
// fill_'s overflow check), then converted to dtype.
void tensorFromNumber(KernelContext &ctx) {
  const Value &v = ctx.operand(0);
  checkDevice(ctx.operand(2));
  if (!v.isScalar())
    throw Error(std::string("torch.tensor(): expected a number, got ") +
                Value::kindName(v.kind()));
  DType dtype = v.isDouble() ? DType::F32
                : v.isBool() ? DType::Bool
                             : DType::I64;
  Tensor out = Tensor::zeros(dtype, {});
  fillScalar(out, v);
  ctx.setResult(0, castToDtype(ctx, 1, out));
}

} // namespace

static const KernelEntry Kernels[] = {
    {"aten.zeros", zeros},
    {"aten.ones", ones},
    {"aten.zeros_like", zerosLikeKernel},
    {"aten.empty.memory_format", empty},
    {"aten.full", full},
    {"aten.eye", eye},
    {"aten.eye.m", eyeM},
    {"aten.linspace", linspace},
    {"aten.arange", arange},
    {"aten.arange.start", arangeStart},
    {"aten.arange.start_step", arangeStartStep},
    {"aten.rand", randomFill<false>},
    {"aten.randn", randomFill<true>},
    {"aten.tensor", tensorFromList},
    {"aten.tensor.float", tensorFromNumber},
    {"aten.tensor.int", tensorFromNumber},
    {"aten.tensor.bool", tensorFromNumber},
};

void ref::registerFactoryKernels(KernelRegistry &registry) {
  registry.add(Backend, Kernels);
}
