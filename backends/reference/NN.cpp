//===- NN.cpp - Convolution, matmul, pooling and normalization kernels ----===//
//
// Reference kernels for the neural-network layers in PyTorch 1.13's
// semantics:
//  - convolution (conv1d, conv2d, their "valid"/"same" string-padding
//    overloads, conv3d, conv_transpose2d and the _convolution forms traced
//    models call), 1-d and 2-d (3-d by direct loops, not transposed), grouped,
//    strided, dilated, padded (asymmetrically for "same" with even kernels),
//    transposed with output_padding, with unbatched inputs where PyTorch's
//    conv1d/conv2d/conv_transpose2d accept them;
//  - linear algebra (linear, matmul in every rank combination, mm, bmm,
//    addmm);
//  - pooling (max_pool2d, avg_pool2d, adaptive_avg_pool2d);
//  - normalization (batch_norm in evaluation and training mode, layer_norm,
//    group_norm, instance_norm) and embedding.
//
// Floating-point sums accumulate in double (closer to exact than PyTorch's
// float32 BLAS sums, well within the 1e-4 relative tolerance of the checks);
// integer sums wrap as PyTorch's do (computed in uint64 to avoid signed
// overflow). Convolution is im2col followed by a simple blocked matrix
// product whose inner loop runs contiguously along output positions;
// transposed convolution scatters each input element through the kernel.
//
//===----------------------------------------------------------------------===//

#include "backends/reference/ReferenceKernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <tuple>
#include <type_traits>

using namespace irc::rt;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// "[1, 3, 5, 5]", as PyTorch prints sizes in messages.
std::string listStr(const std::vector<int64_t> &s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

/// "2 x 3" (sep " x ") or "2x3" (sep "x").
std::string joinStr(const std::vector<int64_t> &s, const char *sep) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? sep : "") + std::to_string(s[i]);
  return out;
}

/// PyTorch's legacy type names, as its "not implemented for 'Long'" messages
/// spell them.
const char *torchTypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "Float";
  case DType::F64:
    return "Double";
  case DType::F16:
    return "Half";
  case DType::BF16:
    return "BFloat16";
  case DType::I64:
    return "Long";
  case DType::I32:
    return "Int";
  case DType::I16:
    return "Short";
  case DType::I8:
    return "Char";
  case DType::U8:
    return "Byte";
  case DType::Bool:
    return "Bool";
  case DType::C64:
    return "ComplexFloat";
  case DType::C128:
    return "ComplexDouble";
  default:
    return dtypeName(t);
  }
}

/// The dtypes a kernel computes on, as PyTorch's CPU dispatch macros allow.
enum class Types {
  Floating,        // float32, float64, bfloat16
  FloatingAndLong, // ... and int64 (avg_pool2d)
  AllButHalfBool,  // floating and every integer type (conv, matmul)
};

template <Types S, typename T> constexpr bool allowedType() {
  constexpr bool floating = std::is_same_v<T, float> ||
                            std::is_same_v<T, double> ||
                            std::is_same_v<T, BFloat16>;
  if constexpr (S == Types::Floating)
    return floating;
  else if constexpr (S == Types::FloatingAndLong)
    return floating || std::is_same_v<T, int64_t>;
  else
    return floating || (std::is_integral_v<T> && !std::is_same_v<T, bool>);
}

/// Calls `f(T{})` for the element type of `dtype` when `S` allows it;
/// throws PyTorch's `"op" not implemented for 'Half'` otherwise.
template <Types S, typename F>
void dispatchNN(DType dtype, const char *op, F &&f) {
  auto fail = [&] {
    throw Error(std::string("\"") + op + "\" not implemented for '" +
                torchTypeName(dtype) + "'");
  };
  if (isComplex(dtype) || !(isFloatingPoint(dtype) || isIntegral(dtype, true)))
    fail();
  dispatch(dtype, op, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (allowedType<S, T>())
      f(tag);
    else
      fail();
  });
}

/// The accumulator type: double for floating types; uint64 for integers,
/// whose wrap-around matches PyTorch's integer arithmetic modulo 2^n without
/// signed overflow.
template <typename T>
using acc_t = std::conditional_t<std::is_integral_v<T>, uint64_t, double>;

template <typename T> acc_t<T> toAcc(T v) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<uint64_t>(static_cast<int64_t>(v));
  else
    return convert<double>(v);
}

template <typename T> T fromAcc(acc_t<T> v) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<int64_t>(v));
  else
    return convert<T>(v);
}

/// A Scalar operand (alpha, beta) as the accumulator type: truncated to an
/// integer for integer tensors, as PyTorch's `scalar.to<int64_t>()`.
template <typename T> acc_t<T> scalarAcc(double v) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<uint64_t>(static_cast<int64_t>(v));
  else
    return v;
}

/// A view of `t` (made contiguous) with a leading dim of size 1.
Tensor unsqueeze0(const Tensor &t) {
  Tensor c = t.contiguous();
  Shape sizes = c.sizes();
  sizes.insert(sizes.begin(), 1);
  return c.asStrided(sizes, contiguousStrides(sizes), c.storageOffset());
}

/// A view of contiguous `t` without its leading dim (of size 1).
Tensor squeeze0(const Tensor &t) {
  Shape sizes(t.sizes().begin() + 1, t.sizes().end());
  return t.asStrided(sizes, contiguousStrides(sizes), t.storageOffset());
}

/// The optional tensor operand `i`: undefined for None.
Tensor optionalTensor(const KernelContext &ctx, size_t i) {
  return ctx.isNone(i) ? Tensor() : ctx.tensor(i);
}

/// at::expand's checks for viewing `from` as `to` (the in-place add of a
/// bias, addmm's `self`), with PyTorch's messages.
void checkExpandable(const Shape &from, const Shape &to) {
  if (from.size() > to.size())
    throw Error("expand(" + listStr(from) + ", size=" + listStr(to) +
                "): the number of sizes provided (" +
                std::to_string(to.size()) +
                ") must be greater or equal to the number of dimensions in "
                "the tensor (" +
                std::to_string(from.size()) + ")");
  size_t lead = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] != 1 && from[i] != to[lead + i])
      throw Error("The expanded size of the tensor (" +
                  std::to_string(to[lead + i]) +
                  ") must match the existing size (" + std::to_string(from[i]) +
                  ") at non-singleton dimension " + std::to_string(lead + i) +
                  ".  Target sizes: " + listStr(to) +
                  ".  Tensor sizes: " + listStr(from));
}

/// The range [lo, hi) of j in [0, n) with 0 <= j * s + off < limit (s > 0):
/// the output (or input) positions whose tap lands inside the other tensor.
void tapRange(int64_t n, int64_t s, int64_t off, int64_t limit, int64_t &lo,
              int64_t &hi) {
  lo = off >= 0 ? 0 : std::min(n, (-off + s - 1) / s);
  hi = limit - 1 - off < 0 ? 0 : std::min(n, (limit - 1 - off) / s + 1);
  hi = std::max(hi, lo);
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

/// Convolution parameters, expanded to one entry per spatial dim.
struct ConvParams {
  Shape stride, padLo, padHi, dilation, outputPadding;
  int64_t groups = 1;
  bool transposed = false;
};

/// expand_param_if_needed: one value for every spatial dim, or one per dim.
Shape expandParam(const std::vector<int64_t> &v, const char *name,
                  int64_t dim) {
  if (v.size() == 1)
    return Shape(dim, v[0]);
  if (int64_t(v.size()) != dim)
    throw Error(std::string("expected ") + name +
                " to be a single integer value or a list of " +
                std::to_string(dim) +
                " values to match the convolution dimensions, but got " + name +
                "=" + listStr(v));
  return v;
}

/// The number of spatial dims of a convolution with `weight`.
int64_t convSpatialDims(const Tensor &weight) {
  check(weight.dim() >= 3, "weight should have at least three dimensions");
  return weight.dim() - 2;
}

ConvParams makeConvParams(const Tensor &weight,
                          const std::vector<int64_t> &stride,
                          const std::vector<int64_t> &padding,
                          const std::vector<int64_t> &dilation, bool transposed,
                          const std::vector<int64_t> &outputPadding,
                          int64_t groups) {
  int64_t dim = convSpatialDims(weight);
  check(groups > 0, "non-positive groups is not supported");
  ConvParams p;
  p.stride = expandParam(stride, "stride", dim);
  p.padLo = expandParam(padding, "padding", dim);
  p.padHi = p.padLo;
  p.dilation = expandParam(dilation, "dilation", dim);
  p.outputPadding = expandParam(outputPadding, "output_padding", dim);
  p.groups = groups;
  p.transposed = transposed;
  return p;
}

/// The geometry of a 2-d convolution (a 1-d one has H = KH = OH = 1).
struct ConvGeom {
  int64_t N, C, H, W;     // input
  int64_t OC, OH, OW;     // output
  int64_t KH, KW;         // kernel
  int64_t sh, sw, ph, pw; // stride, leading padding
  int64_t dh, dw;         // dilation
  int64_t groups;
};

/// Unfolds one group of input channels into `col`: row (ic, kh, kw) holds,
/// for every output position (oh, ow), the input element that tap multiplies
/// (0 in the padding).
template <typename T>
void im2col(const T *in, int64_t channels, const ConvGeom &g, T *col) {
  int64_t P = g.OH * g.OW;
  for (int64_t ic = 0; ic < channels; ++ic) {
    const T *plane = in + ic * g.H * g.W;
    for (int64_t kh = 0; kh < g.KH; ++kh)
      for (int64_t kw = 0; kw < g.KW; ++kw) {
        T *dst = col + ((ic * g.KH + kh) * g.KW + kw) * P;
        int64_t owLo, owHi;
        tapRange(g.OW, g.sw, kw * g.dw - g.pw, g.W, owLo, owHi);
        for (int64_t oh = 0; oh < g.OH; ++oh, dst += g.OW) {
          int64_t ih = oh * g.sh + kh * g.dh - g.ph;
          if (ih < 0 || ih >= g.H) {
            std::fill(dst, dst + g.OW, T(0));
            continue;
          }
          std::fill(dst, dst + owLo, T(0));
          const T *src = plane + ih * g.W + owLo * g.sw + kw * g.dw - g.pw;
          for (int64_t j = 0, n = owHi - owLo; j < n; ++j)
            dst[owLo + j] = src[j * g.sw];
          std::fill(dst + owHi, dst + g.OW, T(0));
        }
      }
  }
}

/// out[oc][p] = bias[oc] + sum_k w[oc][k] * col[k][p] for OC output channels
/// of K weights each over P positions. Four output channels at a time share
/// each loaded column element, over tiles of positions whose accumulators
/// stay in cache.
template <typename T>
void convGemm(const T *w, const T *col, const T *bias, T *out, int64_t OC,
              int64_t K, int64_t P) {
  using Acc = acc_t<T>;
  constexpr int64_t Tile = 256, Rows = 4;
  Acc acc[Rows][Tile];
  for (int64_t p0 = 0; p0 < P; p0 += Tile) {
    int64_t len = std::min(Tile, P - p0);
    for (int64_t oc0 = 0; oc0 < OC; oc0 += Rows) {
      int64_t rows = std::min(Rows, OC - oc0);
      for (int64_t r = 0; r < rows; ++r)
        std::fill(acc[r], acc[r] + len, Acc(0));
      if (rows == Rows) {
        for (int64_t k = 0; k < K; ++k) {
          const T *c = col + k * P + p0;
          const Acc w0 = toAcc(w[(oc0 + 0) * K + k]);
          const Acc w1 = toAcc(w[(oc0 + 1) * K + k]);
          const Acc w2 = toAcc(w[(oc0 + 2) * K + k]);
          const Acc w3 = toAcc(w[(oc0 + 3) * K + k]);
          Acc *a0 = acc[0], *a1 = acc[1], *a2 = acc[2], *a3 = acc[3];
          for (int64_t j = 0; j < len; ++j) {
            const Acc v = toAcc(c[j]);
            a0[j] += w0 * v;
            a1[j] += w1 * v;
            a2[j] += w2 * v;
            a3[j] += w3 * v;
          }
        }
      } else {
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t k = 0; k < K; ++k) {
            const T *c = col + k * P + p0;
            const Acc wv = toAcc(w[(oc0 + r) * K + k]);
            Acc *a = acc[r];
            for (int64_t j = 0; j < len; ++j)
              a[j] += wv * toAcc(c[j]);
          }
      }
      for (int64_t r = 0; r < rows; ++r) {
        Acc b = bias ? toAcc(bias[oc0 + r]) : Acc(0);
        T *dst = out + (oc0 + r) * P + p0;
        for (int64_t j = 0; j < len; ++j)
          dst[j] = fromAcc<T>(acc[r][j] + b);
      }
    }
  }
}

