//===- ShapeUtils.h - Helpers shared by the shape and factory kernels -*- C++
//-*-===//
//
// Small helpers used by Shape.cpp and Factory.cpp: reading the optional
// dtype/layout/device/pin_memory/memory_format arguments of factory-style
// schemas, filling a tensor with a Scalar the way aten::fill_ does (with
// PyTorch's overflow check), and allocating tensors with the strides a
// memory format asks for.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_BACKENDS_REFERENCE_SHAPEUTILS_H
#define IRC_BACKENDS_REFERENCE_SHAPEUTILS_H

#include "runtime/Kernel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace irc::rt::ref::shape {

/// MemoryFormat codes as TorchScript passes them.
enum MemoryFormat : int64_t {
  Contiguous = 0,
  Preserve = 1,
  ChannelsLast = 2,
  ChannelsLast3d = 3,
};

/// The dtype of a `ScalarType?` operand, or `dflt` when it is None.
inline DType optionalDType(const KernelContext &ctx, size_t i, DType dflt) {
  if (ctx.isNone(i))
    return dflt;
  return fromScalarType(ctx.getInt(i));
}

/// Accepts a `Device?` operand that is None or the cpu ("cpu", "cpu:0").
inline void checkDevice(const Value &v) {
  if (v.isNone())
    return;
  const std::string &name = v.toString();
  bool cpu = name == "cpu" ||
             (name.size() > 4 && name.compare(0, 4, "cpu:") == 0 &&
              std::all_of(name.begin() + 4, name.end(),
                          [](char c) { return c >= '0' && c <= '9'; }));
  if (!cpu)
    throw Error("device '" + name +
                "' is not supported: the reference backend runs on the cpu");
}

/// Accepts a `Layout?` operand that is None or torch.strided (0).
inline void checkLayout(const Value &v) {
  if (!v.isNone() && v.toInt() != 0)
    throw Error("layout " + std::to_string(v.toInt()) +
                " is not supported: only torch.strided tensors are");
}

/// Accepts a `bool? pin_memory` operand that is None or False.
inline void checkPinMemory(const Value &v) {
  if (!v.isNone() && v.toBool())
    throw Error("pin_memory=True is not supported: there is no accelerator "
                "to pin memory for");
}

/// The MemoryFormat of a `MemoryFormat?` operand (None is Preserve).
inline int64_t optionalMemoryFormat(const Value &v) {
  if (v.isNone())
    return Preserve;
  int64_t f = v.toInt();
  if (f < Contiguous || f > ChannelsLast3d)
    throw Error("unknown memory format " + std::to_string(f));
  return f;
}

[[noreturn]] inline void overflowError(DType dtype) {
  throw Error(std::string("value cannot be converted to type ") +
              dtypeName(dtype) + " without overflow");
}

template <typename T> constexpr bool isComplexT() {
  return std::is_same_v<T, std::complex<float>> ||
         std::is_same_v<T, std::complex<double>>;
}

/// The largest finite value of a floating type T (Half and BFloat16
/// included).
template <typename T> double floatMax() {
  if constexpr (std::is_same_v<T, Half>)
    return 65504.0;
  else if constexpr (std::is_same_v<T, BFloat16>)
    return 3.3895313892515355e38;
  else
    return double(std::numeric_limits<T>::max());
}

/// An int Scalar as element type T, as c10's checked_convert does it:
/// integers out of T's range are an Error, except that negative values wrap
/// into unsigned types down to -max (uint8 accepts -1 as 255).
template <typename T> T checkedFromInt(int64_t v) {
  if constexpr (isComplexT<T>())
    return T(typename T::value_type(v));
  else if constexpr (std::is_same_v<T, bool>)
    return v != 0;
  else if constexpr (std::is_integral_v<T>) {
    using L = std::numeric_limits<T>;
    if constexpr (!L::is_signed) {
      if (v > int64_t(L::max()) || (v < 0 && -(uint64_t)v > uint64_t(L::max())))
        overflowError(dtypeOf<T>());
    } else if (v < int64_t(L::lowest()) || v > int64_t(L::max())) {
      overflowError(dtypeOf<T>());
    }
    return static_cast<T>(v);
  } else {
    double d = double(v);
    if (std::fabs(d) > floatMax<T>())
      overflowError(dtypeOf<T>());
    return convert<T>(d);
  }
}

/// A float Scalar as element type T, as c10's checked_convert does it:
/// finite values outside T's range and NaN or infinity into an integer type
/// are an Error; bool takes `v != 0`; floats to integers truncate.
template <typename T> T checkedFromDouble(double v) {
  if constexpr (isComplexT<T>())
    return T(typename T::value_type(v));
  else if constexpr (std::is_same_v<T, bool>)
    return v != 0;
  else if constexpr (std::is_integral_v<T>) {
    using L = std::numeric_limits<T>;
    // -2^63 .. 2^63 exclusive for int64 (the bounds as doubles).
    double lo = double(L::lowest()), hi = double(L::max());
    if (!(v >= lo) || !(std::is_same_v<T, int64_t> ? v < hi : v <= hi))
      overflowError(dtypeOf<T>());
    return static_cast<T>(v);
  } else {
    if (std::isfinite(v) && std::fabs(v) > floatMax<T>())
      overflowError(dtypeOf<T>());
    return convert<T>(v);
  }
}

/// Sets every element of `t` (through its strides) to the Scalar `v`, as
/// `t.fill_(v)` does.
inline void fillScalar(Tensor &t, const Value &v) {
  dispatchAll(t.dtype(), "fill_", [&](auto tag) {
    using T = decltype(tag);
    T x = v.isDouble() ? checkedFromDouble<T>(v.toDouble())
                       : checkedFromInt<T>(v.toInt());
    T *p = t.mutableData<T>();
    forEachOffset(t.sizes(), t.strides(), [&](int64_t o) { p[o] = x; });
  });
}

