#version 450
// conv2d, NCHW: out = clamp(bias + sum of in * weight, lo, hi), any groups,
// stride, padding and dilation (general, depthwise and pointwise).
#include "common.h"
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
  if (index >= uint(p.n * p.o * p.oh * p.ow))
    return;
  int ox = int(index % uint(p.ow));
  int oy = int(index / uint(p.ow) % uint(p.oh));
  int oc = int(index / uint(p.ow * p.oh) % uint(p.o));
  int b = int(index / uint(p.ow * p.oh * p.o));
  int cg = p.c / p.groups, og = p.o / p.groups, g = oc / og;
  float sum = bias[oc];
  for (int ic = 0; ic < cg; ++ic) {
    int plane = (b * p.c + g * cg + ic) * p.h;
    int wbase = (oc * cg + ic) * p.kh;
    for (int ky = 0; ky < p.kh; ++ky) {
      int iy = oy * p.sh - p.ph + ky * p.dh;
      if (iy < 0 || iy >= p.h)
        continue;
      for (int kx = 0; kx < p.kw; ++kx) {
        int ix = ox * p.sw - p.pw + kx * p.dw;
        if (ix < 0 || ix >= p.w)
          continue;
        sum += inData[(plane + iy) * p.w + ix] * weight[(wbase + ky) * p.kw + kx];
      }
    }
  }
  outData[index] = isnan(sum) ? sum : min(max(sum, p.lo), p.hi);
}
