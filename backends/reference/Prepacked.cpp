//===- Prepacked.cpp - Reference kernels for mobile-optimized models ------===//
//
// What torch.utils.mobile_optimizer.optimize_for_mobile leaves in a model:
// the XNNPACK `prepacked::` ops, whose packed contexts are TorchBind objects,
// plus the quantized-tensor helpers aten::dequantize / quantize_per_tensor.
//
// A context is an rt::Object whose fields "0", "1", ... are its
// `__getstate__` tuple (PyTorch 1.13, xnnpack/RegisterOpContextClass.cpp):
//   LinearOpContext:          (weight[out, in], bias?, output_min?,
//   output_max?) Conv2dOpContext:          (weight[out, in/groups, kh, kw],
//   bias?, stride,
//                              padding, dilation, groups, output_min?,
//                              output_max?)
//   TransposeConv2dOpContext: (weight[in, out/groups, kh, kw], bias?, stride,
//                              padding, output_padding, dilation, groups,
//                              output_min?, output_max?)
// irc's own packed parameters (`xnn.*` and `vk.*` ops, classes
// "xnn.conv2d_params", "vk.linear_params", ...) are objects with the same
// fields in the same order, named after the prepack op's parameters
// (weight, bias, stride, padding, [output_padding,] dilation, groups,
// output_min, output_max).
// The `*_prepack` kernels build such objects (checking what XNNPACK's
// `available()` checks), the `*_run` kernels compute the float32 conv or
// linear and clamp it to [output_min, output_max] (None: unbounded). The conv
// loops are direct and written for contiguous NCHW data. The reference
// backend has one memory, so vk.to_vulkan and vk.to_cpu return their input.
//
// A quantized tensor is an rt::Object of class "torch.QuantizedTensor" with
// fields int_repr (QU8/QI8/QI32 codes), qscheme, and scale/zero_point
// (per_tensor_affine) or scales/zero_points/axis (per_channel_affine and
// per_channel_affine_float_qparams). The quantized.* ops have no reference
// kernels.
//
//===----------------------------------------------------------------------===//

#include "backends/reference/PackedParams.h"
#include "backends/reference/ReferenceKernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace irc::rt;

using namespace irc::rt::ref;

