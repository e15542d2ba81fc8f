#version 450
// mean (MEAN = 1) or sum (MEAN = 0) over `len` consecutive-dim elements with
// `inner` elements after them: one invocation per output element.
#include "common.h"
layout(constant_id = 0) const int MEAN = 1;
layout(std430, binding = 0) writeonly buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer In { float inData[]; };
layout(push_constant) uniform Params {
  int outer, len, inner;
} p;

void main() {
  uint index = flatIndex();
  if (index >= uint(p.outer * p.inner))
    return;
  int base = int(index / uint(p.inner)) * p.len * p.inner + int(index % uint(p.inner));
  float sum = 0.0;
  for (int i = 0; i < p.len; ++i)
    sum += inData[base + i * p.inner];
  outData[index] = MEAN == 1 ? sum / float(p.len) : sum;
}