/// The convolution as a matrix product per image and group: im2col, then
/// convGemm (a 1x1 kernel with stride 1 and no padding needs no im2col).
template <typename T>
void convForward(const T *in, const T *w, const T *bias, T *out,
                 const ConvGeom &g) {
  int64_t ICg = g.C / g.groups, OCg = g.OC / g.groups;
  int64_t K = ICg * g.KH * g.KW, P = g.OH * g.OW;
  bool direct = g.KH == 1 && g.KW == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 &&
                g.pw == 0 && g.OH == g.H && g.OW == g.W;
  std::vector<T> col(direct ? 0 : size_t(K * P));
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      const T *src = in + (n * g.C + grp * ICg) * g.H * g.W;
      if (!direct)
        im2col(src, ICg, g, col.data());
      convGemm(w + grp * OCg * K, direct ? src : col.data(),
               bias ? bias + grp * OCg : nullptr,
               out + (n * g.OC + grp * OCg) * P, OCg, K, P);
    }
}

/// A 3-d convolution by direct loops (conv3d is rare in mobile models; no
/// im2col). Shapes: in (N, C, D, H, W), w (OC, C / groups, KD, KH, KW), out
/// (N, OC, OD, OH, OW); stride, leading padding and dilation per spatial dim.
template <typename T>
void conv3dForward(const T *in, const T *w, const T *bias, T *out,
                   const Shape &inShape, const Shape &wShape,
                   const Shape &outShape, const Shape &stride, const Shape &pad,
                   const Shape &dilation, int64_t groups) {
  using Acc = acc_t<T>;
  int64_t N = inShape[0], C = inShape[1], D = inShape[2], H = inShape[3],
          W = inShape[4];
  int64_t OC = wShape[0], ICg = wShape[1], KD = wShape[2], KH = wShape[3],
          KW = wShape[4];
  int64_t OD = outShape[2], OH = outShape[3], OW = outShape[4];
  int64_t OCg = OC / groups;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oc = 0; oc < OC; ++oc) {
      int64_t grp = oc / OCg;
      Acc b = bias ? toAcc(bias[oc]) : Acc(0);
      for (int64_t od = 0; od < OD; ++od)
        for (int64_t oh = 0; oh < OH; ++oh)
          for (int64_t ow = 0; ow < OW; ++ow) {
            Acc acc(0);
            for (int64_t icg = 0; icg < ICg; ++icg) {
              int64_t ic = grp * ICg + icg;
              const T *plane = in + (n * C + ic) * D * H * W;
              const T *wk = w + (oc * ICg + icg) * KD * KH * KW;
              for (int64_t kd = 0; kd < KD; ++kd) {
                int64_t id = od * stride[0] + kd * dilation[0] - pad[0];
                if (id < 0 || id >= D)
                  continue;
                for (int64_t kh = 0; kh < KH; ++kh) {
                  int64_t ih = oh * stride[1] + kh * dilation[1] - pad[1];
                  if (ih < 0 || ih >= H)
                    continue;
                  for (int64_t kw = 0; kw < KW; ++kw) {
                    int64_t iw = ow * stride[2] + kw * dilation[2] - pad[2];
                    if (iw < 0 || iw >= W)
                      continue;
                    acc += toAcc(wk[(kd * KH + kh) * KW + kw]) *
                           toAcc(plane[(id * H + ih) * W + iw]);
                  }
                }
              }
            }
            out[(((n * OC + oc) * OD + od) * OH + oh) * OW + ow] =
                fromAcc<T>(acc + b);
          }
    }
}

/// The transposed convolution (the gradient of convForward with respect to
/// its input): every input element scatters into the output. `w` is
/// (C, OC / groups, KH, KW).
template <typename T>
void convTransposed(const T *in, const T *w, const T *bias, T *out,
                    const ConvGeom &g) {
  using Acc = acc_t<T>;
  int64_t ICg = g.C / g.groups, OCg = g.OC / g.groups;
  int64_t planeSize = g.OH * g.OW;
  std::vector<Acc> acc(size_t(std::max<int64_t>(planeSize, 1)));
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t oc = 0; oc < g.OC; ++oc) {
      int64_t grp = oc / OCg, ocg = oc % OCg;
      std::fill(acc.begin(), acc.end(), Acc(0));
      for (int64_t icg = 0; icg < ICg; ++icg) {
        int64_t ic = grp * ICg + icg;
        const T *plane = in + ((n * g.C + ic) * g.H) * g.W;
        const T *wk = w + ((ic * OCg + ocg) * g.KH) * g.KW;
        for (int64_t kh = 0; kh < g.KH; ++kh) {
          int64_t ihLo, ihHi;
          tapRange(g.H, g.sh, kh * g.dh - g.ph, g.OH, ihLo, ihHi);
          for (int64_t kw = 0; kw < g.KW; ++kw) {
            int64_t iwLo, iwHi;
            tapRange(g.W, g.sw, kw * g.dw - g.pw, g.OW, iwLo, iwHi);
            const Acc wv = toAcc(wk[kh * g.KW + kw]);
            const int64_t len = iwHi - iwLo, sw = g.sw;
            for (int64_t ih = ihLo; ih < ihHi; ++ih) {
              int64_t oh = ih * g.sh + kh * g.dh - g.ph;
              const T *src = plane + ih * g.W + iwLo;
              Acc *dst = acc.data() + oh * g.OW + iwLo * sw + kw * g.dw - g.pw;
              for (int64_t j = 0; j < len; ++j)
                dst[j * sw] += wv * toAcc(src[j]);
            }
          }
        }
      }
      Acc b = bias ? toAcc(bias[oc]) : Acc(0);
      T *dst = out + (n * g.OC + oc) * planeSize;
      for (int64_t i = 0; i < planeSize; ++i)
        dst[i] = fromAcc<T>(acc[size_t(i)] + b);
    }
}

