#version 450
// conv_transpose2d, NCHW, gathered per output element: out[b, oc, oy, ox] =
// clamp(bias + sum of in[b, ic, iy, ix] * weight[ic, oc % og, ky, kx] where
// oy = iy * sh - ph + ky * dh, lo, hi).
#include "common.h"
layout(std430, binding = 0) writeonly buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer In { float inData[]; };
layout(std430, binding = 2) readonly buffer Weight { float weight[]; }; // C, O/G, KH, KW
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };
layout(push_constant) uniform Params {
  int n, c, h, w, o, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, groups;
  float lo, hi;
} p;

void main() {
  uint index = flatIndex();
  if (index >= uint(p.n * p.o * p.oh * p.ow))
    return;
  int ox = int(index % uint(p.ow));
  int oy = int(index / uint(p.ow) % uint(p.oh));
  int oc = int(index / uint(p.ow * p.oh) % uint(p.o));
  int b = int(index / uint(p.ow * p.oh * p.o));
  int cg = p.c / p.groups, og = p.o / p.groups, g = oc / og;
  float sum = bias[oc];
  for (int ky = 0; ky < p.kh; ++ky) {
    int ty = oy + p.ph - ky * p.dh;
    if (ty < 0 || ty % p.sh != 0 || ty / p.sh >= p.h)
      continue;
    int iy = ty / p.sh;
    for (int kx = 0; kx < p.kw; ++kx) {
      int tx = ox + p.pw - kx * p.dw;
      if (tx < 0 || tx % p.sw != 0 || tx / p.sw >= p.w)
        continue;
      int ix = tx / p.sw;
      for (int ic = 0; ic < cg; ++ic) {
        int c = g * cg + ic;
        sum += inData[((b * p.c + c) * p.h + iy) * p.w + ix] *
               weight[((c * og + oc % og) * p.kh + ky) * p.kw + kx];
      }
    }
  }
  outData[index] = isnan(sum) ? sum : min(max(sum, p.lo), p.hi);
}
