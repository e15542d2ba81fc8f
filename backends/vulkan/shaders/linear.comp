#version 450
// linear over the last dim: out[m, j] = clamp(bias[j] + sum_k in[m, k] *
// weight[j, k], lo, hi), `in` and `out` starting at element offsets (the
// recurrent cells' steps). Each invocation computes TILE outputs of one
// row, reading each input value once for them.
#include "common.h"
layout(constant_id = 0) const int TILE = 4;
layout(std430, binding = 0) writeonly buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer In { float inData[]; };
layout(std430, binding = 2) readonly buffer Weight { float weight[]; }; // N, K
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };
layout(push_constant) uniform Params {
  int m, k, n;
  float lo, hi;
  int inOffset, outOffset;
} p;

void main() {
  uint index = flatIndex();
  int blocks = (p.n + TILE - 1) / TILE;
  if (index >= uint(p.m * blocks))
    return;
  int j0 = int(index % uint(blocks)) * TILE, row = int(index / uint(blocks));
  int count = min(TILE, p.n - j0);
  float acc[TILE];
  for (int t = 0; t < TILE; ++t)
    acc[t] = bias[j0 + min(t, count - 1)];
  for (int i = 0; i < p.k; ++i) {
    float v = inData[p.inOffset + row * p.k + i];
    for (int t = 0; t < TILE; ++t)
      acc[t] += v * weight[(j0 + min(t, count - 1)) * p.k + i];
  }
  for (int t = 0; t < count; ++t) {
    float r = acc[t];
    outData[p.outOffset + row * p.n + j0 + t] =
        isnan(r) ? r : min(max(r, p.lo), p.hi);
  }
}