/// at::_convolution on a batched input: check_shape_forward's checks with
/// PyTorch's messages, then the direct loops.
Tensor convolution(const Tensor &input, const Tensor &weight,
                   const Tensor &bias, const ConvParams &p) {
  int64_t k = weight.dim(), dim = k - 2;
  for (size_t i = 0; i < p.padLo.size(); ++i)
    check(p.padLo[i] >= 0 && p.padHi[i] >= 0,
          "negative padding is not supported");
  for (int64_t v : p.outputPadding)
    check(v >= 0, "negative output_padding is not supported");
  for (int64_t v : p.stride)
    check(v > 0, "non-positive stride is not supported");
  for (int64_t v : p.dilation)
    check(v > 0, "dilation should be greater than zero");
  const Shape &ws = weight.sizes();
  if (input.dim() != k)
    throw Error("Expected " + std::to_string(k) + "-dimensional input for " +
                std::to_string(k) + "-dimensional weight " + listStr(ws) +
                ", but got " + std::to_string(input.dim()) +
                "-dimensional input of size " + listStr(input.sizes()) +
                " instead");
  int64_t groups = p.groups;
  if (ws[0] < groups)
    throw Error("Given groups=" + std::to_string(groups) +
                ", expected weight to be at least " + std::to_string(groups) +
                " at dimension 0, but got weight of size " + listStr(ws) +
                " instead");
  if (ws[0] % groups != 0)
    throw Error(
        "Given groups=" + std::to_string(groups) +
        ", expected weight to be divisible by " + std::to_string(groups) +
        " at dimension 0, but got weight of size " + listStr(ws) + " instead");
  int64_t outChannels = p.transposed ? ws[1] * groups : ws[0];
  int64_t inChannels = p.transposed ? ws[0] : ws[1] * groups;
  if (input.size(1) != inChannels)
    throw Error(std::string(p.transposed
                                ? "Given transposed=1, weight"
                                : "Given groups=" + std::to_string(groups) +
                                      ", weight") +
                " of size " + listStr(ws) + ", expected input" +
                listStr(input.sizes()) + " to have " +
                std::to_string(inChannels) + " channels, but got " +
                std::to_string(input.size(1)) + " channels instead");
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != outChannels))
    throw Error(std::string(p.transposed ? "Given transposed=1, weight"
                                         : "Given weight") +
                " of size " + listStr(ws) +
                ", expected bias to be 1-dimensional with " +
                std::to_string(outChannels) +
                " elements, but got bias of size " + listStr(bias.sizes()) +
                " instead");

  Shape inSpatial(input.sizes().begin() + 2, input.sizes().end());
  Shape outShape = {input.size(0), outChannels};
  if (!p.transposed) {
    Shape padded, kernel;
    for (int64_t i = 0; i < dim; ++i) {
      padded.push_back(inSpatial[i] + p.padLo[i] + p.padHi[i]);
      kernel.push_back(p.dilation[i] * (ws[i + 2] - 1) + 1);
    }
    for (int64_t i = 0; i < dim; ++i)
      if (padded[i] < kernel[i])
        throw Error("Calculated padded input size per channel: (" +
                    joinStr(padded, " x ") + "). Kernel size: (" +
                    joinStr(kernel, " x ") +
                    "). Kernel size can't be greater than actual input size");
    for (int64_t i = 0; i < dim; ++i)
      outShape.push_back((padded[i] - kernel[i]) / p.stride[i] + 1);
  } else {
    // PyTorch runs 1-d transposed convolutions as 2-d ones of height 1, and
    // its messages show that height.
    auto as2d = [&](const Shape &v, int64_t one) {
      Shape r = v;
      if (dim == 1)
        r.insert(r.begin(), one);
      return r;
    };
    for (int64_t i = 0; i < dim; ++i)
      if (!(p.outputPadding[i] < p.stride[i] ||
            p.outputPadding[i] < p.dilation[i])) {
        Shape op = as2d(p.outputPadding, 0), st = as2d(p.stride, 1),
              dl = as2d(p.dilation, 1);
        throw Error("output padding must be smaller than either stride or "
                    "dilation, but got output_padding_height: " +
                    std::to_string(op[0]) +
                    " output_padding_width: " + std::to_string(op[1]) +
                    " stride_height: " + std::to_string(st[0]) +
                    " stride_width: " + std::to_string(st[1]) +
                    " dilation_height: " + std::to_string(dl[0]) +
                    " dilation_width: " + std::to_string(dl[1]));
      }
    Shape outSpatial;
    for (int64_t i = 0; i < dim; ++i)
      outSpatial.push_back((inSpatial[i] - 1) * p.stride[i] - p.padLo[i] -
                           p.padHi[i] + p.dilation[i] * (ws[i + 2] - 1) +
                           p.outputPadding[i] + 1);
    for (int64_t v : outSpatial)
      if (v < 1)
        throw Error("Given input size per channel: (" +
                    joinStr(as2d(inSpatial, 1), " x ") +
                    "). Calculated output size per channel: (" +
                    joinStr(as2d(outSpatial, 1), " x ") +
                    "). Output size is too small");
    outShape.insert(outShape.end(), outSpatial.begin(), outSpatial.end());
  }
  if (dim > 3 || (dim == 3 && p.transposed))
    throw Error(std::to_string(dim) + "-d" +
                (p.transposed ? " transposed" : "") +
                " convolution is not supported by the reference backend");
  if (weight.dtype() != input.dtype())
    throw Error(std::string("expected scalar type ") +
                torchTypeName(input.dtype()) + " but found " +
                torchTypeName(weight.dtype()));
  if (bias.defined() && bias.dtype() != input.dtype())
    throw Error(std::string("Input type (") + dtypeName(input.dtype()) +
                ") and bias type (" + dtypeName(bias.dtype()) +
                ") should be the same");

  if (dim == 3) {
    Tensor out = Tensor::zeros(input.dtype(), outShape);
    if (out.numel() == 0)
      return out;
    Tensor in = input.contiguous(), wc = weight.contiguous();
    Tensor bc = bias.defined() ? bias.contiguous() : Tensor();
    dispatchNN<Types::AllButHalfBool>(
        input.dtype(), "slow_conv3d_cpu", [&](auto tag) {
          using T = decltype(tag);
          conv3dForward(in.data<T>(), wc.data<T>(),
                        bc.defined() ? bc.data<T>() : nullptr,
                        out.mutableData<T>(), in.sizes(), wc.sizes(), outShape,
                        p.stride, p.padLo, p.dilation, groups);
        });
    return out;
  }

  ConvGeom g;
  g.N = input.size(0);
  g.C = input.size(1);
  g.OC = outChannels;
  g.groups = groups;
  bool twoD = dim == 2;
  g.H = twoD ? inSpatial[0] : 1;
  g.W = inSpatial[dim - 1];
  g.OH = twoD ? outShape[2] : 1;
  g.OW = outShape[dim + 1];
  g.KH = twoD ? ws[2] : 1;
  g.KW = ws[dim + 1];
  g.sh = twoD ? p.stride[0] : 1;
  g.sw = p.stride[dim - 1];
  g.ph = twoD ? p.padLo[0] : 0;
  g.pw = p.padLo[dim - 1];
  g.dh = twoD ? p.dilation[0] : 1;
  g.dw = p.dilation[dim - 1];

  Tensor out = Tensor::zeros(input.dtype(), outShape);
  if (out.numel() == 0)
    return out;
  Tensor in = input.contiguous(), wc = weight.contiguous();
  Tensor bc = bias.defined() ? bias.contiguous() : Tensor();
  // PyTorch's CPU kernels: slow_conv2d takes every integer type; the
  // dilated and transposed ones only int64 besides the floating types.
  bool dilated = false;
  for (int64_t d : p.dilation)
    dilated |= d != 1;
  if (p.transposed || dilated)
    dispatchNN<Types::FloatingAndLong>(
        input.dtype(),
        p.transposed ? "slow_conv_transpose2d_out_cpu" : "slow_conv_dilated<>",
        [&](auto tag) {
          using T = decltype(tag);
          const T *b = bc.defined() ? bc.data<T>() : nullptr;
          if (p.transposed)
            convTransposed(in.data<T>(), wc.data<T>(), b, out.mutableData<T>(),
                           g);
          else
            convForward(in.data<T>(), wc.data<T>(), b, out.mutableData<T>(), g);
        });
  else
    dispatchNN<Types::AllButHalfBool>(
        input.dtype(), "slow_conv2d_cpu", [&](auto tag) {
          using T = decltype(tag);
          convForward(in.data<T>(), wc.data<T>(),
                      bc.defined() ? bc.data<T>() : nullptr,
                      out.mutableData<T>(), g);
        });
  return out;
}

/// conv1d/conv2d/conv_transpose2d's batchify: an input of `dim + 1` dims is
/// an unbatched one.
template <typename F>
Tensor withOptionalBatch(const Tensor &input, int64_t dim, const char *op,
                         F &&run) {
  if (input.dim() != dim + 1 && input.dim() != dim + 2)
    throw Error("Expected " + std::to_string(dim + 1) + "D (unbatched) or " +
                std::to_string(dim + 2) + "D (batched) input to " + op +
                ", but got input of size: " + listStr(input.sizes()));
  if (input.dim() == dim + 2)
    return run(input);
  return squeeze0(run(unsqueeze0(input)));
}

/// aten.conv1d / aten.conv2d: (input, weight, bias?, stride, padding,
/// dilation, groups).
template <int Dim> void convNd(KernelContext &ctx) {
  const char *op = Dim == 1 ? "conv1d" : Dim == 2 ? "conv2d" : "conv3d";
  const Tensor &weight = ctx.tensor(1);
  Tensor bias = optionalTensor(ctx, 2);
  auto stride = ctx.getIntList(3), padding = ctx.getIntList(4),
       dilation = ctx.getIntList(5);
  int64_t groups = ctx.getInt(6);
  ctx.setResult(
      0, withOptionalBatch(ctx.tensor(0), Dim, op, [&](const Tensor &in) {
        return convolution(in, weight, bias,
                           makeConvParams(weight, stride, padding, dilation,
                                          false, {0}, groups));
      }));
}

