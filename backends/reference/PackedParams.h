//===- PackedParams.h - Packed conv and linear parameters -------*- C++ -*-===//
//
// The packed parameters of conv2d, conv_transpose2d and linear as run
// kernels see them: PyTorch's XNNPACK contexts (TorchBind objects holding
// their `__getstate__` tuple) and irc's own `xnn.*` / `vk.*` objects, whose
// fields are named after their prepack op's parameters. Backends that run
// these ops natively read them through unpackParams.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_BACKENDS_REFERENCE_PACKEDPARAMS_H
#define IRC_BACKENDS_REFERENCE_PACKEDPARAMS_H

#include "runtime/Value.h"

namespace irc::rt::ref {

enum class Kind { Linear, Conv2d, TransposeConv2d };

/// Whose packed parameters: PyTorch's TorchBind contexts, or irc's.
enum class Flavor { Torch, Xnn, Vk };

/// A conv or linear context, unpacked and checked.
struct Packed {
  Tensor weight;
  Tensor bias; // undefined when None
  int64_t stride[2] = {1, 1};
  int64_t padding[2] = {0, 0};
  int64_t outputPadding[2] = {0, 0};
  int64_t dilation[2] = {1, 1};
  int64_t groups = 1;
  Value outputMin, outputMax; // None, or an int/float Scalar
};

/// Reads and checks packed parameters of `kind` and `flavor` (as XNNPACK's
/// `available()` does: float32 weights, shapes, positive strides, an
/// output range); throws rt::Error otherwise.
Packed unpackParams(const Value &v, Kind kind, Flavor flavor);

/// A conv run's input and output geometry.
struct ConvShape {
  Tensor input; // (N, C, H, W); an unbatched (C, H, W) input viewed with N = 1
  bool unbatched = false;
  int64_t n = 0, c = 0, h = 0, w = 0; // input
  int64_t cout = 0, oh = 0, ow = 0;   // output
};

/// Checks `x` against the conv or transposed-conv parameters `p` (float32,
/// 4-d or, when `allowUnbatched`, 3-d; the weight's channels; output_padding
/// below the stride, as XNNPACK wants; a non-empty output) and computes the
/// output size. Errors are rt::Error prefixed with `op`.
ConvShape convShape(const std::string &op, Tensor x, const Packed &p, Kind kind,
                    bool allowUnbatched);

/// A clamp bound: its value, or `unbounded` for None.
double boundOf(const Value &v, double unbounded);

} // namespace irc::rt::ref

#endif // IRC_BACKENDS_REFERENCE_PACKEDPARAMS_H
