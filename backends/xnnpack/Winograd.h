//===- Winograd.h - 3x3 convolutions as Winograd F(4x4, 3x3) ----*- C++ -*-===//
//
// Internal to backends/xnnpack. A stride-1, undilated, ungrouped 3x3
// convolution makes each 4x4 output tile from a 6x6 input tile with 36
// multiplications per pair of channels instead of 144 (Lavin and Gray,
// "Fast Algorithms for Convolutional Neural Networks", 2016):
//   V = B^T d B   per input tile and input channel (winogradInput),
//   M[k] = V[k] U[k]^T   one GEMM per point k of the 6x6 tile, over all
//                        tiles, with U = G g G^T made and packed once per
//                        weight (36 XNNPACK fully connected operators),
//   Y = A^T m A + bias, clamped   per output tile (winogradOutput).
// XNNPACK 2022 has no Winograd path; this does 2.5x to 4x fewer
// multiplications for the layers where winogradSuits says it is used.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_BACKENDS_XNNPACK_WINOGRAD_H
#define IRC_BACKENDS_XNNPACK_WINOGRAD_H

#include "backends/xnnpack/Model.h"
#include "runtime/Tensor.h"

#include <memory>
#include <vector>

namespace irc::rt::xnnpack {

/// Points of a transformed 6x6 tile: one GEMM each.
inline constexpr size_t WinogradPoints = 36;

/// A convolution's transformed weights, packed once.
struct WinogradWeights {
  std::shared_ptr<Operator> gemms[WinogradPoints]; // U[k]: (O, C), no bias
  std::vector<float> bias;                         // O values, zeros if none
  float lo = 0, hi = 0;                            // the fused clamp
  size_t inChannels = 0, outChannels = 0;
  size_t padH = 0, padW = 0;
};

/// Whether conv parameters `p` on an NCHW input of `input` sizes run as
/// Winograd: a 3x3 kernel, stride and dilation 1, one group, padding at
/// most 2, at least 32 input and output channels and at least 16 tiles
/// (below that, XNNPACK's direct convolution is as fast).
bool winogradSuits(const ref::Packed &p, const Shape &input);

/// Transforms and packs the weights of `p` (winogradSuits holds).
std::shared_ptr<WinogradWeights> createWinogradWeights(const ref::Packed &p);

/// One call site of Winograd weights on an NCHW input of fixed sizes.
/// Data is NHWC; V and M live in a scratch buffer the caller provides.
class WinogradConv {
public:
  WinogradConv(std::shared_ptr<const WinogradWeights> weights,
               const Shape &input);

  /// The output's sizes (N, O, OH, OW).
  Shape outputShape() const;
  /// Floats of scratch a run needs (V and M).
  size_t scratchFloats() const;
  /// Runs on NHWC `x` into NHWC `y`: the input transform, the 36 GEMMs (set
  /// up on these buffers now, which costs little, so weights may be shared
  /// by call sites) and the output transform.
  void run(const float *x, float *scratch, float *y, pthreadpool_t pool) const;

  // The geometry, for the transforms.
  std::shared_ptr<const WinogradWeights> weights;
  size_t n, h, w, c, o, oh, ow, padH, padW, tilesH, tilesW;
  size_t tiles() const { return n * tilesH * tilesW; }
};

} // namespace irc::rt::xnnpack

#endif // IRC_BACKENDS_XNNPACK_WINOGRAD_H
