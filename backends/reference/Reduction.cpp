//===- Reduction.cpp - Reference reduction kernels ------------------------===//
//
// Reductions in PyTorch 1.13 semantics: sum, mean, max/min (whole tensor and
// along a dim, with indices), argmax, the p-norms (norm.*, frobenius_norm,
// linalg_vector_norm), softmax/log_softmax along a dim, and topk.
//
// Every reduction goes through one plan: the input's dims are split into the
// kept dims and the reduced dims; for each output element (kept dims in C
// order, which is the output's C order with or without keepdim) the reduced
// elements are gathered in C order of the reduced dims and folded. Inputs may
// be strided views; outputs are new contiguous tensors.
//
// Numerics: floating sums, means and norms accumulate in double and round
// once to the result dtype (PyTorch accumulates float32 in float32, so an
// intermediate that overflows float there, e.g. the squares in the 2-norm of
// 1e30, can be finite here). Integer sums wrap around as in PyTorch.
// Softmax subtracts the line's maximum before exponentiating.
//
//===----------------------------------------------------------------------===//

#include "backends/reference/Promote.h"
#include "backends/reference/ReferenceKernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

using namespace irc::rt;

namespace {

template <typename T> constexpr bool isFloatType() {
  return std::is_same_v<T, float> || std::is_same_v<T, double> ||
         std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;
}

template <typename T> bool isNaN(T v) {
  if constexpr (isFloatType<T>())
    return std::isnan(static_cast<double>(static_cast<opmath_t<T>>(v)));
  else
    return false;
}

/// `a > b` (or `a < b`) computed in T's op-math type.
template <typename T> bool greater(T a, T b) {
  return static_cast<opmath_t<T>>(a) > static_cast<opmath_t<T>>(b);
}
template <typename T> bool less(T a, T b) {
  return static_cast<opmath_t<T>>(a) < static_cast<opmath_t<T>>(b);
}

std::string dimsToString(const std::vector<int64_t> &dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

/// The `ScalarType? dtype` operand `i`, or nullopt for None.
std::optional<DType> optDtype(const KernelContext &ctx, size_t i) {
  if (ctx.isNone(i))
    return std::nullopt;
  return fromScalarType(ctx.getInt(i));
}

/// The `int[1]? dim` operand `i` as a list; None gives the empty list, which
/// the reductions read as "all dims".
std::vector<int64_t> optDims(const KernelContext &ctx, size_t i) {
  if (ctx.isNone(i))
    return {};
  return ctx.getIntList(i);
}

/// Which dims of a rank-`rank` tensor `dims` reduces: each wrapped (negative
/// dims count from the end), none twice; an empty list means every dim. A
/// 0-d tensor accepts dims 0 and -1 and reduces nothing (its one element).
std::vector<bool> reductionMask(int64_t rank, const std::vector<int64_t> &dims,
                                const char *what) {
  std::vector<bool> mask(rank, dims.empty());
  std::vector<bool> seen(std::max<int64_t>(rank, 1), false);
  for (int64_t d : dims) {
    int64_t w = wrapDim(d, rank, what);
    if (seen[w])
      throw Error(std::string(what) + ": dim " + std::to_string(w) +
                  " appears multiple times in the list of dims");
    seen[w] = true;
    if (rank > 0)
      mask[w] = true;
  }
  return mask;
}

/// The split of an input's dims into kept and reduced ones.
struct Reduction {
  Shape outSizes; // the result's shape (size-1 reduced dims with keepdim)
  Shape keptSizes, keptStrides;
  Shape redSizes, redStrides;
  int64_t redNumel = 1;
};

Reduction planReduction(const Tensor &t, const std::vector<bool> &mask,
                        bool keepdim) {
  Reduction r;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (mask[d]) {
      r.redSizes.push_back(t.sizes()[d]);
      r.redStrides.push_back(t.strides()[d]);
      r.redNumel *= t.sizes()[d];
      if (keepdim)
        r.outSizes.push_back(1);
    } else {
      r.keptSizes.push_back(t.sizes()[d]);
      r.keptStrides.push_back(t.strides()[d]);
      r.outSizes.push_back(t.sizes()[d]);
    }
  }
  return r;
}

/// Calls `f(outIndex, values)` for each output element of `r` over `t`
/// (element type T), where `values` holds the reduced elements in C order.
template <typename T, typename F>
void forEachSlice(const Tensor &t, const Reduction &r, F &&f) {
  const T *base = t.data<T>();
  std::vector<T> values;
  int64_t out = 0;
  forEachOffset(r.keptSizes, r.keptStrides, [&](int64_t kept) {
    values.clear();
    forEachOffset(r.redSizes, r.redStrides,
                  [&](int64_t off) { values.push_back(base[kept + off]); });
    f(out++, values);
  });
}

/// The sum of `values` in T: doubles for floating types (rounded once),
/// wrapping 64-bit integers for integral ones, any-true for bool.
template <typename T> T sumOf(const std::vector<T> &values) {
  if constexpr (isFloatType<T>()) {
    double acc = 0;
    for (size_t i = 0; i < values.size(); ++i)
      acc += convert<double>(values[i]);
    return convert<T>(acc);
  } else {
    uint64_t acc = 0; // unsigned: overflow wraps, as PyTorch's does
    for (size_t i = 0; i < values.size(); ++i)
      acc += static_cast<uint64_t>(convert<int64_t>(values[i]));
    if constexpr (std::is_same_v<T, bool>)
      return acc != 0;
    else
      return static_cast<T>(static_cast<int64_t>(acc));
  }
}

/// `t` converted to `dtype`, or `t` itself (strides kept) if it already is.
Tensor asDtype(const Tensor &t, DType dtype) {
  return t.dtype() == dtype ? t : t.to(dtype);
}

// --- sum and mean ----------------------------------------------------------

Tensor sumImpl(const Tensor &self, const std::vector<int64_t> &dims,
               bool keepdim, std::optional<DType> dtype) {
  // Integral and bool tensors sum to int64 unless a dtype is given; the
  // input is converted to the result dtype before reducing.
  DType outType =
      dtype ? *dtype
            : (isIntegral(self.dtype(), true) ? DType::I64 : self.dtype());
  std::vector<bool> mask = reductionMask(self.dim(), dims, "sum");
  Tensor in = asDtype(self, outType);
  Reduction r = planReduction(in, mask, keepdim);
  Tensor out = Tensor::zeros(outType, r.outSizes);
  dispatch(outType, "sum", [&](auto tag) {
    using T = decltype(tag);
    T *o = out.mutableData<T>();
    forEachSlice<T>(
        in, r, [&](int64_t i, const std::vector<T> &v) { o[i] = sumOf(v); });
  });
  return out;
}

void sum(KernelContext &ctx) {
  ctx.setResult(0, sumImpl(ctx.tensor(0), {}, false, optDtype(ctx, 1)));
}

void sumDimIntList(KernelContext &ctx) {
  ctx.setResult(0, sumImpl(ctx.tensor(0), optDims(ctx, 1), ctx.getBool(2),
                           optDtype(ctx, 3)));
}

Tensor meanImpl(const Tensor &self, const std::vector<int64_t> &dims,
                bool keepdim, std::optional<DType> dtype) {
  DType outType = dtype ? *dtype : self.dtype();
  if (!isFloatingPoint(outType) && !isComplex(outType))
    throw Error(std::string("mean(): could not infer output dtype. ") +
                (dtype ? "Optional dtype" : "Input dtype") +
                " must be either a floating point or complex dtype. Got: " +
                dtypeName(outType));
  std::vector<bool> mask = reductionMask(self.dim(), dims, "mean");
  Tensor in = asDtype(self, outType);
  Reduction r = planReduction(in, mask, keepdim);
  Tensor out = Tensor::zeros(outType, r.outSizes);
  dispatch(outType, "mean", [&](auto tag) {
    using T = decltype(tag);
    if constexpr (isFloatType<T>()) {
      T *o = out.mutableData<T>();
      forEachSlice<T>(in, r, [&](int64_t i, const std::vector<T> &v) {
        double acc = 0;
        for (T x : v)
          acc += convert<double>(x);
        // An empty slice gives 0/0 = NaN, as in PyTorch.
        o[i] = convert<T>(acc / static_cast<double>(v.size()));
      });
    }
  });
  return out;
}

void mean(KernelContext &ctx) {
  ctx.setResult(0, meanImpl(ctx.tensor(0), {}, false, optDtype(ctx, 1)));
}

void meanDim(KernelContext &ctx) {
  ctx.setResult(0, meanImpl(ctx.tensor(0), optDims(ctx, 1), ctx.getBool(2),
                            optDtype(ctx, 3)));
}

// --- max, min, argmax --------------------------------------------------------

/// The extremum of non-empty `values` and the index of its first occurrence;
/// a NaN wins over everything (the first NaN).
template <typename T>
std::pair<T, int64_t> extremum(const std::vector<T> &values, bool isMax) {
  T best = values[0];
  int64_t index = 0;
  if (isNaN(best))
    return {best, 0};
  for (size_t i = 1; i < values.size(); ++i) {
    T v = values[i];
    if (isNaN(v))
      return {v, int64_t(i)};
    if (isMax ? greater(v, best) : less(v, best)) {
      best = v;
      index = int64_t(i);
    }
  }
  return {best, index};
}

void maxMinAll(KernelContext &ctx, bool isMax) {
  const Tensor &self = ctx.tensor(0);
  const char *name = isMax ? "max()" : "min()";
  if (self.numel() == 0)
    throw Error(std::string(name) +
                ": Expected reduction dim to be specified for input.numel() "
                "== 0. Specify the reduction dim with the 'dim' argument.");
  Reduction r = planReduction(self, std::vector<bool>(self.dim(), true), false);
  Tensor out = Tensor::zeros(self.dtype(), {});
  dispatch(self.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    T *o = out.mutableData<T>();
    forEachSlice<T>(self, r, [&](int64_t i, const std::vector<T> &v) {
      o[i] = extremum(v, isMax).first;
    });
  });
  ctx.setResult(0, out);
}

