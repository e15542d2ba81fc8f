#version 450
// max_pool2d (MAX = 1) and avg_pool2d (MAX = 0) over NCHW planes; the
// output size (ceil_mode included) comes from the host. avg divides by the
// window clipped to the padded input (countIncludePad) or to the input, or
// by divisor when it is positive.
#include "common.h"
layout(constant_id = 0) const int MAX = 1;
layout(std430, binding = 0) writeonly buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer In { float inData[]; };
layout(push_constant) uniform Params {
  int planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, countIncludePad,
      divisor;
} p;

void main() {
  uint index = flatIndex();
  if (index >= uint(p.planes * p.oh * p.ow))
    return;
  int ox = int(index % uint(p.ow));
  int oy = int(index / uint(p.ow) % uint(p.oh));
  int plane = int(index / uint(p.ow * p.oh));
  int y0 = oy * p.sh - p.ph, x0 = ox * p.sw - p.pw;
  float acc = MAX == 1 ? -1.0 / 0.0 : 0.0;
  bool nan = false;
  int count = 0;
  for (int ky = 0; ky < p.kh; ++ky) {
    int iy = y0 + ky * p.dh;
    if (iy < 0 || iy >= p.h)
      continue;
    for (int kx = 0; kx < p.kw; ++kx) {
      int ix = x0 + kx * p.dw;
      if (ix < 0 || ix >= p.w)
        continue;
      float v = inData[(plane * p.h + iy) * p.w + ix];
      nan = nan || isnan(v);
      acc = MAX == 1 ? max(acc, v) : acc + v;
      ++count;
    }
  }
  if (MAX == 1) {
    outData[index] = nan ? 0.0 / 0.0 : acc;
    return;
  }
  int divide = count;
  if (p.divisor > 0) {
    divide = p.divisor;
  } else if (p.countIncludePad != 0) {
    int y1 = min(y0 + p.kh, p.h + p.ph), x1 = min(x0 + p.kw, p.w + p.pw);
    divide = (y1 - y0) * (x1 - x0);
  }
  outData[index] = acc / float(divide);
}