/// aten.conv1d.padding / aten.conv2d.padding: padding is "valid" or "same";
/// "same" pads by dilation * (kernel - 1) in total, the odd extra element on
/// the high side, as PyTorch's _convolution_mode does.
template <int Dim> void convNdPadding(KernelContext &ctx) {
  const char *op = Dim == 1 ? "conv1d" : "conv2d";
  const Tensor &weight = ctx.tensor(1);
  Tensor bias = optionalTensor(ctx, 2);
  auto stride = ctx.getIntList(3), dilation = ctx.getIntList(5);
  const std::string &mode = ctx.getString(4);
  int64_t groups = ctx.getInt(6);
  if (mode != "valid" && mode != "same")
    throw Error("Invalid padding string: '" + mode + "'");
  ctx.setResult(
      0, withOptionalBatch(ctx.tensor(0), Dim, op, [&](const Tensor &in) {
        ConvParams p =
            makeConvParams(weight, stride, {0}, dilation, false, {0}, groups);
        if (mode == "same") {
          for (int64_t s : p.stride)
            check(s == 1,
                  "padding='same' is not supported for strided convolutions");
          for (size_t i = 0; i < p.padLo.size(); ++i) {
            int64_t total = p.dilation[i] * (weight.size(int64_t(i) + 2) - 1);
            p.padLo[i] = total / 2;
            p.padHi[i] = total - total / 2;
          }
        }
        return convolution(in, weight, bias, p);
      }));
}

/// aten.conv_transpose2d.input: (input, weight, bias?, stride, padding,
/// output_padding, groups, dilation).
void convTranspose2d(KernelContext &ctx) {
  const Tensor &weight = ctx.tensor(1);
  Tensor bias = optionalTensor(ctx, 2);
  auto stride = ctx.getIntList(3), padding = ctx.getIntList(4),
       outputPadding = ctx.getIntList(5), dilation = ctx.getIntList(7);
  int64_t groups = ctx.getInt(6);
  ctx.setResult(
      0,
      withOptionalBatch(
          ctx.tensor(0), 2, "conv_transpose2d", [&](const Tensor &in) {
            return convolution(in, weight, bias,
                               makeConvParams(weight, stride, padding, dilation,
                                              true, outputPadding, groups));
          }));
}