void max(KernelContext &ctx) { maxMinAll(ctx, true); }
void min(KernelContext &ctx) { maxMinAll(ctx, false); }

/// The reduction of dim `d` of `self` (0-d tensors take d = 0 or -1), checking
/// that the dim is not empty. `name` is "max()", "min()" or "argmax()".
Reduction planDimExtremum(const Tensor &self, int64_t d, bool keepdim,
                          const char *name) {
  int64_t w = wrapDim(d, self.dim(), name);
  if (self.dim() > 0 && self.sizes()[w] == 0)
    throw Error(std::string(name) + ": Expected reduction dim " +
                std::to_string(w) + " to have non-zero size.");
  std::vector<bool> mask(self.dim(), false);
  if (self.dim() > 0)
    mask[w] = true;
  return planReduction(self, mask, keepdim);
}

void maxMinDim(KernelContext &ctx, bool isMax) {
  const Tensor &self = ctx.tensor(0);
  const char *name = isMax ? "max()" : "min()";
  Reduction r = planDimExtremum(self, ctx.getInt(1), ctx.getBool(2), name);
  Tensor values = Tensor::zeros(self.dtype(), r.outSizes);
  Tensor indices = Tensor::zeros(DType::I64, r.outSizes);
  int64_t *idx = indices.mutableData<int64_t>();
  dispatch(self.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    T *o = values.mutableData<T>();
    forEachSlice<T>(self, r, [&](int64_t i, const std::vector<T> &v) {
      auto [value, index] = extremum(v, isMax);
      o[i] = value;
      idx[i] = index;
    });
  });
  ctx.setResult(0, values);
  ctx.setResult(1, indices);
}