namespace {

const char *LinearClass = "__torch__.torch.classes.xnnpack.LinearOpContext";
const char *Conv2dClass = "__torch__.torch.classes.xnnpack.Conv2dOpContext";
const char *TransposeConv2dClass =
    "__torch__.torch.classes.xnnpack.TransposeConv2dOpContext";
const char *QuantizedClass = "torch.QuantizedTensor";

//===----------------------------------------------------------------------===//
// Contexts
//===----------------------------------------------------------------------===//

const char *className(Kind kind, Flavor flavor) {
  if (flavor != Flavor::Torch) {
    static const char *names[2][3] = {
        {"xnn.linear_params", "xnn.conv2d_params",
         "xnn.conv_transpose2d_params"},
        {"vk.linear_params", "vk.conv2d_params", "vk.conv_transpose2d_params"}};
    return names[flavor == Flavor::Vk][int(kind)];
  }
  switch (kind) {
  case Kind::Linear:
    return LinearClass;
  case Kind::Conv2d:
    return Conv2dClass;
  case Kind::TransposeConv2d:
    return TransposeConv2dClass;
  }
  return "";
}

const char *opName(Kind kind) {
  switch (kind) {
  case Kind::Linear:
    return "linear_clamp";
  case Kind::Conv2d:
    return "conv2d_clamp";
  case Kind::TransposeConv2d:
    return "conv2d_transpose_clamp";
  }
  return "";
}

/// An `int[2]` parameter: one int (or a one-element list) applies to both
/// dims, as ATen's expand_param_if_needed does.
void readPair(const Value &v, const char *what, Kind kind, int64_t out[2]) {
  std::vector<int64_t> xs = v.toIntVector();
  if (xs.size() == 1)
    xs.push_back(xs[0]);
  if (xs.size() != 2)
    throw Error(std::string(opName(kind)) + ": expected " + what +
                " to have 1 or 2 elements, got " + std::to_string(xs.size()));
  out[0] = xs[0];
  out[1] = xs[1];
}

/// Checks a context's parameters as XNNPACK's `available()` does.
void checkPacked(const Packed &p, Kind kind) {
  const std::string op = opName(kind);
  const Tensor &w = p.weight;
  if (w.dtype() != DType::F32)
    throw Error(op + ": XNNPACK wants a float32 weight, got " + w.describe());
  if (kind == Kind::Linear) {
    if (w.dim() != 2)
      throw Error(op + ": expected a 2-d weight, got " + w.describe());
    if (p.bias.defined() && (p.bias.dim() != 1 || p.bias.size(0) != w.size(0) ||
                             p.bias.dtype() != DType::F32))
      throw Error(op + ": expected a float32 bias of shape " +
                  std::to_string(w.size(0)) + ", got " + p.bias.describe());
  } else {
    if (w.dim() != 4 || w.size(0) <= 0 || w.size(1) <= 0 || w.size(2) <= 0 ||
        w.size(3) <= 0)
      throw Error(op + ": expected a non-empty 4-d weight, got " +
                  w.describe());
    if (p.groups <= 0)
      throw Error(op + ": groups must be positive, got " +
                  std::to_string(p.groups));
    const bool transposed = kind == Kind::TransposeConv2d;
    // Output channels: weight dim 0 (conv), dim 1 * groups (transposed).
    const int64_t outChannels = transposed ? w.size(1) * p.groups : w.size(0);
    // Weight dim 0 is the output channels of a conv, the input channels of
    // a transposed conv; either way it must split into groups.
    if (w.size(0) % p.groups != 0)
      throw Error(op + ": weight dim 0 (" + std::to_string(w.size(0)) +
                  ") is not divisible by groups (" + std::to_string(p.groups) +
                  ")");
    if (p.bias.defined() &&
        (p.bias.dim() != 1 || p.bias.size(0) != outChannels ||
         p.bias.dtype() != DType::F32))
      throw Error(op + ": expected a float32 bias of shape " +
                  std::to_string(outChannels) + ", got " + p.bias.describe());
    for (int i = 0; i < 2; ++i) {
      if (p.stride[i] <= 0 || p.dilation[i] <= 0)
        throw Error(op + ": stride and dilation must be positive");
      if (p.padding[i] < 0 || p.outputPadding[i] < 0)
        throw Error(op + ": padding must be non-negative");
    }
  }
  if (!(boundOf(p.outputMax, INFINITY) > boundOf(p.outputMin, -INFINITY)))
    throw Error(op + ": output_max must be greater than output_min");
}

/// The fields of packed parameters in order, by irc's names (PyTorch's
/// contexts number the same fields "0", "1", ...).
std::vector<const char *> fieldNames(Kind kind) {
  switch (kind) {
  case Kind::Linear:
    return {"weight", "bias", "output_min", "output_max"};
  case Kind::Conv2d:
    return {"weight",   "bias",   "stride",     "padding",
            "dilation", "groups", "output_min", "output_max"};
  case Kind::TransposeConv2d:
    return {"weight",   "bias",   "stride",     "padding",   "output_padding",
            "dilation", "groups", "output_min", "output_max"};
  }
  return {};
}

Value makeContext(const Packed &p, Kind kind, Flavor flavor) {
  auto obj = std::make_shared<Object>();
  obj->className = className(kind, flavor);
  auto pair = [](const int64_t v[2]) {
    return Value::list({Value(v[0]), Value(v[1])});
  };
  std::vector<Value> state;
  // The context keeps its own copy: XNNPACK packs the weights at prepack
  // time, so a later in-place update of the weight does not reach run.
  state.push_back(p.weight.clone());
  state.push_back(p.bias.defined() ? Value(p.bias.clone()) : Value());
  if (kind != Kind::Linear) {
    state.push_back(pair(p.stride));
    state.push_back(pair(p.padding));
    if (kind == Kind::TransposeConv2d)
      state.push_back(pair(p.outputPadding));
    state.push_back(pair(p.dilation));
    state.push_back(Value(p.groups));
  }
  state.push_back(p.outputMin);
  state.push_back(p.outputMax);
  std::vector<const char *> names = fieldNames(kind);
  for (size_t i = 0; i < state.size(); ++i)
    obj->fields.emplace_back(flavor == Flavor::Torch ? std::to_string(i)
                                                     : std::string(names[i]),
                             std::move(state[i]));
  return Value(std::move(obj));
}

Value optionalScalar(const Value &v, const std::string &op) {
  if (v.isNone() || v.isInt() || v.isDouble())
    return v;
  if (v.isBool())
    return Value(int64_t(v.toBool()));
  throw Error(op + ": expected a number or None for the output bound, got " +
              v.describe());
}

/// Reads a context operand back into a Packed.
Packed unpackImpl(const Value &v, Kind kind, Flavor flavor) {
  const std::string op = opName(kind);
  const char *cls = className(kind, flavor);
  if (!v.isObject() || v.toObject().className != cls)
    throw Error(op + ": expected a " + cls + ", got " + v.describe());
  Object &obj = v.toObject();
  std::vector<const char *> names = fieldNames(kind);
  if (obj.fields.size() != names.size())
    throw Error(op + ": the context has " + std::to_string(obj.fields.size()) +
                " fields, expected " + std::to_string(names.size()));
  auto field = [&](size_t i) -> const Value & {
    std::string name =
        flavor == Flavor::Torch ? std::to_string(i) : std::string(names[i]);
    Value *f = obj.find(name);
    if (!f)
      throw Error(op + ": the context has no field '" + name + "'");
    return *f;
  };
  Packed p;
  p.weight = field(0).toTensor();
  if (!field(1).isNone())
    p.bias = field(1).toTensor();
  size_t next = 2;
  if (kind != Kind::Linear) {
    readPair(field(next++), "stride", kind, p.stride);
    readPair(field(next++), "padding", kind, p.padding);
    if (kind == Kind::TransposeConv2d)
      readPair(field(next++), "output_padding", kind, p.outputPadding);
    readPair(field(next++), "dilation", kind, p.dilation);
    p.groups = field(next++).toInt();
  }
  p.outputMin = optionalScalar(field(next++), op);
  p.outputMax = optionalScalar(field(next), op);
  checkPacked(p, kind);
  return p;
}

/// Clamps `n` floats to the context's bounds.
void clampOutput(float *y, int64_t n, const Packed &p) {
  if (p.outputMin.isNone() && p.outputMax.isNone())
    return;
  const float lo = static_cast<float>(boundOf(p.outputMin, -INFINITY));
  const float hi = static_cast<float>(boundOf(p.outputMax, INFINITY));
  for (int64_t i = 0; i < n; ++i)
    y[i] = std::min(std::max(y[i], lo), hi);
}

//===----------------------------------------------------------------------===//
// Math
//===----------------------------------------------------------------------===//

/// The first and one-past-last output index o in [0, outSize) for which
/// o * stride + shift lies in [0, inSize).
void validRange(int64_t shift, int64_t stride, int64_t inSize, int64_t outSize,
                int64_t &lo, int64_t &hi) {
  // o * stride + shift >= 0  <=>  o >= ceil(-shift / stride)
  lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  // o * stride + shift <= inSize - 1
  int64_t top = inSize - 1 - shift;
  hi = top < 0 ? 0 : top / stride + 1;
  lo = std::min(lo, outSize);
  hi = std::min(hi, outSize);
  if (hi < lo)
    hi = lo;
}

/// y[n, oc, oh, ow] = b[oc] + sum x[n, g*Cg+ic, oh*s-p+kh*d, ow*s-p+kw*d] *
/// w[oc, ic, kh, kw], all contiguous NCHW.
void conv2d(const float *x, int64_t N, int64_t C, int64_t H, int64_t W,
            const float *w, int64_t Cout, int64_t KH, int64_t KW,
            const float *bias, const Packed &p, float *y, int64_t OH,
            int64_t OW) {
  const int64_t cinG = C / p.groups, coutG = Cout / p.groups;
  const int64_t sh = p.stride[0], sw = p.stride[1];
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t oc = 0; oc < Cout; ++oc) {
      const int64_t g = oc / coutG;
      float *yp = y + (n * Cout + oc) * OH * OW;
      std::fill(yp, yp + OH * OW, bias ? bias[oc] : 0.0f);
      for (int64_t ic = 0; ic < cinG; ++ic) {
        const float *xp = x + (n * C + g * cinG + ic) * H * W;
        for (int64_t kh = 0; kh < KH; ++kh) {
          const int64_t hshift = kh * p.dilation[0] - p.padding[0];
          int64_t ohLo, ohHi;
          validRange(hshift, sh, H, OH, ohLo, ohHi);
          for (int64_t kw = 0; kw < KW; ++kw) {
            const float wv = w[((oc * cinG + ic) * KH + kh) * KW + kw];
            const int64_t wshift = kw * p.dilation[1] - p.padding[1];
            int64_t owLo, owHi;
            validRange(wshift, sw, W, OW, owLo, owHi);
            for (int64_t oh = ohLo; oh < ohHi; ++oh) {
              const float *xr = xp + (oh * sh + hshift) * W + wshift;
              float *yr = yp + oh * OW;
              if (sw == 1) {
                for (int64_t ow = owLo; ow < owHi; ++ow)
                  yr[ow] += wv * xr[ow];
              } else {
                for (int64_t ow = owLo; ow < owHi; ++ow)
                  yr[ow] += wv * xr[ow * sw];
              }
            }
          }
        }
      }
    }
  }
}

