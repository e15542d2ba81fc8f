#version 450
// adaptive_avg_pool2d over NCHW planes: output cell (oy, ox) averages rows
// [floor(oy * h / oh), ceil((oy + 1) * h / oh)) and the same for columns.
#include "common.h"
layout(std430, binding = 0) writeonly buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer In { float inData[]; };
layout(push_constant) uniform Params {
  int planes, h, w, oh, ow;
} p;

void main() {
  uint index = flatIndex();
  if (index >= uint(p.planes * p.oh * p.ow))
    return;
  int ox = int(index % uint(p.ow));
  int oy = int(index / uint(p.ow) % uint(p.oh));
  int plane = int(index / uint(p.ow * p.oh));
  int y0 = oy * p.h / p.oh, y1 = ((oy + 1) * p.h + p.oh - 1) / p.oh;
  int x0 = ox * p.w / p.ow, x1 = ((ox + 1) * p.w + p.ow - 1) / p.ow;
  float sum = 0.0;
  for (int iy = y0; iy < y1; ++iy)
    for (int ix = x0; ix < x1; ++ix)
      sum += inData[(plane * p.h + iy) * p.w + ix];
  outData[index] = sum / float((y1 - y0) * (x1 - x0));
}