void maxDim(KernelContext &ctx) { maxMinDim(ctx, true); }
void minDim(KernelContext &ctx) { maxMinDim(ctx, false); }

void argmax(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  bool keepdim = ctx.getBool(2);
  if (self.dtype() == DType::Bool)
    throw Error("argmax(): bool tensors are not supported");
  Reduction r;
  if (ctx.isNone(1)) {
    // No dim: the index into the flattened tensor; keepdim keeps every dim
    // as size 1.
    if (self.numel() == 0)
      throw Error("argmax(): Expected reduction dim to be specified for "
                  "input.numel() == 0.");
    r = planReduction(self, std::vector<bool>(self.dim(), true), keepdim);
  } else {
    r = planDimExtremum(self, ctx.getInt(1), keepdim, "argmax()");
  }
  Tensor out = Tensor::zeros(DType::I64, r.outSizes);
  int64_t *o = out.mutableData<int64_t>();
  dispatch(self.dtype(), "argmax()", [&](auto tag) {
    using T = decltype(tag);
    forEachSlice<T>(self, r, [&](int64_t i, const std::vector<T> &v) {
      o[i] = extremum(v, true).second;
    });
  });
  ctx.setResult(0, out);
}

// --- norms -----------------------------------------------------------------

/// The p-norm of `values`: p = 0 counts the non-zeros (NaN included), +-inf
/// take the max/min magnitude (NaN propagates), others are
/// (sum |x|^p)^(1/p). An empty slice has norm 0 (the `norm` ops' answer;
/// linalg_vector_norm rejects the cases without an identity beforehand).
double pNormOf(const std::vector<double> &values, double p) {
  if (values.empty())
    return 0;
  if (p == 0) {
    double n = 0;
    for (double v : values)
      n += v != 0 ? 1 : 0;
    return n;
  }
  if (std::isinf(p)) {
    double best = std::abs(values[0]);
    for (double v : values) {
      double a = std::abs(v);
      if (std::isnan(a))
        return a;
      if (p > 0 ? a > best : a < best)
        best = a;
    }
    return best;
  }
  double acc = 0;
  if (p == 1) {
    for (double v : values)
      acc += std::abs(v);
    return acc;
  }
  if (p == 2) {
    for (double v : values)
      acc += v * v;
    return std::sqrt(acc);
  }
  for (double v : values)
    acc += std::pow(std::abs(v), p);
  return std::pow(acc, 1.0 / p);
}

