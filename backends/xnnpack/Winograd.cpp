//===- Winograd.cpp - 3x3 convolutions as Winograd F(4x4, 3x3) ------------===//
//
// The transforms run on blocks of channels with the channel innermost, so
// the compiler vectorizes them; on x86-64 they are compiled for AVX-512,
// AVX2 and the baseline and picked at load (target_clones).
//
//===----------------------------------------------------------------------===//

#include "backends/xnnpack/Winograd.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace irc::rt;
using namespace irc::rt::xnnpack;

#if defined(__x86_64__) && defined(__GNUC__)
#define IRC_VECTOR_CLONES                                                      \
  __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define IRC_VECTOR_CLONES
#endif

namespace {

constexpr size_t Tile = 4, Window = 6; // output tile, input tile
constexpr size_t MinChannels = 32, MinTiles = 16;
constexpr size_t Block = 64; // channels per transform step

/// G, the 6x3 weight transform of F(4x4, 3x3).
constexpr float G[Window][3] = {{1.0f / 4, 0, 0},
                                {-1.0f / 6, -1.0f / 6, -1.0f / 6},
                                {-1.0f / 6, 1.0f / 6, -1.0f / 6},
                                {1.0f / 24, 1.0f / 12, 1.0f / 6},
                                {1.0f / 24, -1.0f / 12, 1.0f / 6},
                                {0, 0, 1}};

/// r = B^T d for one block of channels: d[k] at d + k * DS, r[i] at
/// r + i * RS. Fixed strides and length let the loop vectorize fully.
template <size_t DS, size_t RS>
inline void inputTransform(const float *__restrict d, float *__restrict r) {
  for (size_t c = 0; c < Block; ++c) {
    float d0 = d[c], d1 = d[DS + c], d2 = d[2 * DS + c], d3 = d[3 * DS + c],
          d4 = d[4 * DS + c], d5 = d[5 * DS + c];
    r[c] = 4 * d0 - 5 * d2 + d4;
    r[RS + c] = -4 * (d1 + d2) + d3 + d4;
    r[2 * RS + c] = 4 * (d1 - d2) - d3 + d4;
    r[3 * RS + c] = 2 * (d3 - d1) - d2 + d4;
    r[4 * RS + c] = 2 * (d1 - d3) - d2 + d4;
    r[5 * RS + c] = 4 * d1 - 5 * d3 + d5;
  }
}

/// r = A^T m for one block of channels: m[k] at m + k * MS (k < 6), r[i] at
/// r + i * RS (i < 4).
template <size_t MS, size_t RS>
inline void outputTransform(const float *__restrict m, float *__restrict r) {
  for (size_t c = 0; c < Block; ++c) {
    float m0 = m[c], m1 = m[MS + c], m2 = m[2 * MS + c], m3 = m[3 * MS + c],
          m4 = m[4 * MS + c], m5 = m[5 * MS + c];
    float a = m1 + m2, b = m1 - m2, p = m3 + m4, q = m3 - m4;
    r[c] = m0 + a + p;
    r[RS + c] = b + 2 * q;
    r[2 * RS + c] = a + 4 * p;
    r[3 * RS + c] = b + 8 * q + m5;
  }
}

/// Copies n <= Block floats. A full block is a fixed-size copy, which the
/// compiler expands into vector moves (a variable-length one becomes a
/// `rep movs`, slow at this size).
inline void copyBlock(float *__restrict dst, const float *__restrict src,
                      size_t n) {
  if (n == Block)
    std::memcpy(dst, src, Block * sizeof(float));
  else
    std::memcpy(dst, src, n * sizeof(float));
}

/// Tile `t`'s image, row and column of tiles.
struct TileIndex {
  size_t b, ty, tx;
  TileIndex(const WinogradConv &s, size_t t)
      : b(t / (s.tilesH * s.tilesW)), ty(t % (s.tilesH * s.tilesW) / s.tilesW),
        tx(t % s.tilesW) {}
};

struct InputTask {
  const WinogradConv &s;
  const float *x;
  float *v;
};

IRC_VECTOR_CLONES void inputTile(void *context, size_t t) {
  const InputTask &task = *static_cast<const InputTask *>(context);
  const WinogradConv &s = task.s;
  const TileIndex at(s, t);
  alignas(64) float d[Window * Window][Block], rows[Window * Window][Block],
      v[Window * Window][Block];
  for (size_t c0 = 0; c0 < s.c; c0 += Block) {
    const size_t n = std::min(Block, s.c - c0);
    for (size_t i = 0; i < Window; ++i)
      for (size_t j = 0; j < Window; ++j) {
        // Input pixel (ty * 4 + i - padH, tx * 4 + j - padW), or zero.
        const size_t y = at.ty * Tile + i, x = at.tx * Tile + j;
        float *dst = d[i * Window + j];
        if (y < s.padH || y - s.padH >= s.h || x < s.padW ||
            x - s.padW >= s.w) {
          std::fill(dst, dst + Block, 0.0f);
          continue;
        }
        copyBlock(dst,
                  task.x +
                      ((at.b * s.h + y - s.padH) * s.w + x - s.padW) * s.c + c0,
                  n);
      }
    // Down the columns, along the rows, then out to the 36 rows of V.
    for (size_t j = 0; j < Window; ++j)
      inputTransform<Window * Block, Window * Block>(d[j], rows[j]);
    for (size_t i = 0; i < Window; ++i)
      inputTransform<Block, Block>(rows[i * Window], v[i * Window]);
    for (size_t k = 0; k < WinogradPoints; ++k)
      copyBlock(task.v + (k * s.tiles() + t) * s.c + c0, v[k], n);
  }
}

struct OutputTask {
  const WinogradConv &s;
  const float *m;
  float *y;
};

IRC_VECTOR_CLONES void outputTile(void *context, size_t t) {
  const OutputTask &task = *static_cast<const OutputTask *>(context);
  const WinogradConv &s = task.s;
  const TileIndex at(s, t);
  alignas(64) float m[Window * Window][Block], cols[Tile * Window][Block],
      out[Tile * Tile][Block];
  const float lo = s.weights->lo, hi = s.weights->hi;
  for (size_t o0 = 0; o0 < s.o; o0 += Block) {
    const size_t n = std::min(Block, s.o - o0);
    for (size_t k = 0; k < WinogradPoints; ++k)
      copyBlock(m[k], task.m + (k * s.tiles() + t) * s.o + o0, n);
    // Down the columns, then along the rows.
    for (size_t j = 0; j < Window; ++j)
      outputTransform<Window * Block, Window * Block>(m[j], cols[j]);
    for (size_t i = 0; i < Tile; ++i)
      outputTransform<Block, Block>(cols[i * Window], out[i * Tile]);
    const float *bias = s.weights->bias.data() + o0;
    for (size_t i = 0; i < Tile; ++i)
      for (size_t j = 0; j < Tile; ++j) {
        const size_t oy = at.ty * Tile + i, ox = at.tx * Tile + j;
        if (oy >= s.oh || ox >= s.ow)
          continue;
        float *dst = task.y + ((at.b * s.oh + oy) * s.ow + ox) * s.o + o0;
        const float *src = out[i * Tile + j];
        for (size_t c = 0; c < n; ++c)
          dst[c] = std::min(std::max(src[c] + bias[c], lo), hi);
      }
  }
}

} // namespace