/// aten._convolution (13 operands) and aten._convolution.deprecated (12):
/// (input, weight, bias?, stride, padding, dilation, transposed,
/// output_padding, groups, benchmark, deterministic, cudnn_enabled
/// [, allow_tf32]). The input must be batched.
void convolutionOp(KernelContext &ctx) {
  const Tensor &input = ctx.tensor(0), &weight = ctx.tensor(1);
  Tensor bias = optionalTensor(ctx, 2);
  ConvParams p = makeConvParams(weight, ctx.getIntList(3), ctx.getIntList(4),
                                ctx.getIntList(5), ctx.getBool(6),
                                ctx.getIntList(7), ctx.getInt(8));
  ctx.setResult(0, convolution(input, weight, bias, p));
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

/// C (n x m, contiguous) = A (n x k) * B (k x m), both strided, written as
/// T; `epilogue(i, j, acc)` may adjust each accumulated value.
template <typename T, typename E>
void gemm(const T *A, int64_t sa0, int64_t sa1, const T *B, int64_t sb0,
          int64_t sb1, T *C, int64_t n, int64_t k, int64_t m, E &&epilogue) {
  using Acc = acc_t<T>;
  std::vector<Acc> row(size_t(std::max<int64_t>(m, 1)));
  for (int64_t i = 0; i < n; ++i) {
    const T *a = A + i * sa0;
    if (sb0 == 1 && m > 1) {
      // B is column-major (a transposed weight): dot products along k.
      for (int64_t j = 0; j < m; ++j) {
        const T *b = B + j * sb1;
        Acc s = 0;
        for (int64_t kk = 0; kk < k; ++kk)
          s += toAcc(a[kk * sa1]) * toAcc(b[kk]);
        row[size_t(j)] = s;
      }
    } else {
      std::fill(row.begin(), row.end(), Acc(0));
      for (int64_t kk = 0; kk < k; ++kk) {
        const Acc av = toAcc(a[kk * sa1]);
        const T *b = B + kk * sb0;
        if (sb1 == 1) {
          for (int64_t j = 0; j < m; ++j)
            row[size_t(j)] += av * toAcc(b[j]);
        } else {
          for (int64_t j = 0; j < m; ++j)
            row[size_t(j)] += av * toAcc(b[j * sb1]);
        }
      }
    }
    for (int64_t j = 0; j < m; ++j)
      C[i * m + j] = fromAcc<T>(epilogue(i, j, row[size_t(j)]));
  }
}

/// Calls f(offA, offB) for every index of `batch`, with the element offsets
/// of two tensors whose batch dims have strides `sa` and `sb` (0 where
/// broadcast), in C order.
template <typename F>
void forEachBatch(const Shape &batch, const Shape &sa, const Shape &sb, F &&f) {
  int64_t rank = int64_t(batch.size());
  for (int64_t s : batch)
    if (s == 0)
      return;
  std::vector<int64_t> index(size_t(rank), 0);
  int64_t offA = 0, offB = 0;
  while (true) {
    f(offA, offB);
    int64_t d = rank - 1;
    for (; d >= 0; --d) {
      offA += sa[d];
      offB += sb[d];
      if (++index[d] < batch[d])
        break;
      offA -= sa[d] * batch[d];
      offB -= sb[d] * batch[d];
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}

void checkSameDtype(const Tensor &a, const Tensor &b) {
  if (a.dtype() != b.dtype())
    throw Error(std::string("expected scalar type ") +
                torchTypeName(a.dtype()) + " but found " +
                torchTypeName(b.dtype()));
}

/// The broadcast of two shapes, with PyTorch's message.
Shape broadcastTorch(const Shape &a, const Shape &b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i + a.size() >= rank ? a[i + a.size() - rank] : 1;
    int64_t y = i + b.size() >= rank ? b[i + b.size() - rank] : 1;
    if (x != y && x != 1 && y != 1)
      throw Error("The size of tensor a (" + std::to_string(x) +
                  ") must match the size of tensor b (" + std::to_string(y) +
                  ") at non-singleton dimension " + std::to_string(i));
    out[i] = x == 1 ? y : x;
  }
  return out;
}

/// Throws the error PyTorch's matmul gives for mismatched inner dims, which
/// depends on how it reduces the ranks: dot, mv, mm, a folded mm (a batched
/// operand times a vector or matrix; folded from the right operand,
/// transposed, when that is the batched one), or bmm.
[[noreturn]] void matmulMismatch(const Tensor &a, const Tensor &b,
                                 const Shape &aBatch, const Shape &bBatch) {
  auto str = [](int64_t v) { return std::to_string(v); };
  auto mm = [&](int64_t r1, int64_t c1, int64_t r2, int64_t c2) {
    throw Error("mat1 and mat2 shapes cannot be multiplied (" + str(r1) + "x" +
                str(c1) + " and " + str(r2) + "x" + str(c2) + ")");
  };
  auto mv = [&](int64_t r, int64_t c, int64_t len) {
    throw Error("size mismatch, got " + str(r) + ", " + str(r) + "x" + str(c) +
                "," + str(len));
  };
  auto prod = [](const Shape &s) {
    int64_t p = 1;
    for (int64_t v : s)
      p *= v;
    return p;
  };
  int64_t da = a.dim(), db = b.dim();
  int64_t k = a.size(-1), kb = db == 1 ? b.size(0) : b.size(-2);
  if (da == 1 && db == 1)
    throw Error("inconsistent tensor size, expected tensor [" + str(k) +
                "] and src [" + str(kb) +
                "] to have the same number of elements, but got " + str(k) +
                " and " + str(kb) + " elements respectively");
  if (da == 2 && db == 1)
    mv(a.size(0), k, kb);
  if (da <= 2 && db <= 2)
    mm(da == 1 ? 1 : a.size(0), k, kb, b.size(-1));
  if (da >= 3 && db <= 2) {
    int64_t rows = prod(aBatch) * a.size(-2);
    if (db == 1)
      mv(rows, k, kb);
    mm(rows, k, kb, b.size(-1));
  }
  if (db >= 3 && da <= 2) {
    // b transposed and folded times a transposed.
    int64_t rows = prod(bBatch) * b.size(-1);
    if (da == 1)
      mv(rows, kb, k);
    mm(rows, kb, k, a.size(0));
  }
  throw Error("Expected size for first two dimensions of batch2 tensor to be: "
              "[" +
              str(prod(broadcastTorch(aBatch, bBatch))) + ", " + str(k) +
              "] but got: [" + str(prod(broadcastTorch(aBatch, bBatch))) +
              ", " + str(kb) + "].");
}

/// torch.matmul on tensors of any rank >= 1: a 1-d left operand is a row
/// vector and a 1-d right operand a column vector, whose dims are dropped
/// from the result; batch dims broadcast.
Tensor matmul(const Tensor &a, const Tensor &b) {
  if (a.dim() == 0 || b.dim() == 0)
    throw Error("both arguments to matmul need to be at least 1D, but they "
                "are " +
                std::to_string(a.dim()) + "D and " + std::to_string(b.dim()) +
                "D");
  bool aVec = a.dim() == 1, bVec = b.dim() == 1;
  int64_t n = aVec ? 1 : a.size(-2), k = a.size(-1);
  int64_t kb = bVec ? b.size(0) : b.size(-2), m = bVec ? 1 : b.size(-1);
  Shape aBatch(a.sizes().begin(),
               a.sizes().end() - std::min<int64_t>(a.dim(), 2));
  Shape bBatch(b.sizes().begin(),
               b.sizes().end() - std::min<int64_t>(b.dim(), 2));
  bool bothBatched = a.dim() >= 3 && b.dim() >= 3;
  if (k != kb && !bothBatched)
    matmulMismatch(a, b, aBatch, bBatch);
  Shape batch = broadcastTorch(aBatch, bBatch);
  if (k != kb)
    matmulMismatch(a, b, aBatch, bBatch);
  checkSameDtype(a, b);
  // Batch strides, 0 where broadcast.
  auto batchStrides = [&](const Tensor &t, const Shape &tb) {
    Shape s(batch.size(), 0);
    size_t lead = batch.size() - tb.size();
    for (size_t i = 0; i < tb.size(); ++i)
      s[lead + i] = tb[i] == 1 ? 0 : t.strides()[i];
    return s;
  };
  Shape sa = batchStrides(a, aBatch), sb = batchStrides(b, bBatch);
  int64_t sa0 = aVec ? 0 : a.strides()[a.dim() - 2], sa1 = a.strides().back();
  int64_t sb0 = bVec ? b.strides()[0] : b.strides()[b.dim() - 2];
  int64_t sb1 = bVec ? 0 : b.strides().back();
  Shape outShape = batch;
  if (!aVec)
    outShape.push_back(n);
  if (!bVec)
    outShape.push_back(m);
  Tensor out = Tensor::zeros(a.dtype(), outShape);
  dispatchNN<Types::AllButHalfBool>(
      a.dtype(), "addmm_impl_cpu_", [&](auto tag) {
        using T = decltype(tag);
        const T *pa = a.data<T>(), *pb = b.data<T>();
        T *pc = out.mutableData<T>();
        int64_t block = n * m;
        forEachBatch(batch, sa, sb, [&](int64_t offA, int64_t offB) {
          gemm(pa + offA, sa0, sa1, pb + offB, sb0, sb1, pc, n, k, m,
               [](int64_t, int64_t, acc_t<T> v) { return v; });
          pc += block;
        });
      });
  return out;
}

void matmulOp(KernelContext &ctx) {
  ctx.setResult(0, matmul(ctx.tensor(0), ctx.tensor(1)));
}

/// aten.bmm: (b x n x k) @ (b x k x m), no broadcasting.
void bmm(KernelContext &ctx) {
  const Tensor &a = ctx.tensor(0), &b = ctx.tensor(1);
  check(a.dim() == 3, "batch1 must be a 3D tensor");
  check(b.dim() == 3, "batch2 must be a 3D tensor");
  if (b.size(0) != a.size(0) || b.size(1) != a.size(2))
    throw Error("Expected size for first two dimensions of batch2 tensor to "
                "be: [" +
                std::to_string(a.size(0)) + ", " + std::to_string(a.size(2)) +
                "] but got: [" + std::to_string(b.size(0)) + ", " +
                std::to_string(b.size(1)) + "].");
  ctx.setResult(0, matmul(a, b));
}

/// beta * self + alpha * (mat1 @ mat2), `self` expanded to the product's
/// shape; with beta == 0 `self` is ignored (its NaNs do not propagate).
Tensor addmm(const Tensor &self, const Tensor &mat1, const Tensor &mat2,
             double beta, double alpha) {
  check(mat1.dim() == 2, "mat1 must be a matrix, got " +
                             std::to_string(mat1.dim()) + "-D tensor");
  check(mat2.dim() == 2, "mat2 must be a matrix, got " +
                             std::to_string(mat2.dim()) + "-D tensor");
  if (mat1.size(1) != mat2.size(0))
    throw Error("mat1 and mat2 shapes cannot be multiplied (" +
                shapeToString(mat1.sizes()) + " and " +
                shapeToString(mat2.sizes()) + ")");
  int64_t n = mat1.size(0), k = mat1.size(1), m = mat2.size(1);
  checkExpandable(self.sizes(), {n, m});
  if (self.dtype() != mat2.dtype())
    throw Error("self and mat2 must have the same dtype");
  if (mat1.dtype() != mat2.dtype())
    throw Error("mat1 and mat2 must have the same dtype");
  Tensor bias = expandTo(self, {n, m});
  Tensor out = Tensor::zeros(mat1.dtype(), {n, m});
  dispatchNN<Types::AllButHalfBool>(
      mat1.dtype(), "addmm_impl_cpu_", [&](auto tag) {
        using T = decltype(tag);
        using Acc = acc_t<T>;
        const T *ps = bias.data<T>();
        int64_t s0 = bias.strides()[0], s1 = bias.strides()[1];
        Acc a = scalarAcc<T>(alpha), bt = scalarAcc<T>(beta);
        bool useSelf = beta != 0;
        gemm(mat1.data<T>(), mat1.strides()[0], mat1.strides()[1],
             mat2.data<T>(), mat2.strides()[0], mat2.strides()[1],
             out.mutableData<T>(), n, k, m, [&](int64_t i, int64_t j, Acc v) {
               Acc r = a * v;
               if (useSelf)
                 r += bt * toAcc(ps[i * s0 + j * s1]);
               return r;
             });
      });
  return out;
}

void addmmOp(KernelContext &ctx) {
  ctx.setResult(0, addmm(ctx.tensor(0), ctx.tensor(1), ctx.tensor(2),
                         ctx.getDouble(3), ctx.getDouble(4)));
}

/// aten.linear: input @ weight.t() + bias, as at::linear: addmm for a 2-d
/// input with a bias, otherwise matmul then an in-place add of the bias.
void linear(KernelContext &ctx) {
  const Tensor &input = ctx.tensor(0), &weight = ctx.tensor(1);
  Tensor bias = optionalTensor(ctx, 2);
  if (weight.dim() > 2)
    throw Error("t() expects a tensor with <= 2 dimensions, but self is " +
                std::to_string(weight.dim()) + "D");
  Tensor wt = weight;
  if (weight.dim() == 2)
    wt = weight.asStrided({weight.size(1), weight.size(0)},
                          {weight.strides()[1], weight.strides()[0]},
                          weight.storageOffset());
  if (input.dim() == 2 && bias.defined()) {
    ctx.setResult(0, addmm(bias, input, wt, 1.0, 1.0));
    return;
  }
  if (input.dim() == 3 && bias.defined() && input.isContiguous()) {
    // _flatten_3d_linear: addmm on the input viewed as 2-d, so the bias must
    // expand to (batch * rows, out_features).
    const Shape &s = input.sizes();
    Tensor flat =
        input.asStrided({s[0] * s[1], s[2]}, {s[2], 1}, input.storageOffset());
    Tensor out = addmm(bias, flat, wt, 1.0, 1.0);
    ctx.setResult(0, out.asStrided({s[0], s[1], out.size(1)},
                                   {s[1] * out.size(1), out.size(1), 1},
                                   out.storageOffset()));
    return;
  }
  Tensor out = matmul(input, wt);
  if (bias.defined()) {
    // output.add_(bias): the bias broadcasts to the output's shape.
    Shape joint = broadcastTorch(out.sizes(), bias.sizes());
    if (joint != out.sizes())
      throw Error("output with shape " + listStr(out.sizes()) +
                  " doesn't match the broadcast shape " + listStr(joint));
    checkSameDtype(out, bias);
    Tensor b = expandTo(bias, out.sizes());
    dispatchNN<Types::AllButHalfBool>(out.dtype(), "add", [&](auto tag) {
      using T = decltype(tag);
      T *po = out.mutableData<T>();
      const T *pb = b.data<T>();
      int64_t i = 0;
      forEachOffset(b.sizes(), b.strides(), [&](int64_t off) {
        po[i] = fromAcc<T>(toAcc(po[i]) + toAcc(pb[off]));
        ++i;
      });
    });
  }
  ctx.setResult(0, out);
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// A pooling int[2] argument: one value for both dims, or two.
std::pair<int64_t, int64_t> pair2(const std::vector<int64_t> &v,
                                  const std::string &message) {
  if (v.size() == 1)
    return {v[0], v[0]};
  if (v.size() != 2)
    throw Error(message);
  return {v[0], v[1]};
}

/// at::pooling_output_shape.
int64_t poolOutputSize(int64_t in, int64_t kernel, int64_t pad, int64_t stride,
                       int64_t dilation, bool ceilMode) {
  check(stride != 0, "stride should not be zero");
  check(pad >= 0,
        "pad must be non-negative, but got pad: " + std::to_string(pad));
  if (pad > kernel / 2)
    throw Error("pad should be at most half of kernel size, but got pad=" +
                std::to_string(pad) +
                " and kernel_size=" + std::to_string(kernel));
  int64_t num =
      in + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
  // Floor division (div_rtn).
  int64_t q = num / stride;
  if ((num % stride != 0) && ((num < 0) != (stride < 0)))
    --q;
  int64_t out = q + 1;
  // The last window must start inside the input or its leading padding.
  if (ceilMode && (out - 1) * stride >= in + pad)
    --out;
  return out;
}

struct PoolGeom {
  int64_t planes, H, W, OH, OW, kH, kW, sH, sW, pH, pW, dH, dW;
  Shape outShape;
};

/// The checks and output shape shared by max_pool2d and avg_pool2d
/// (pool2d_shape_check).
PoolGeom poolGeom(const Tensor &input, const char *op,
                  const std::vector<int64_t> &kernel,
                  const std::vector<int64_t> &stride,
                  const std::vector<int64_t> &padding,
                  const std::vector<int64_t> &dilation, bool ceilMode) {
  std::string name = op;
  PoolGeom g;
  std::tie(g.kH, g.kW) =
      pair2(kernel, name + ": kernel_size must either be a single int, or a "
                           "tuple of two ints");
  if (stride.empty()) {
    g.sH = g.kH;
    g.sW = g.kW;
  } else {
    std::tie(g.sH, g.sW) =
        pair2(stride, name + ": stride must either be omitted, a single int, "
                             "or a tuple of two ints");
  }
  std::tie(g.pH, g.pW) = pair2(
      padding, name + ": padding must be either be a single int, or a tuple "
                      "of two ints");
  std::tie(g.dH, g.dW) = pair2(
      dilation, name + ": dilation must be either a single int, or a tuple of "
                       "two ints");
  if (input.dim() != 3 && input.dim() != 4)
    throw Error("non-empty 3D or 4D (batch mode) tensor expected for input");
  int64_t d = input.dim();
  g.H = input.size(d - 2);
  g.W = input.size(d - 1);
  g.OH = poolOutputSize(g.H, g.kH, g.pH, g.sH, g.dH, ceilMode);
  g.OW = poolOutputSize(g.W, g.kW, g.pW, g.sW, g.dW, ceilMode);
  if (g.kH <= 0 || g.kW <= 0)
    throw Error("kernel size should be greater than zero, but got kH: " +
                std::to_string(g.kH) + " kW: " + std::to_string(g.kW));
  if (g.sH <= 0 || g.sW <= 0)
    throw Error("stride should be greater than zero, but got dH: " +
                std::to_string(g.sH) + " dW: " + std::to_string(g.sW));
  if (g.dH <= 0 || g.dW <= 0)
    throw Error("dilation should be greater than zero, but got dilationH: " +
                std::to_string(g.dH) + " dilationW: " + std::to_string(g.dW));
  for (int64_t i = 1; i < d; ++i)
    if (input.size(i) == 0)
      throw Error("Expected 3D or 4D (batch mode) tensor with optional 0 dim "
                  "batch size for input, but got: " +
                  listStr(input.sizes()));
  int64_t C = input.size(d - 3);
  if (g.OH < 1 || g.OW < 1)
    throw Error("Given input size: (" + joinStr({C, g.H, g.W}, "x") +
                "). Calculated output size: (" + joinStr({C, g.OH, g.OW}, "x") +
                "). Output size is too small");
  g.planes = input.numel() / (g.H * g.W);
  g.outShape = input.sizes();
  g.outShape[d - 2] = g.OH;
  g.outShape[d - 1] = g.OW;
  return g;
}

/// aten.max_pool2d: (self, kernel_size, stride, padding, dilation,
/// ceil_mode). NaN wins, as in PyTorch.
void maxPool2d(KernelContext &ctx) {
  const Tensor &input = ctx.tensor(0);
  PoolGeom g =
      poolGeom(input, "max_pool2d", ctx.getIntList(1), ctx.getIntList(2),
               ctx.getIntList(3), ctx.getIntList(4), ctx.getBool(5));
  Tensor in = input.contiguous();
  Tensor out = Tensor::zeros(input.dtype(), g.outShape);
  dispatchNN<Types::Floating>(input.dtype(), "max_pool2d", [&](auto tag) {
    using T = decltype(tag);
    const T *src = in.data<T>();
    T *dst = out.mutableData<T>();
    for (int64_t p = 0; p < g.planes; ++p) {
      const T *plane = src + p * g.H * g.W;
      for (int64_t oh = 0; oh < g.OH; ++oh)
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          double best = -std::numeric_limits<double>::infinity();
          for (int64_t kh = 0; kh < g.kH; ++kh) {
            int64_t ih = oh * g.sH - g.pH + kh * g.dH;
            if (ih < 0 || ih >= g.H)
              continue;
            for (int64_t kw = 0; kw < g.kW; ++kw) {
              int64_t iw = ow * g.sW - g.pW + kw * g.dW;
              if (iw < 0 || iw >= g.W)
                continue;
              double v = convert<double>(plane[ih * g.W + iw]);
              if (v > best || std::isnan(v))
                best = v;
            }
          }
          *dst++ = convert<T>(best);
        }
    }
  });
  ctx.setResult(0, out);
}

/// aten.avg_pool2d: (self, kernel_size, stride, padding, ceil_mode,
/// count_include_pad, divisor_override?). The divisor is the window clipped
/// to the padded input (count_include_pad) or to the input; int64 inputs
/// divide with truncation.
void avgPool2d(KernelContext &ctx) {
  const Tensor &input = ctx.tensor(0);
  bool ceilMode = ctx.getBool(4), countIncludePad = ctx.getBool(5);
  std::optional<int64_t> divisor;
  if (!ctx.isNone(6)) {
    divisor = ctx.getInt(6);
    check(*divisor != 0, "divisor must be not zero");
  }
  PoolGeom g = poolGeom(input, "avg_pool2d", ctx.getIntList(1),
                        ctx.getIntList(2), ctx.getIntList(3), {1}, ceilMode);
  Tensor in = input.contiguous();
  Tensor out = Tensor::zeros(input.dtype(), g.outShape);
  dispatchNN<Types::FloatingAndLong>(
      input.dtype(), "avg_pool2d", [&](auto tag) {
        using T = decltype(tag);
        using Sum = std::conditional_t<std::is_integral_v<T>, int64_t, double>;
        const T *src = in.data<T>();
        T *dst = out.mutableData<T>();
        for (int64_t p = 0; p < g.planes; ++p) {
          const T *plane = src + p * g.H * g.W;
          for (int64_t oh = 0; oh < g.OH; ++oh)
            for (int64_t ow = 0; ow < g.OW; ++ow) {
              int64_t hs = oh * g.sH - g.pH, ws = ow * g.sW - g.pW;
              int64_t he = std::min(hs + g.kH, g.H + g.pH);
              int64_t we = std::min(ws + g.kW, g.W + g.pW);
              int64_t poolSize = (he - hs) * (we - ws);
              hs = std::max<int64_t>(hs, 0);
              ws = std::max<int64_t>(ws, 0);
              he = std::min(he, g.H);
              we = std::min(we, g.W);
              if (hs >= he || ws >= we) {
                *dst++ = T(0);
                continue;
              }
              Sum sum = 0;
              for (int64_t ih = hs; ih < he; ++ih)
                for (int64_t iw = ws; iw < we; ++iw)
                  sum += convert<Sum>(plane[ih * g.W + iw]);
              int64_t factor = divisor           ? *divisor
                               : countIncludePad ? poolSize
                                                 : (he - hs) * (we - ws);
              *dst++ = convert<T>(sum / Sum(factor));
            }
        }
      });
  ctx.setResult(0, out);
}

/// aten.adaptive_avg_pool2d: output cell o of O over an input dim of I
/// averages [floor(o * I / O), ceil((o + 1) * I / O)).
void adaptiveAvgPool2d(KernelContext &ctx) {
  const Tensor &input = ctx.tensor(0);
  std::vector<int64_t> size = ctx.getIntList(1);
  check(size.size() == 2, "adaptive_avg_pool2d: output_size must be 2");
  if (size[0] < 0 || size[1] < 0)
    throw Error("adaptive_avg_pool2d: elements of output_size must be greater "
                "than or equal to 0 but received {" +
                std::to_string(size[0]) + ", " + std::to_string(size[1]) + "}");
  int64_t d = input.dim();
  if (d != 3 && d != 4)
    throw Error("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got " +
                listStr(input.sizes()));
  for (int64_t i = 1; i < d; ++i)
    if (input.size(i) == 0)
      throw Error("adaptive_avg_pool2d(): Expected input to have non-zero size "
                  "for non-batch dimensions, but input has sizes " +
                  listStr(input.sizes()) + " with dimension " +
                  std::to_string(i) + " being empty");
  int64_t H = input.size(d - 2), W = input.size(d - 1);
  int64_t OH = size[0], OW = size[1];
  Shape outShape = input.sizes();
  outShape[d - 2] = OH;
  outShape[d - 1] = OW;
  Tensor in = input.contiguous();
  Tensor out = Tensor::zeros(input.dtype(), outShape);
  if (out.numel() == 0) {
    ctx.setResult(0, out);
    return;
  }
  int64_t planes = input.numel() / (H * W);
  dispatchNN<Types::Floating>(
      input.dtype(), "adaptive_avg_pool2d", [&](auto tag) {
        using T = decltype(tag);
        const T *src = in.data<T>();
        T *dst = out.mutableData<T>();
        for (int64_t p = 0; p < planes; ++p) {
          const T *plane = src + p * H * W;
          for (int64_t oh = 0; oh < OH; ++oh) {
            int64_t hs = oh * H / OH, he = ((oh + 1) * H + OH - 1) / OH;
            for (int64_t ow = 0; ow < OW; ++ow) {
              int64_t ws = ow * W / OW, we = ((ow + 1) * W + OW - 1) / OW;
              double sum = 0;
              for (int64_t ih = hs; ih < he; ++ih)
                for (int64_t iw = ws; iw < we; ++iw)
                  sum += convert<double>(plane[ih * W + iw]);
              *dst++ = convert<T>(sum / double((he - hs) * (we - ws)));
            }
          }
        }
      });
  ctx.setResult(0, out);
}

//===----------------------------------------------------------------------===//
// Normalization and embedding
//===----------------------------------------------------------------------===//

/// The elements of a per-channel parameter as doubles (empty when
/// undefined). Its dtype must be the input's, or float32 for a bfloat16
/// input (PyTorch's mixed-dtype CPU path).
std::vector<double> channelParam(const Tensor &t, DType inputType) {
  if (!t.defined())
    return {};
  if (t.dtype() != inputType &&
      !(inputType == DType::BF16 && t.dtype() == DType::F32))
    throw Error(inputType == DType::F32 || inputType == DType::F64
                    ? "mixed dtype (CPU): expect input to have scalar type of "
                      "BFloat16"
                    : "mixed dtype (CPU): expect parameter to have scalar "
                      "type of Float");
  std::vector<double> out;
  Tensor c = t.contiguous();
  dispatchNN<Types::Floating>(c.dtype(), "batch_norm", [&](auto tag) {
    using T = decltype(tag);
    const T *p = c.data<T>();
    for (int64_t i = 0; i < c.numel(); ++i)
      out.push_back(convert<double>(p[i]));
  });
  return out;
}

/// aten.batch_norm: (input, weight?, bias?, running_mean?, running_var?,
/// training, momentum, eps, cudnn_enabled). Evaluation normalizes with the
/// running statistics; training with the batch's (biased variance), and
/// updates running_mean/running_var in place with the unbiased variance.
void batchNorm(KernelContext &ctx) {
  const Tensor &input = ctx.tensor(0);
  Tensor weight = optionalTensor(ctx, 1), bias = optionalTensor(ctx, 2);
  Tensor runMean = optionalTensor(ctx, 3), runVar = optionalTensor(ctx, 4);
  bool training = ctx.getBool(5);
  double momentum = ctx.getDouble(6), eps = ctx.getDouble(7);
  if (input.dim() < 2)
    throw Error("Dimension out of range (expected to be in range of [-1, 0], "
                "but got 1)");
  // An empty input returns an empty output before any check, and leaves
  // the running statistics alone.
  if (input.numel() == 0) {
    ctx.setResult(0, Tensor::zeros(input.dtype(), input.sizes()));
    return;
  }
  int64_t C = input.size(1);
  auto checkCount = [&](const Tensor &t, const char *name) {
    if (t.defined() && t.numel() != C)
      throw Error(std::string(name) + " should contain " + std::to_string(C) +
                  " elements not " + std::to_string(t.numel()));
  };
  checkCount(runMean, "running_mean");
  if (!runMean.defined() && !training)
    throw Error("running_mean must be defined in evaluation mode");
  checkCount(runVar, "running_var");
  if (!runVar.defined() && !training)
    throw Error("running_var must be defined in evaluation mode");
  checkCount(weight, "weight");
  checkCount(bias, "bias");

  DType dt = input.dtype();
  std::vector<double> w = channelParam(weight, dt), b = channelParam(bias, dt);
  std::vector<double> rm = channelParam(runMean, dt),
                      rv = channelParam(runVar, dt);
  int64_t N = input.size(0);
  int64_t S = input.numel() / (N * C);
  Tensor in = input.contiguous();
  Tensor out = Tensor::zeros(dt, input.sizes());
  dispatchNN<Types::Floating>(dt, "batch_norm", [&](auto tag) {
    using T = decltype(tag);
    const T *src = in.data<T>();
    T *dst = out.mutableData<T>();
    std::vector<double> batchMean(static_cast<size_t>(C)),
        batchVar(static_cast<size_t>(C));
    if (training) {
      double count = double(N * S);
      for (int64_t c = 0; c < C; ++c) {
        double sum = 0;
        for (int64_t n = 0; n < N; ++n)
          for (int64_t s = 0; s < S; ++s)
            sum += convert<double>(src[(n * C + c) * S + s]);
        double mean = sum / count, sq = 0;
        for (int64_t n = 0; n < N; ++n)
          for (int64_t s = 0; s < S; ++s) {
            double d = convert<double>(src[(n * C + c) * S + s]) - mean;
            sq += d * d;
          }
        batchMean[size_t(c)] = mean;
        batchVar[size_t(c)] = sq / count;
      }
    }
    for (int64_t c = 0; c < C; ++c) {
      double mean = training ? batchMean[size_t(c)] : rm[size_t(c)];
      double var = training ? batchVar[size_t(c)] : rv[size_t(c)];
      double invstd = 1.0 / std::sqrt(var + eps);
      double scale = w.empty() ? invstd : w[size_t(c)] * invstd;
      double shift = (b.empty() ? 0.0 : b[size_t(c)]) - mean * scale;
      for (int64_t n = 0; n < N; ++n) {
        const T *x = src + (n * C + c) * S;
        T *y = dst + (n * C + c) * S;
        for (int64_t s = 0; s < S; ++s)
          y[s] = convert<T>(convert<double>(x[s]) * scale + shift);
      }
    }
    if (training) {
      double count = double(N * S);
      auto update = [&](Tensor &stat, const std::vector<double> &old,
                        const std::vector<double> &batch, double correction) {
        if (!stat.defined())
          return;
        Tensor fresh = Tensor::zeros(DType::F64, stat.sizes());
        double *p = fresh.mutableData<double>();
        for (int64_t c = 0; c < C; ++c)
          p[c] = (1 - momentum) * old[size_t(c)] +
                 momentum * batch[size_t(c)] * correction;
        stat.copyFrom(fresh); // through the strides of the caller's buffer
      };
      update(runMean, rm, batchMean, 1.0);
      // The unbiased variance: n / (n - 1) (NaN for a single value, as in
      // PyTorch).
      update(runVar, rv, batchVar, count / (count - 1));
    }
  });
  ctx.setResult(0, out);
}

/// aten.layer_norm: (input, normalized_shape, weight?, bias?, eps,
/// cudnn_enable). Normalizes over the trailing dims named by
/// normalized_shape with the biased variance.
void layerNorm(KernelContext &ctx) {
  const Tensor &input = ctx.tensor(0);
  std::vector<int64_t> shape = ctx.getIntList(1);
  Tensor weight = optionalTensor(ctx, 2), bias = optionalTensor(ctx, 3);
  double eps = ctx.getDouble(4);
  if (shape.empty())
    throw Error("Expected normalized_shape to be at least 1-dimensional, i.e., "
                "containing at least one element, but got normalized_shape = "
                "[]");
  auto checkParam = [&](const Tensor &t, const char *name) {
    if (t.defined() && t.sizes() != Shape(shape))
      throw Error(std::string("Expected ") + name +
                  " to be of same shape as normalized_shape, but got " + name +
                  " of shape " + listStr(t.sizes()) +
                  " and normalized_shape = " + listStr(shape));
  };
  checkParam(weight, "weight");
  checkParam(bias, "bias");
  int64_t nd = int64_t(shape.size()), d = input.dim();
  bool match = d >= nd;
  for (int64_t i = 0; match && i < nd; ++i)
    match = input.size(d - nd + i) == shape[size_t(i)];
  if (!match) {
    std::string expected = "[*";
    for (int64_t s : shape)
      expected += ", " + std::to_string(s);
    throw Error("Given normalized_shape=" + listStr(shape) +
                ", expected input with shape " + expected +
                "], but got input of size" + listStr(input.sizes()));
  }
  if (weight.defined())
    checkSameDtype(input, weight);
  if (bias.defined())
    checkSameDtype(input, bias);
  int64_t M = 1;
  for (int64_t s : shape)
    M *= s;
  Tensor in = input.contiguous();
  Tensor out = Tensor::zeros(input.dtype(), input.sizes());
  int64_t rows = M == 0 ? 0 : input.numel() / M;
  Tensor wc = weight.defined() ? weight.contiguous() : Tensor();
  Tensor bc = bias.defined() ? bias.contiguous() : Tensor();
  dispatchNN<Types::Floating>(
      input.dtype(), "LayerNormKernelImpl", [&](auto tag) {
        using T = decltype(tag);
        const T *src = in.data<T>();
        const T *pw = wc.defined() ? wc.data<T>() : nullptr;
        const T *pb = bc.defined() ? bc.data<T>() : nullptr;
        T *dst = out.mutableData<T>();
        for (int64_t r = 0; r < rows; ++r) {
          const T *x = src + r * M;
          T *y = dst + r * M;
          double sum = 0;
          for (int64_t i = 0; i < M; ++i)
            sum += convert<double>(x[i]);
          double mean = sum / double(M), sq = 0;
          for (int64_t i = 0; i < M; ++i) {
            double dv = convert<double>(x[i]) - mean;
            sq += dv * dv;
          }
          double rstd = 1.0 / std::sqrt(sq / double(M) + eps);
          for (int64_t i = 0; i < M; ++i) {
            double v = (convert<double>(x[i]) - mean) * rstd;
            if (pw)
              v *= convert<double>(pw[i]);
            if (pb)
              v += convert<double>(pb[i]);
            y[i] = convert<T>(v);
          }
        }
      });
  ctx.setResult(0, out);
}

/// Normalizes `groups` runs of `len` consecutive elements of `src` into
/// `dst`: y = (x - mean) / sqrt(var + eps) * scale(i) + shift(i), with the
/// run's mean and biased variance (accumulated in double) and `i` the
/// element's index in the whole tensor. Returns each run's mean and biased
/// variance.
template <typename T, typename Affine>
void normalizeRuns(const T *src, T *dst, int64_t groups, int64_t len,
                   double eps, Affine &&affine, std::vector<double> &means,
                   std::vector<double> &vars) {
  means.assign(size_t(groups), 0);
  vars.assign(size_t(groups), 0);
  for (int64_t g = 0; g < groups; ++g) {
    const T *x = src + g * len;
    T *y = dst + g * len;
    double sum = 0;
    for (int64_t i = 0; i < len; ++i)
      sum += convert<double>(x[i]);
    double mean = sum / double(len), sq = 0;
    for (int64_t i = 0; i < len; ++i) {
      double dv = convert<double>(x[i]) - mean;
      sq += dv * dv;
    }
    double var = sq / double(len);
    double rstd = 1.0 / std::sqrt(var + eps);
    for (int64_t i = 0; i < len; ++i)
      y[i] = convert<T>(
          affine(g * len + i, (convert<double>(x[i]) - mean) * rstd));
    means[size_t(g)] = mean;
    vars[size_t(g)] = var;
  }
}

/// aten.group_norm: (input, num_groups, weight?, bias?, eps, cudnn_enabled).
/// Normalizes each of the num_groups groups of channels of each sample over
/// its channels and spatial positions (biased variance), then applies the
/// per-channel weight and bias; the output is a new contiguous tensor.
void groupNorm(KernelContext &ctx) {
  const Tensor &input = ctx.tensor(0);
  int64_t groups = ctx.getInt(1);
  Tensor weight = optionalTensor(ctx, 2), bias = optionalTensor(ctx, 3);
  double eps = ctx.getDouble(4);
  if (input.dim() < 2)
    throw Error("Dimension out of range (expected to be in range of [-1, 0], "
                "but got 1)");
  int64_t N = input.size(0), C = input.size(1);
  if (groups <= 0)
    throw Error("Expected num_groups to be greater than 0, got " +
                std::to_string(groups));
  if (C % groups != 0)
    throw Error("Expected number of channels in input to be divisible by "
                "num_groups, but got input of shape " +
                listStr(input.sizes()) +
                " and num_groups=" + std::to_string(groups));
  for (const auto &[t, name] :
       {std::pair<const Tensor &, const char *>(weight, "weight"),
        {bias, "bias"}})
    if (t.defined() && (t.dim() != 1 || t.numel() != C))
      throw Error(std::string("Expected ") + name +
                  " to be a vector of size equal to the number of channels in "
                  "input, but got " +
                  name + " of shape " + listStr(t.sizes()) +
                  " and input of shape " + listStr(input.sizes()));
  if (weight.defined())
    checkSameDtype(input, weight);
  if (bias.defined())
    checkSameDtype(input, bias);
  Tensor in = input.contiguous();
  Tensor out = Tensor::zeros(input.dtype(), input.sizes());
  int64_t HxW = N * C == 0 ? 0 : input.numel() / (N * C);
  int64_t perChannel = HxW, perGroup = (C / groups) * HxW;
  Tensor wc = weight.defined() ? weight.contiguous() : Tensor();
  Tensor bc = bias.defined() ? bias.contiguous() : Tensor();
  dispatchNN<Types::Floating>(
      input.dtype(), "GroupNormKernelImpl", [&](auto tag) {
        using T = decltype(tag);
        if (input.numel() == 0)
          return;
        const T *pw = wc.defined() ? wc.data<T>() : nullptr;
        const T *pb = bc.defined() ? bc.data<T>() : nullptr;
        std::vector<double> means, vars;
        normalizeRuns(
            in.data<T>(), out.mutableData<T>(), N * groups, perGroup, eps,
            [&](int64_t i, double v) {
              int64_t c = (i / perChannel) % C;
              if (pw)
                v *= convert<double>(pw[c]);
              if (pb)
                v += convert<double>(pb[c]);
              return v;
            },
            means, vars);
      });
  ctx.setResult(0, out);
}

/// aten.instance_norm: (input, weight?, bias?, running_mean?, running_var?,
/// use_input_stats, momentum, eps, cudnn_enabled), as ATen computes it
/// through batch_norm on a (1, N * C, ...) view. With use_input_stats each
/// sample's channel is normalized with its own mean and biased variance and
/// the running statistics, when given, move towards the batch average of
/// those (unbiased variance) by `momentum`; without, the running statistics
/// normalize (and are left as they are).
void instanceNorm(KernelContext &ctx) {
  const Tensor &input = ctx.tensor(0);
  Tensor weight = optionalTensor(ctx, 1), bias = optionalTensor(ctx, 2);
  Tensor runMean = optionalTensor(ctx, 3), runVar = optionalTensor(ctx, 4);
  bool useInputStats = ctx.getBool(5);
  double momentum = ctx.getDouble(6), eps = ctx.getDouble(7);
  if (!useInputStats && (!runMean.defined() || !runVar.defined()))
    throw Error("Expected running_mean and running_var to be defined when "
                "use_input_stats is false");
  if (input.dim() < 2)
    throw Error("Dimension out of range (expected to be in range of [-1, 0], "
                "but got 1)");
  int64_t N = input.size(0), C = input.size(1);
  // batch_norm sees the parameters repeated N times.
  for (const auto &[t, name] :
       {std::pair<const Tensor &, const char *>(runMean, "running_mean"),
        {runVar, "running_var"},
        {weight, "weight"},
        {bias, "bias"}})
    if (t.defined() && t.numel() != C)
      throw Error(std::string(name) + " should contain " +
                  std::to_string(N * C) + " elements not " +
                  std::to_string(N * t.numel()));
  DType dt = input.dtype();
  std::vector<double> w = channelParam(weight, dt), b = channelParam(bias, dt);
  std::vector<double> rm = channelParam(runMean, dt),
                      rv = channelParam(runVar, dt);
  Tensor in = input.contiguous();
  Tensor out = Tensor::zeros(dt, input.sizes());
  int64_t S = N * C == 0 ? 0 : input.numel() / (N * C);
  dispatchNN<Types::Floating>(dt, "batch_norm", [&](auto tag) {
    using T = decltype(tag);
    if (input.numel() == 0)
      return;
    const T *src = in.data<T>();
    T *dst = out.mutableData<T>();
    auto affine = [&](int64_t i, double v) {
      int64_t c = (i / S) % C;
      if (!w.empty())
        v *= w[size_t(c)];
      if (!b.empty())
        v += b[size_t(c)];
      return v;
    };
    if (!useInputStats) {
      for (int64_t n = 0; n < N; ++n)
        for (int64_t c = 0; c < C; ++c) {
          double rstd = 1.0 / std::sqrt(rv[size_t(c)] + eps);
          int64_t base = (n * C + c) * S;
          for (int64_t s = 0; s < S; ++s)
            dst[base + s] = convert<T>(affine(
                base + s,
                (convert<double>(src[base + s]) - rm[size_t(c)]) * rstd));
        }
      return;
    }
    std::vector<double> means, vars;
    normalizeRuns(src, dst, N * C, S, eps, affine, means, vars);
    auto update = [&](Tensor &stat, const std::vector<double> &old,
                      const std::vector<double> &batch, double correction) {
      if (!stat.defined())
        return;
      Tensor fresh = Tensor::zeros(DType::F64, {C});
      double *p = fresh.mutableData<double>();
      for (int64_t c = 0; c < C; ++c) {
        double avg = 0;
        for (int64_t n = 0; n < N; ++n)
          avg += batch[size_t(n * C + c)] * correction;
        p[c] = (1 - momentum) * old[size_t(c)] + momentum * avg / double(N);
      }
      // Through the strides of the caller's buffer (its shape may differ
      // from [C]: PyTorch only asks for C elements).
      stat.copyFrom(
          fresh.asStrided(stat.sizes(), contiguousStrides(stat.sizes()), 0));
    };
    update(runMean, rm, means, 1.0);
    // The unbiased variance: S / (S - 1) (NaN for a single value).
    update(runVar, rv, vars, double(S) / double(S - 1));
  });
  ctx.setResult(0, out);
}

/// aten.mm: (n x k) @ (k x m), 2-d only, equal dtypes.
void mm(KernelContext &ctx) {
  const Tensor &a = ctx.tensor(0), &b = ctx.tensor(1);
  check(a.dim() == 2, "self must be a matrix");
  check(b.dim() == 2, "mat2 must be a matrix");
  ctx.setResult(0, matmul(a, b));
}

/// aten.embedding: (weight, indices, padding_idx, scale_grad_by_freq,
/// sparse): rows of the 2-d weight gathered by int64 or int32 indices of any
/// shape. padding_idx only affects gradients.
void embedding(KernelContext &ctx) {
  const Tensor &weight = ctx.tensor(0), &indices = ctx.tensor(1);
  check(weight.dim() == 2, "'weight' must be 2-D");
  if (indices.dtype() != DType::I64 && indices.dtype() != DType::I32)
    throw Error(std::string("Expected tensor for argument #1 'indices' to have "
                            "one of the following scalar types: Long, Int; but "
                            "got torch.") +
                torchTypeName(indices.dtype()) +
                "Tensor instead (while checking arguments for embedding)");
  int64_t rows = weight.size(0), D = weight.size(1);
  Tensor idx = indices.to(DType::I64);
  const int64_t *pi = idx.data<int64_t>();
  int64_t count = idx.numel();
  for (int64_t i = 0; i < count; ++i)
    if (pi[i] < 0 || pi[i] >= rows)
      throw Error("index out of range in self");
  Shape outShape = indices.sizes();
  outShape.push_back(D);
  Tensor w = weight.contiguous();
  Tensor out = Tensor::zeros(weight.dtype(), outShape);
  size_t rowBytes = size_t(D) * elementSize(weight.dtype());
  const char *src = static_cast<const char *>(w.rawData());
  char *dst = static_cast<char *>(out.rawMutableData());
  for (int64_t i = 0; i < count && rowBytes; ++i)
    std::memcpy(dst + size_t(i) * rowBytes, src + size_t(pi[i]) * rowBytes,
                rowBytes);
  ctx.setResult(0, out);
}

static const KernelEntry Kernels[] = {
    {"aten.conv1d", convNd<1>},
    {"aten.conv1d.padding", convNdPadding<1>},
    {"aten.conv2d", convNd<2>},
    {"aten.conv2d.padding", convNdPadding<2>},
    {"aten.conv3d", convNd<3>},
    {"aten.conv_transpose2d.input", convTranspose2d},
    {"aten._convolution", convolutionOp},
    {"aten._convolution.deprecated", convolutionOp},
    {"aten.linear", linear},
    {"aten.matmul", matmulOp},
    {"aten.bmm", bmm},
    {"aten.addmm", addmmOp},
    {"aten.max_pool2d", maxPool2d},
    {"aten.avg_pool2d", avgPool2d},
    {"aten.adaptive_avg_pool2d", adaptiveAvgPool2d},
    {"aten.batch_norm", batchNorm},
    {"aten.layer_norm", layerNorm},
    {"aten.group_norm", groupNorm},
    {"aten.instance_norm", instanceNorm},
    {"aten.mm", mm},
    {"aten.embedding", embedding},
};

} // namespace

void ref::registerNNKernels(KernelRegistry &registry) {
  registry.add(Backend, Kernels);
}