/// The p-norm of `in` (already in its compute dtype) over `mask`, as
/// `outType`.
Tensor pNorm(const Tensor &in, double p, const std::vector<bool> &mask,
             bool keepdim, DType outType, const char *name) {
  Reduction r = planReduction(in, mask, keepdim);
  Tensor out = Tensor::zeros(outType, r.outSizes);
  std::vector<double> results;
  dispatch(in.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    std::vector<double> values;
    forEachSlice<T>(in, r, [&](int64_t, const std::vector<T> &v) {
      values.assign(v.size(), 0);
      for (size_t j = 0; j < v.size(); ++j)
        values[j] = convert<double>(v[j]);
      results.push_back(pNormOf(values, p));
    });
  });
  dispatch(outType, name, [&](auto tag) {
    using T = decltype(tag);
    T *o = out.mutableData<T>();
    for (size_t i = 0; i < results.size(); ++i)
      o[i] = convert<T>(results[i]);
  });
  return out;
}

void requireFloatingNormInput(const Tensor &self) {
  if (!isFloatingPoint(self.dtype()))
    throw Error(std::string("norm(): input dtype should be either floating "
                            "point or complex. Got ") +
                dtypeName(self.dtype()) + " instead.");
}

/// The `Scalar? p` operand: None means 2.
double optP(const KernelContext &ctx, size_t i) {
  return ctx.isNone(i) ? 2.0 : ctx.getDouble(i);
}