bool xnnpack::winogradSuits(const ref::Packed &p, const Shape &input) {
  const Tensor &w = p.weight;
  if (w.dim() != 4 || w.size(2) != 3 || w.size(3) != 3 || p.groups != 1 ||
      p.stride[0] != 1 || p.stride[1] != 1 || p.dilation[0] != 1 ||
      p.dilation[1] != 1 || p.padding[0] > 2 || p.padding[1] > 2 ||
      input.size() != 4)
    return false;
  if (size_t(w.size(0)) < MinChannels || size_t(w.size(1)) < MinChannels)
    return false;
  int64_t oh = input[2] + 2 * p.padding[0] - 2,
          ow = input[3] + 2 * p.padding[1] - 2;
  if (oh <= 0 || ow <= 0)
    return false;
  size_t tiles = size_t(input[0]) * size_t((oh + 3) / 4) * size_t((ow + 3) / 4);
  return tiles >= MinTiles;
}

std::shared_ptr<WinogradWeights>
xnnpack::createWinogradWeights(const ref::Packed &p) {
  initialize();
  Tensor g = p.weight.contiguous();
  const size_t O = size_t(g.size(0)), C = size_t(g.size(1));
  auto w = std::make_shared<WinogradWeights>();
  w->inChannels = C;
  w->outChannels = O;
  w->padH = size_t(p.padding[0]);
  w->padW = size_t(p.padding[1]);
  w->lo = float(ref::boundOf(p.outputMin, -INFINITY));
  w->hi = float(ref::boundOf(p.outputMax, INFINITY));
  w->bias.assign(O, 0.0f);
  if (p.bias.defined()) {
    Tensor b = p.bias.contiguous();
    std::copy(b.data<float>(), b.data<float>() + O, w->bias.begin());
  }
  // U[k][o][c] = (G g[o][c] G^T)[k].
  std::vector<float> u(WinogradPoints * O * C);
  const float *src = g.data<float>();
  for (size_t oc = 0; oc < O * C; ++oc) {
    const float *k = src + oc * 9;
    float gk[Window][3];
    for (size_t i = 0; i < Window; ++i)
      for (size_t j = 0; j < 3; ++j)
        gk[i][j] = G[i][0] * k[j] + G[i][1] * k[3 + j] + G[i][2] * k[6 + j];
    for (size_t i = 0; i < Window; ++i)
      for (size_t j = 0; j < Window; ++j)
        u[(i * Window + j) * O * C + oc] =
            gk[i][0] * G[j][0] + gk[i][1] * G[j][1] + gk[i][2] * G[j][2];
  }
  for (size_t k = 0; k < WinogradPoints; ++k) {
    w->gemms[k] = std::make_shared<Operator>();
    check(xnn_create_fully_connected_nc_f32(C, O, C, O, u.data() + k * O * C,
                                            nullptr, -INFINITY, INFINITY, 0,
                                            &w->gemms[k]->op),
          "Winograd GEMM creation");
  }
  return w;
}