/// The channels-last strides of a 4-d (or, with ChannelsLast3d, 5-d)
/// shape; Error for another rank.
inline Shape channelsLastStrides(const Shape &sizes, int64_t format) {
  size_t rank = format == ChannelsLast ? 4 : 5;
  if (sizes.size() != rank)
    throw Error(std::string("required rank ") + std::to_string(rank) +
                " tensor to use " +
                (rank == 4 ? "channels_last" : "channels_last_3d") + " format");
  // Channels innermost, then the spatial dims from the last, then batch.
  std::vector<size_t> order = {1};
  for (size_t d = rank - 1; d >= 2; --d)
    order.push_back(d);
  order.push_back(0);
  Shape strides(rank);
  int64_t s = 1;
  for (size_t d : order) {
    strides[d] = s;
    s *= std::max<int64_t>(sizes[d], 1);
  }
  return strides;
}

/// Whether `t` is laid out as `format` (Contiguous, ChannelsLast or
/// ChannelsLast3d), ignoring the strides of size-1 dims as PyTorch does.
inline bool isInMemoryFormat(const Tensor &t, int64_t format) {
  if (format == Preserve)
    return true;
  if (format == Contiguous)
    return t.isContiguous();
  size_t rank = format == ChannelsLast ? 4 : 5;
  if (size_t(t.dim()) != rank)
    return false;
  std::vector<size_t> order = {1};
  for (size_t d = rank - 1; d >= 2; --d)
    order.push_back(d);
  order.push_back(0);
  int64_t expected = 1;
  for (size_t d : order) {
    int64_t size = t.sizes()[d];
    if (size != 1) {
      if (t.strides()[d] != expected)
        return false;
      expected *= size;
    }
  }
  return true;
}

/// c10's is_non_overlapping_and_dense: the elements exactly fill a block of
/// storage, in some order of the dims.
inline bool isNonOverlappingAndDense(const Tensor &t) {
  const Shape &sizes = t.sizes(), &strides = t.strides();
  size_t rank = sizes.size();
  if (rank == 1)
    return sizes[0] < 2 || strides[0] == 1;
  std::vector<size_t> perm(rank);
  std::iota(perm.begin(), perm.end(), 0);
  std::stable_sort(perm.begin(), perm.end(), [&](size_t a, size_t b) {
    if (sizes[a] < 2)
      return false;
    if (sizes[b] < 2)
      return true;
    return strides[a] < strides[b];
  });
  int64_t require = 1;
  for (size_t d : perm) {
    if (sizes[d] < 2)
      return true;
    if (strides[d] != require)
      return false;
    require *= sizes[d];
  }
  return true;
}

/// The strides a copy of `t` gets under MemoryFormat::Preserve: `t`'s own
/// when it is dense and non-overlapping, else ATen's infer_dense_strides
/// (dims ordered by stride, stride-0 dims keeping their place, size-1 dims
/// not counted).
inline Shape preservedStrides(const Tensor &t) {
  if (isNonOverlappingAndDense(t))
    return t.strides();
  const Shape &sizes = t.sizes(), &strides = t.strides();
  size_t rank = sizes.size();
  // -1: dim0 is inner, 1: swap, 0: ambiguous (keep the order).
  auto shouldSwap = [&](int64_t d0, int64_t d1) {
    int64_t s0 = strides[d0], s1 = strides[d1];
    if (s0 == 0 || s1 == 0)
      return 0;
    if (s0 < s1)
      return -1;
    if (s0 > s1)
      return 1;
    return sizes[d0] > sizes[d1] ? 1 : 0;
  };
  // perm lists dims innermost first; insertion sort as ATen does.
  std::vector<int64_t> perm(rank);
  for (size_t i = 0; i < rank; ++i)
    perm[i] = int64_t(rank - 1 - i);
  for (size_t i = 1; i < rank; ++i) {
    size_t d1 = i;
    for (size_t j = 1; j <= i; ++j) {
      size_t d0 = i - j;
      int c = shouldSwap(perm[d0], perm[d1]);
      if (c > 0) {
        std::swap(perm[d0], perm[d1]);
        d1 = d0;
      } else if (c < 0) {
        break;
      }
    }
  }
  Shape out(rank);
  int64_t s = 1;
  for (size_t i = 0; i < rank; ++i) {
    out[perm[i]] = s;
    if (sizes[perm[i]] > 1)
      s *= sizes[perm[i]];
  }
  return out;
}

/// A new zero tensor with `sizes` and `strides`, which must describe a
/// dense, non-overlapping layout (a permutation of contiguous strides,
/// size-1 dims aside).
inline Tensor zerosStrided(DType dtype, const Shape &sizes,
                           const Shape &strides) {
  int64_t n = numelOf(sizes);
  Tensor flat = Tensor::zeros(dtype, {n});
  if (n == 0)
    return Tensor::zeros(dtype, sizes);
  return flat.asStrided(sizes, strides, 0);
}

/// A new zero tensor shaped like `t`, of `dtype`, laid out as `format`
/// (Preserve keeps `t`'s dense layout, as empty_like does).
inline Tensor zerosLike(const Tensor &t, DType dtype, int64_t format) {
  switch (format) {
  case Contiguous:
    return Tensor::zeros(dtype, t.sizes());
  case Preserve:
    return zerosStrided(dtype, t.sizes(), preservedStrides(t));
  default:
    return zerosStrided(dtype, t.sizes(),
                        channelsLastStrides(t.sizes(), format));
  }
}

} // namespace irc::rt::ref::shape

#endif // IRC_BACKENDS_REFERENCE_SHAPEUTILS_H