/// The `norm` overloads: without a dtype the input must be floating and the
/// result has its dtype; with one (which must be floating) the input, of
/// any real dtype, is converted to it first.
Tensor normImpl(const Tensor &self, double p, const std::vector<int64_t> &dims,
                bool keepdim, std::optional<DType> dtype) {
  if (dtype) {
    if (!isFloatingPoint(*dtype))
      throw Error(std::string("norm(): the desired output dtype should be "
                              "either floating point or complex. Got ") +
                  dtypeName(*dtype) + " instead.");
  } else {
    requireFloatingNormInput(self);
  }
  DType outType = dtype ? *dtype : self.dtype();
  std::vector<bool> mask = reductionMask(self.dim(), dims, "norm");
  return pNorm(asDtype(self, outType), p, mask, keepdim, outType, "norm");
}

void normScalar(KernelContext &ctx) {
  ctx.setResult(
      0, normImpl(ctx.tensor(0), ctx.getDouble(1), {}, false, std::nullopt));
}

void normScalarOptDim(KernelContext &ctx) {
  ctx.setResult(0, normImpl(ctx.tensor(0), optP(ctx, 1), ctx.getIntList(2),
                            ctx.getBool(3), std::nullopt));
}

void normScalarOptDimDtype(KernelContext &ctx) {
  ctx.setResult(0, normImpl(ctx.tensor(0), optP(ctx, 1), ctx.getIntList(2),
                            ctx.getBool(3), fromScalarType(ctx.getInt(4))));
}

void normScalarOptDtype(KernelContext &ctx) {
  ctx.setResult(0, normImpl(ctx.tensor(0), optP(ctx, 1), {}, false,
                            fromScalarType(ctx.getInt(2))));
}

void frobeniusNorm(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  requireFloatingNormInput(self);
  ctx.setResult(0, pNorm(self, 2, std::vector<bool>(self.dim(), true), false,
                         self.dtype(), "frobenius_norm"));
}

void frobeniusNormDim(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  std::vector<int64_t> dims = ctx.getIntList(1);
  bool keepdim = ctx.getBool(2);
  // At most two dims (a matrix norm), distinct after wrapping; [] is every
  // dim.
  if (dims.size() > 2)
    throw Error("Expected at most 2 dimensions, but got " +
                std::to_string(dims.size()) + " dimensions instead.");
  if (dims.size() == 2 && wrapDim(dims[0], self.dim(), "frobenius_norm") ==
                              wrapDim(dims[1], self.dim(), "frobenius_norm"))
    throw Error("Expected dims to be different, got " + dimsToString(dims) +
                " instead");
  requireFloatingNormInput(self);
  std::vector<bool> mask = reductionMask(self.dim(), dims, "frobenius_norm");
  ctx.setResult(0,
                pNorm(self, 2, mask, keepdim, self.dtype(), "frobenius_norm"));
}

std::string formatOrd(double p) {
  if (std::isinf(p))
    return p > 0 ? "inf" : "-inf";
  std::ostringstream os;
  os << p;
  return os.str();
}

void linalgVectorNorm(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  double ord = ctx.getDouble(1);
  std::vector<int64_t> dims = optDims(ctx, 2);
  bool keepdim = ctx.getBool(3);
  std::optional<DType> dtype = optDtype(ctx, 4);
  if (!isFloatingPoint(self.dtype()))
    throw Error(std::string("linalg.vector_norm: Expected a floating point "
                            "or complex tensor as input. Got ") +
                dtypeName(self.dtype()));
  if (dtype) {
    if (!isFloatingPoint(*dtype))
      throw Error(std::string("linalg.vector_norm: dtype should be floating "
                              "point, but got ") +
                  dtypeName(*dtype));
    if (ref::promoteTypes(self.dtype(), *dtype) != *dtype)
      throw Error(std::string("linalg.vector_norm: the dtype of the input (") +
                  dtypeName(self.dtype()) +
                  ") should be convertible without narrowing to the "
                  "specified dtype (" +
                  dtypeName(*dtype) + ")");
  }
  std::vector<bool> mask =
      reductionMask(self.dim(), dims, "linalg.vector_norm");
  // Negative orders and inf have no identity, so they reject empty slices
  // (the `norm` ops answer 0 there).
  if (ord < 0 || std::isinf(ord)) {
    if (dims.empty()) {
      if (self.numel() == 0)
        throw Error("linalg.vector_norm cannot compute the " + formatOrd(ord) +
                    " norm on an empty tensor because the operation does not "
                    "have an identity");
    } else {
      for (int64_t d = 0; d < self.dim(); ++d)
        if (mask[d] && self.sizes()[d] == 0)
          throw Error("linalg.vector_norm cannot compute the " +
                      formatOrd(ord) + " norm on the dimension " +
                      std::to_string(d) +
                      " because this dimension is empty and the operation "
                      "does not have an identity");
    }
  }
  DType outType = dtype ? *dtype : self.dtype();
  ctx.setResult(0, pNorm(asDtype(self, outType), ord, mask, keepdim, outType,
                         "linalg.vector_norm"));
}

