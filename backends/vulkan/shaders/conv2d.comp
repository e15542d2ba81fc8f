#version 450
// conv2d, NCHW: out = clamp(bias + sum of in * weight, lo, hi), any groups,
// stride, padding and dilation. Each invocation computes TILE output
// channels of one group at one output pixel, so every input value it reads
// serves TILE weights; neighbouring invocations take neighbouring pixels
// (contiguous input reads, the same weights). The kernel window is clipped
// to the input once, outside the loops.
#include "common.h"
layout(constant_id = 0) const int TILE = 4;
layout(std430, binding = 0) writeonly buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer In { float inData[]; };
layout(std430, binding = 2) readonly buffer Weight { float weight[]; }; // O, C/G, KH, KW
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };
layout(push_constant) uniform Params {
  int n, c, h, w, o, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, groups;
  float lo, hi;
} p;

void main() {
  uint index = flatIndex();
  int cg = p.c / p.groups, og = p.o / p.groups;
  int blocks = (og + TILE - 1) / TILE;
  if (index >= uint(p.n * p.groups * blocks * p.oh * p.ow))
    return;
  int ox = int(index % uint(p.ow));
  int oy = int(index / uint(p.ow) % uint(p.oh));
  int block = int(index / uint(p.ow * p.oh) % uint(p.groups * blocks));
  int b = int(index / uint(p.ow * p.oh * p.groups * blocks));
  int g = block / blocks, oc0 = g * og + (block % blocks) * TILE;
  int count = min(TILE, g * og + og - oc0);
  float acc[TILE];
  for (int t = 0; t < TILE; ++t)
    acc[t] = bias[oc0 + min(t, count - 1)];
  int y0 = oy * p.sh - p.ph, x0 = ox * p.sw - p.pw;
  int kyLo = y0 < 0 ? (-y0 + p.dh - 1) / p.dh : 0;
  int kyHi = min(p.kh, (p.h - y0 + p.dh - 1) / p.dh);
  int kxLo = x0 < 0 ? (-x0 + p.dw - 1) / p.dw : 0;
  int kxHi = min(p.kw, (p.w - x0 + p.dw - 1) / p.dw);
  int perOutput = cg * p.kh * p.kw;
  for (int ic = 0; ic < cg; ++ic) {
    int plane = (b * p.c + g * cg + ic) * p.h;
    int wbase = (oc0 * cg + ic) * p.kh;
    for (int ky = kyLo; ky < kyHi; ++ky) {
      int row = (plane + y0 + ky * p.dh) * p.w + x0;
      int wrow = (wbase + ky) * p.kw;
      for (int kx = kxLo; kx < kxHi; ++kx) {
        float v = inData[row + kx * p.dw];
        for (int t = 0; t < TILE; ++t)
          acc[t] += v * weight[wrow + kx + min(t, count - 1) * perOutput];
      }
    }
  }
  for (int t = 0; t < count; ++t) {
    float r = acc[t];
    outData[((b * p.o + oc0 + t) * p.oh + oy) * p.ow + ox] =
        isnan(r) ? r : min(max(r, p.lo), p.hi);
  }
}