/// The transpose (gradient) of conv2d: every input element scatters into
/// y[n, g*CoutG+oc, ih*s-p+kh*d, iw*s-p+kw*d] with w[g*CinG+ic, oc, kh, kw].
void convTranspose2d(const float *x, int64_t N, int64_t C, int64_t H, int64_t W,
                     const float *w, int64_t KH, int64_t KW, const float *bias,
                     const Packed &p, float *y, int64_t Cout, int64_t OH,
                     int64_t OW) {
  const int64_t cinG = C / p.groups, coutG = Cout / p.groups;
  const int64_t sh = p.stride[0], sw = p.stride[1];
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t oc = 0; oc < Cout; ++oc) {
      float *yp = y + (n * Cout + oc) * OH * OW;
      std::fill(yp, yp + OH * OW, bias ? bias[oc] : 0.0f);
    }
    for (int64_t ci = 0; ci < C; ++ci) {
      const int64_t g = ci / cinG;
      const float *xp = x + (n * C + ci) * H * W;
      for (int64_t oc = 0; oc < coutG; ++oc) {
        float *yp = y + (n * Cout + g * coutG + oc) * OH * OW;
        for (int64_t kh = 0; kh < KH; ++kh) {
          // oh = ih * sh + hshift must lie in [0, OH).
          const int64_t hshift = kh * p.dilation[0] - p.padding[0];
          int64_t ihLo, ihHi;
          validRange(hshift, sh, OH, H, ihLo, ihHi);
          for (int64_t kw = 0; kw < KW; ++kw) {
            const float wv = w[((ci * coutG + oc) * KH + kh) * KW + kw];
            const int64_t wshift = kw * p.dilation[1] - p.padding[1];
            int64_t iwLo, iwHi;
            validRange(wshift, sw, OW, W, iwLo, iwHi);
            for (int64_t ih = ihLo; ih < ihHi; ++ih) {
              const float *xr = xp + ih * W;
              float *yr = yp + (ih * sh + hshift) * OW + wshift;
              for (int64_t iw = iwLo; iw < iwHi; ++iw)
                yr[iw * sw] += wv * xr[iw];
            }
          }
        }
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

Packed readPrepackArgs(KernelContext &ctx, Kind kind) {
  const std::string op = opName(kind);
  Packed p;
  p.weight = ctx.tensor(0);
  if (!ctx.isNone(1))
    p.bias = ctx.tensor(1);
  size_t next = 2;
  if (kind != Kind::Linear) {
    readPair(ctx.operand(next++), "stride", kind, p.stride);
    readPair(ctx.operand(next++), "padding", kind, p.padding);
    if (kind == Kind::TransposeConv2d)
      readPair(ctx.operand(next++), "output_padding", kind, p.outputPadding);
    readPair(ctx.operand(next++), "dilation", kind, p.dilation);
    p.groups = ctx.getInt(next++);
  }
  p.outputMin = optionalScalar(ctx.operand(next++), op);
  p.outputMax = optionalScalar(ctx.operand(next), op);
  checkPacked(p, kind);
  return p;
}

template <Kind K, Flavor F> void prepack(KernelContext &ctx) {
  ctx.setResult(0, makeContext(readPrepackArgs(ctx, K), K, F));
}

/// linear_clamp_run(X, ctx): X of any rank >= 1, applied to its last dim.
template <Flavor F> void linearClampRun(KernelContext &ctx) {
  const Tensor &x = ctx.tensor(0);
  Packed p = unpackImpl(ctx.operand(1), Kind::Linear, F);
  if (x.dtype() != DType::F32)
    throw Error("linear_clamp: XNNPACK wants a float32 input, got " +
                x.describe());
  if (x.dim() < 1)
    throw Error("linear_clamp: expected an input of rank 1 or more, got " +
                x.describe());
  const int64_t K = p.weight.size(1), Nout = p.weight.size(0);
  if (x.size(-1) != K)
    throw Error("linear_clamp: input " + x.describe() + " and weight " +
                p.weight.describe() + " cannot be multiplied");
  Shape outShape = x.sizes();
  outShape.back() = Nout;
  Tensor y = Tensor::zeros(DType::F32, outShape);
  const int64_t rows = numelOf(Shape(x.sizes().begin(), x.sizes().end() - 1));
  Tensor xc = x.contiguous();
  Tensor wc = p.weight.contiguous();
  Tensor bc = p.bias.defined() ? p.bias.contiguous() : Tensor();
  const float *xp = xc.data<float>(), *wp = wc.data<float>();
  const float *bp = bc.defined() ? bc.data<float>() : nullptr;
  float *yp = y.mutableData<float>();
  for (int64_t m = 0; m < rows; ++m) {
    const float *xr = xp + m * K;
    for (int64_t o = 0; o < Nout; ++o) {
      const float *wr = wp + o * K;
      double acc = bp ? bp[o] : 0.0;
      for (int64_t k = 0; k < K; ++k)
        acc += double(xr[k]) * double(wr[k]);
      yp[m * Nout + o] = static_cast<float>(acc);
    }
  }
  clampOutput(yp, y.numel(), p);
  ctx.setResult(0, y);
}

/// conv2d_clamp_run / conv2d_transpose_clamp_run(X, ctx): X is NCHW float32;
/// irc's run ops also take an unbatched (C, H, W) input, as aten.conv2d does.
template <Kind K, Flavor F> void convClampRun(KernelContext &ctx) {
  const std::string op = opName(K);
  const bool transposed = K == Kind::TransposeConv2d;
  const Tensor &x = ctx.tensor(0);
  Packed p = unpackImpl(ctx.operand(1), K, F);
  const ConvShape g = convShape(op, x, p, K, F != Flavor::Torch);
  const Tensor &w = p.weight;
  const int64_t N = g.n, C = g.c, H = g.h, W = g.w, Cout = g.cout, OH = g.oh,
                OW = g.ow, KH = w.size(2), KW = w.size(3);
  Tensor y = Tensor::zeros(DType::F32, {N, Cout, OH, OW});
  Tensor xc = g.input.contiguous(), wc = w.contiguous();
  Tensor bc = p.bias.defined() ? p.bias.contiguous() : Tensor();
  const float *bp = bc.defined() ? bc.data<float>() : nullptr;
  if (transposed)
    convTranspose2d(xc.data<float>(), N, C, H, W, wc.data<float>(), KH, KW, bp,
                    p, y.mutableData<float>(), Cout, OH, OW);
  else
    conv2d(xc.data<float>(), N, C, H, W, wc.data<float>(), Cout, KH, KW, bp, p,
           y.mutableData<float>(), OH, OW);
  clampOutput(y.mutableData<float>(), y.numel(), p);
  if (g.unbatched)
    y = y.asStrided({Cout, OH, OW}, {OH * OW, OW, 1}, 0);
  ctx.setResult(0, y);
}

void identity(KernelContext &ctx) { ctx.setResult(0, ctx.operand(0)); }

Value sizesOf(const Tensor &t) {
  return Value::list(std::vector<Value>(t.sizes().begin(), t.sizes().end()));
}

Value pairValue(const int64_t v[2]) {
  return Value::list({Value(v[0]), Value(v[1])});
}

/// (weight sizes, bias sizes or None, stride, padding, dilation, groups);
/// only a Conv2dOpContext, as in ATen.
void unpackSizesConv2d(KernelContext &ctx) {
  Packed p = unpackImpl(ctx.operand(0), Kind::Conv2d, Flavor::Torch);
  ctx.setResult(0, Value::tuple({sizesOf(p.weight),
                                 p.bias.defined() ? sizesOf(p.bias) : Value(),
                                 pairValue(p.stride), pairValue(p.padding),
                                 pairValue(p.dilation), Value(p.groups)}));
}

/// (weight sizes, bias sizes or None).
void unpackSizesLinear(KernelContext &ctx) {
  Packed p = unpackImpl(ctx.operand(0), Kind::Linear, Flavor::Torch);
  ctx.setResult(0,
                Value::tuple({sizesOf(p.weight),
                              p.bias.defined() ? sizesOf(p.bias) : Value()}));
}

//===----------------------------------------------------------------------===//
// Quantized tensors
//===----------------------------------------------------------------------===//

/// The range of a quantized dtype's codes.
void quantRange(DType dtype, int64_t &qmin, int64_t &qmax) {
  switch (dtype) {
  case DType::QU8:
  case DType::U8:
    qmin = 0;
    qmax = 255;
    return;
  case DType::QI8:
  case DType::I8:
    qmin = -128;
    qmax = 127;
    return;
  case DType::QI32:
  case DType::I32:
    qmin = std::numeric_limits<int32_t>::min();
    qmax = std::numeric_limits<int32_t>::max();
    return;
  default:
    throw Error(std::string("expected a quantized dtype, got ") +
                dtypeName(dtype));
  }
}

/// The integer codes of `t` (QU8/QI8/QI32, or the plain U8/I8/I32), as int64
/// in C order.
std::vector<int64_t> readCodes(const Tensor &t) {
  std::vector<int64_t> out;
  out.reserve(static_cast<size_t>(t.numel()));
  const char *base = static_cast<const char *>(t.rawData());
  auto read = [&](auto tag) {
    using C = decltype(tag);
    const C *p = reinterpret_cast<const C *>(base);
    forEachOffset(t.sizes(), t.strides(),
                  [&](int64_t off) { out.push_back(int64_t(p[off])); });
  };
  switch (t.dtype()) {
  case DType::QU8:
  case DType::U8:
    read(uint8_t{});
    break;
  case DType::QI8:
  case DType::I8:
    read(int8_t{});
    break;
  case DType::QI32:
  case DType::I32:
    read(int32_t{});
    break;
  default:
    throw Error("dequantize: int_repr has dtype " +
                std::string(dtypeName(t.dtype())) +
                ", expected quint8, qint8 or qint32");
  }
  return out;
}

const Value &quantField(Object &obj, const char *name) {
  Value *v = obj.find(name);
  if (!v)
    throw Error(std::string("dequantize: the quantized tensor has no field ") +
                name);
  return *v;
}

/// dequantize.self: a quantized tensor object to float32; a plain tensor is
/// converted to float32 (ATen: `self.to(kFloat)`).
void dequantize(KernelContext &ctx) {
  const Value &v = ctx.operand(0);
  if (v.isTensor()) {
    ctx.setResult(0, v.toTensor().to(DType::F32));
    return;
  }
  if (!v.isObject() || v.toObject().className != QuantizedClass)
    throw Error("dequantize: expected a tensor or a quantized tensor, got " +
                v.describe());
  Object &obj = v.toObject();
  const Tensor &q = quantField(obj, "int_repr").toTensor();
  const std::string &scheme = quantField(obj, "qscheme").toString();
  std::vector<int64_t> codes = readCodes(q);
  Tensor y = Tensor::zeros(DType::F32, q.sizes());
  float *yp = y.mutableData<float>();
  if (scheme == "per_tensor_affine" || scheme == "per_tensor_symmetric") {
    const double scale = quantField(obj, "scale").toDouble();
    const double zp = quantField(obj, "zero_point").toDouble();
    for (size_t i = 0; i < codes.size(); ++i)
      yp[i] = static_cast<float>((double(codes[i]) - zp) * scale);
  } else if (scheme == "per_channel_affine" ||
             scheme == "per_channel_symmetric" ||
             scheme == "per_channel_affine_float_qparams") {
    if (q.dim() == 0)
      throw Error("dequantize: a per-channel quantized tensor cannot be 0-d");
    const int64_t axis =
        wrapDim(quantField(obj, "axis").toInt(), q.dim(), "dequantize");
    Tensor scales = quantField(obj, "scales").toTensor().to(DType::F64);
    Tensor zps = quantField(obj, "zero_points").toTensor().to(DType::F64);
    const int64_t channels = q.size(axis);
    if (scales.numel() != channels || zps.numel() != channels)
      throw Error("dequantize: expected " + std::to_string(channels) +
                  " scales and zero points, got " +
                  std::to_string(scales.numel()) + " and " +
                  std::to_string(zps.numel()));
    const double *sp = scales.data<double>(), *zp = zps.data<double>();
    int64_t inner = 1;
    for (int64_t d = axis + 1; d < q.dim(); ++d)
      inner *= q.size(d);
    for (size_t i = 0; i < codes.size(); ++i) {
      const int64_t c = (static_cast<int64_t>(i) / inner) % channels;
      yp[i] = static_cast<float>((double(codes[i]) - zp[c]) * sp[c]);
    }
  } else {
    throw Error("dequantize: unsupported qscheme \"" + scheme + "\"");
  }
  ctx.setResult(0, y);
}

/// ATen's quantize_val: zero_point + nearbyint(x * (1.0f / scale)) in
/// float, clamped to the dtype's range; a value that does not fit int64
/// (NaN, +-inf, huge) becomes INT64_MIN first and so clamps to qmin, as
/// static_cast<int64_t> does on x86.
Value quantizeTensor(const Tensor &x, double scale, int64_t zeroPoint,
                     int64_t dtypeCode) {
  const DType qtype = fromScalarType(dtypeCode);
  if (qtype != DType::QU8 && qtype != DType::QI8 && qtype != DType::QI32)
    throw Error(std::string("quantize_per_tensor: dtype ") + dtypeName(qtype) +
                " is not a quantized dtype (quint8, qint8 or qint32)");
  if (x.dtype() != DType::F32)
    throw Error(std::string("quantize_per_tensor: quantize only works on a "
                            "float32 tensor, got ") +
                x.describe());
  int64_t qmin, qmax;
  quantRange(qtype, qmin, qmax);
  if (zeroPoint < qmin || zeroPoint > qmax)
    throw Error("quantize_per_tensor: zero_point " + std::to_string(zeroPoint) +
                " is out of range [" + std::to_string(qmin) + ", " +
                std::to_string(qmax) + "]");
  Tensor q = Tensor::zeros(qtype, x.sizes());
  Tensor xc = x.contiguous();
  const float *xp = xc.data<float>();
  const float invScale = 1.0f / static_cast<float>(scale);
  char *out = static_cast<char *>(q.rawMutableData());
  for (int64_t i = 0; i < x.numel(); ++i) {
    const float r = std::nearbyint(xp[i] * invScale);
    int64_t v;
    if (!(r >= -9.2233720368547758e18f && r < 9.2233720368547758e18f))
      v = qmin;
    else
      v = std::min(std::max(zeroPoint + static_cast<int64_t>(r), qmin), qmax);
    if (qtype == DType::QU8)
      reinterpret_cast<uint8_t *>(out)[i] = static_cast<uint8_t>(v);
    else if (qtype == DType::QI8)
      reinterpret_cast<int8_t *>(out)[i] = static_cast<int8_t>(v);
    else
      reinterpret_cast<int32_t *>(out)[i] = static_cast<int32_t>(v);
  }
  auto obj = std::make_shared<Object>();
  obj->className = QuantizedClass;
  obj->fields.emplace_back("int_repr", Value(q));
  obj->fields.emplace_back("qscheme", Value("per_tensor_affine"));
  obj->fields.emplace_back("scale", Value(scale));
  obj->fields.emplace_back("zero_point", Value(zeroPoint));
  return Value(std::move(obj));
}

/// A one-element qparam tensor (ATen: `.item<double>()` / `.item<int64_t>()`).
double qparamDouble(const Tensor &t, const char *what) {
  if (t.numel() != 1)
    throw Error(std::string("quantize_per_tensor: expected a one-element ") +
                what + ", got " + t.describe());
  return t.item();
}
int64_t qparamInt(const Tensor &t, const char *what) {
  // item<int64_t>() of a float tensor truncates toward zero.
  return static_cast<int64_t>(qparamDouble(t, what));
}

void quantizePerTensor(KernelContext &ctx) {
  ctx.setResult(0, quantizeTensor(ctx.tensor(0), ctx.getDouble(1),
                                  ctx.getInt(2), ctx.getInt(3)));
}

void quantizePerTensorTensorQparams(KernelContext &ctx) {
  ctx.setResult(
      0, quantizeTensor(ctx.tensor(0), qparamDouble(ctx.tensor(1), "scale"),
                        qparamInt(ctx.tensor(2), "zero_point"), ctx.getInt(3)));
}

/// quantize_per_tensor.tensors: tensors[i] with scales[i], zero_points[i].
void quantizePerTensorTensors(KernelContext &ctx) {
  std::vector<Tensor> xs = ctx.operand(0).toTensorVector();
  Tensor scales = ctx.tensor(1).to(DType::F64);
  Tensor zps = ctx.tensor(2).to(DType::F64);
  const int64_t n = static_cast<int64_t>(xs.size());
  if (scales.numel() != n || zps.numel() != n)
    throw Error("quantize_per_tensor: expected " + std::to_string(n) +
                " scales and zero points, got " +
                std::to_string(scales.numel()) + " and " +
                std::to_string(zps.numel()));
  const double *sp = scales.data<double>(), *zp = zps.data<double>();
  std::vector<Value> out;
  for (int64_t i = 0; i < n; ++i)
    out.push_back(quantizeTensor(xs[static_cast<size_t>(i)], sp[i],
                                 static_cast<int64_t>(zp[i]), ctx.getInt(3)));
  ctx.setResult(0, Value::list(std::move(out)));
}

} // namespace

static const KernelEntry Kernels[] = {
#define PACKED_KERNELS(NS, LINEAR, CONV, TCONV, F)                             \
  {NS LINEAR "_prepack", prepack<Kind::Linear, F>},                            \
      {NS LINEAR "_run", linearClampRun<F>},                                   \
      {NS CONV "_prepack", prepack<Kind::Conv2d, F>},                          \
      {NS CONV "_run", convClampRun<Kind::Conv2d, F>},                         \
      {NS TCONV "_prepack", prepack<Kind::TransposeConv2d, F>}, {              \
    NS TCONV "_run", convClampRun<Kind::TransposeConv2d, F>                    \
  }
    PACKED_KERNELS("prepacked.", "linear_clamp", "conv2d_clamp",
                   "conv2d_transpose_clamp", Flavor::Torch),
    PACKED_KERNELS("xnn.", "linear", "conv2d", "conv_transpose2d", Flavor::Xnn),
    PACKED_KERNELS("vk.", "linear", "conv2d", "conv_transpose2d", Flavor::Vk),
#undef PACKED_KERNELS
    {"vk.to_vulkan", identity},
    {"vk.to_cpu", identity},
    {"prepacked.unpack_prepacked_sizes_conv2d", unpackSizesConv2d},
    {"prepacked.unpack_prepacked_sizes_linear", unpackSizesLinear},
    {"aten.dequantize.self", dequantize},
    {"aten.quantize_per_tensor", quantizePerTensor},
    {"aten.quantize_per_tensor.tensor_qparams", quantizePerTensorTensorQparams},
    {"aten.quantize_per_tensor.tensors", quantizePerTensorTensors},
};

void ref::registerPrepackedKernels(KernelRegistry &registry) {
  registry.add(Backend, Kernels);
}

Packed irc::rt::ref::unpackParams(const Value &v, Kind kind, Flavor flavor) {
  return unpackImpl(v, kind, flavor);
}

double irc::rt::ref::boundOf(const Value &v, double unbounded) {
  return v.isNone() ? unbounded : v.toDouble();
}

ConvShape irc::rt::ref::convShape(const std::string &op, Tensor x,
                                  const Packed &p, Kind kind,
                                  bool allowUnbatched) {
  const bool transposed = kind == Kind::TransposeConv2d;
  ConvShape g;
  g.unbatched = allowUnbatched && x.dim() == 3;
  if (g.unbatched)
    x = x.asStrided({1, x.size(0), x.size(1), x.size(2)},
                    {0, x.strides()[0], x.strides()[1], x.strides()[2]},
                    x.storageOffset());
  if (x.dim() != 4)
    throw Error(op + ": expected a 4-d (N, C, H, W) input, got " +
                x.describe());
  if (x.dtype() != DType::F32)
    throw Error(op + ": XNNPACK wants a float32 input, got " + x.describe());
  const Tensor &w = p.weight;
  g.n = x.size(0), g.c = x.size(1), g.h = x.size(2), g.w = x.size(3);
  const int64_t inChannels = transposed ? w.size(0) : w.size(1) * p.groups;
  if (g.c != inChannels)
    throw Error(op + ": expected an input with " + std::to_string(inChannels) +
                " channels for weight " + w.describe() + " and groups " +
                std::to_string(p.groups) + ", got " + x.describe());
  if (g.h <= 0 || g.w <= 0)
    throw Error(op + ": expected a non-empty spatial size, got " +
                x.describe());
  const int64_t in[2] = {g.h, g.w}, k[2] = {w.size(2), w.size(3)};
  int64_t out[2];
  for (int i = 0; i < 2; ++i) {
    const int64_t span = p.dilation[i] * (k[i] - 1);
    if (transposed) {
      // XNNPACK's deconvolution wants output_padding < stride (ATen's own
      // kernel would also accept output_padding < dilation).
      if (p.outputPadding[i] >= p.stride[i])
        throw Error(op + ": output_padding must be smaller than stride");
      out[i] = (in[i] - 1) * p.stride[i] - 2 * p.padding[i] + span +
               p.outputPadding[i] + 1;
    } else {
      const int64_t padded = in[i] + 2 * p.padding[i];
      out[i] = padded < span + 1 ? 0 : (padded - span - 1) / p.stride[i] + 1;
    }
  }
  if (out[0] <= 0 || out[1] <= 0)
    throw Error(op + ": the output size is empty for input " + x.describe() +
                " and weight " + w.describe());
  g.cout = transposed ? w.size(1) * p.groups : w.size(0);
  g.oh = out[0];
  g.ow = out[1];
  g.input = x;
  return g;
}