// --- softmax and topk
// ----------------------------------------------------------

/// The offsets (in C order) of the first element of every line along `dim`
/// of a tensor with `sizes` and `strides`.
std::vector<int64_t> lineStarts(Shape sizes, const Shape &strides,
                                int64_t dim) {
  std::vector<int64_t> starts;
  if (!sizes.empty())
    sizes[dim] = 1;
  forEachOffset(sizes, strides, [&](int64_t off) { starts.push_back(off); });
  return starts;
}

void softmaxImpl(KernelContext &ctx, bool isLog) {
  const char *name = isLog ? "log_softmax" : "softmax";
  std::optional<DType> dtype = optDtype(ctx, 2);
  // With a dtype the input is converted to it first.
  Tensor in = dtype ? asDtype(ctx.tensor(0), *dtype) : ctx.tensor(0);
  int64_t dim = wrapDim(ctx.getInt(1), in.dim(), name);
  if (!isFloatingPoint(in.dtype()))
    throw Error(std::string(name) + ": not implemented for dtype " +
                dtypeName(in.dtype()));
  Tensor out = Tensor::zeros(in.dtype(), in.sizes());
  if (in.numel() == 0) {
    ctx.setResult(0, out);
    return;
  }
  // A 0-d tensor is one line of one element.
  int64_t n = in.dim() ? in.sizes()[dim] : 1;
  int64_t inStride = in.dim() ? in.strides()[dim] : 0;
  int64_t outStride = in.dim() ? out.strides()[dim] : 0;
  std::vector<int64_t> inStarts = lineStarts(in.sizes(), in.strides(), dim);
  std::vector<int64_t> outStarts = lineStarts(out.sizes(), out.strides(), dim);
  dispatch(in.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (isFloatType<T>()) {
      const T *src = in.data<T>();
      T *dst = out.mutableData<T>();
      std::vector<double> line(n);
      for (size_t l = 0; l < inStarts.size(); ++l) {
        for (int64_t j = 0; j < n; ++j)
          line[j] = convert<double>(src[inStarts[l] + j * inStride]);
        // Subtracting the maximum keeps exp from overflowing; a NaN (or an
        // inf - inf) anywhere makes the whole line NaN, as in PyTorch.
        double m = line[0];
        for (double v : line)
          m = std::isnan(v) || v > m ? v : m;
        double s = 0;
        for (double v : line)
          s += std::exp(v - m);
        for (int64_t j = 0; j < n; ++j) {
          double r =
              isLog ? (line[j] - m) - std::log(s) : std::exp(line[j] - m) / s;
          dst[outStarts[l] + j * outStride] = convert<T>(r);
        }
      }
    }
  });
  ctx.setResult(0, out);
}

void softmax(KernelContext &ctx) { softmaxImpl(ctx, false); }
void logSoftmax(KernelContext &ctx) { softmaxImpl(ctx, true); }