WinogradConv::WinogradConv(std::shared_ptr<const WinogradWeights> weights,
                           const Shape &input)
    : weights(std::move(weights)), n(size_t(input.at(0))),
      h(size_t(input.at(2))), w(size_t(input.at(3))),
      c(this->weights->inChannels), o(this->weights->outChannels),
      oh(h + 2 * this->weights->padH - 2), ow(w + 2 * this->weights->padW - 2),
      padH(this->weights->padH), padW(this->weights->padW),
      tilesH((oh + Tile - 1) / Tile), tilesW((ow + Tile - 1) / Tile) {
  if (size_t(input.at(1)) != c)
    throw Error("input and weight channels differ");
}

Shape WinogradConv::outputShape() const {
  return {int64_t(n), int64_t(o), int64_t(oh), int64_t(ow)};
}

size_t WinogradConv::scratchFloats() const {
  return WinogradPoints * tiles() * (c + o);
}

void WinogradConv::run(const float *x, float *scratch, float *y,
                       pthreadpool_t pool) const {
  const size_t t = tiles();
  float *v = scratch, *m = scratch + WinogradPoints * t * c;
  InputTask in{*this, x, v};
  pthreadpool_parallelize_1d(pool, inputTile, &in, t, 0);
  for (size_t k = 0; k < WinogradPoints; ++k) {
    xnn_operator_t gemm = weights->gemms[k]->op;
    check(xnn_setup_fully_connected_nc_f32(gemm, t, v + k * t * c,
                                           m + k * t * o, pool),
          "Winograd GEMM setup");
    check(xnn_run_operator(gemm, pool), "Winograd GEMM run");
  }
  OutputTask out{*this, m, y};
  pthreadpool_parallelize_1d(pool, outputTile, &out, t, 0);
}