/// topk returns the k largest (smallest) elements along `dim` with their
/// indices, always in sorted order (PyTorch leaves the order unspecified for
/// sorted=False). NaN counts as larger than every number. Equal elements
/// keep their index order; PyTorch's order for ties is implementation-defined.
void topk(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  int64_t k = ctx.getInt(1);
  int64_t dim = wrapDim(ctx.getInt(2), self.dim(), "topk");
  bool largest = ctx.getBool(3);
  (void)ctx.getBool(4); // sorted: the result is always sorted
  if (self.dtype() == DType::Bool)
    throw Error("topk: bool tensors are not supported");
  int64_t n = self.dim() ? self.sizes()[dim] : 1;
  if (k < 0 || k > n)
    throw Error("topk: selected index k out of range (k = " +
                std::to_string(k) + ", dim size " + std::to_string(n) + ")");
  Shape outSizes = self.sizes();
  if (self.dim())
    outSizes[dim] = k;
  Tensor values = Tensor::zeros(self.dtype(), outSizes);
  Tensor indices = Tensor::zeros(DType::I64, outSizes);
  if (values.numel() == 0) {
    ctx.setResult(0, values);
    ctx.setResult(1, indices);
    return;
  }
  // A 0-d tensor is one line of one element, and its result is 0-d too (k
  // may be 0 or 1).
  if (!self.dim())
    k = 1;
  int64_t inStride = self.dim() ? self.strides()[dim] : 0;
  int64_t outStride = self.dim() ? values.strides()[dim] : 0;
  std::vector<int64_t> inStarts = lineStarts(self.sizes(), self.strides(), dim);
  std::vector<int64_t> outStarts =
      lineStarts(values.sizes(), values.strides(), dim);
  int64_t *idx = indices.mutableData<int64_t>();
  dispatch(self.dtype(), "topk", [&](auto tag) {
    using T = decltype(tag);
    const T *src = self.data<T>();
    T *dst = values.mutableData<T>();
    std::vector<int64_t> order(n);
    for (size_t l = 0; l < inStarts.size(); ++l) {
      const T *line = src + inStarts[l];
      for (int64_t j = 0; j < n; ++j)
        order[j] = j;
      auto before = [&](int64_t a, int64_t b) {
        T x = line[a * inStride], y = line[b * inStride];
        if (isNaN(x) || isNaN(y)) // NaN is the largest
          return largest ? isNaN(x) && !isNaN(y) : !isNaN(x) && isNaN(y);
        return largest ? greater(x, y) : less(x, y);
      };
      std::stable_sort(order.begin(), order.end(), before);
      for (int64_t j = 0; j < k; ++j) {
        dst[outStarts[l] + j * outStride] = line[order[j] * inStride];
        idx[outStarts[l] + j * outStride] = order[j];
      }
    }
  });
  ctx.setResult(0, values);
  ctx.setResult(1, indices);
}

} // namespace

static const KernelEntry Kernels[] = {
    {"aten.softmax.int", softmax},
    {"aten.log_softmax.int", logSoftmax},
    {"aten.sum", sum},
    {"aten.sum.dim_IntList", sumDimIntList},
    {"aten.mean", mean},
    {"aten.mean.dim", meanDim},
    {"aten.max", max},
    {"aten.max.dim", maxDim},
    {"aten.min", min},
    {"aten.min.dim", minDim},
    {"aten.argmax", argmax},
    {"aten.norm.Scalar", normScalar},
    {"aten.norm.ScalarOpt_dim", normScalarOptDim},
    {"aten.norm.ScalarOpt_dim_dtype", normScalarOptDimDtype},
    {"aten.norm.ScalarOpt_dtype", normScalarOptDtype},
    {"aten.frobenius_norm", frobeniusNorm},
    {"aten.frobenius_norm.dim", frobeniusNormDim},
    {"aten.linalg_vector_norm", linalgVectorNorm},
    {"aten.topk", topk},
};

void ref::registerReductionKernels(KernelRegistry &registry) {
  registry.add(Backend, Kernels);
}
