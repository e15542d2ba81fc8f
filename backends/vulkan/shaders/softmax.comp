#version 450
// softmax (LOG = 0) or log_softmax (LOG = 1) along a dim of `len` elements
// with `inner` elements after it: one invocation per (outer, inner) line.
#include "common.h"
layout(constant_id = 0) const int LOG = 0;
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
  float top = -1.0 / 0.0;
  for (int i = 0; i < p.len; ++i)
    top = max(top, inData[base + i * p.inner]);
  float sum = 0.0;
  for (int i = 0; i < p.len; ++i)
    sum += exp(inData[base + i * p.inner] - top);
  for (int i = 0; i < p.len; ++i) {
    float x = inData[base + i * p.inner] - top;
    outData[base + i * p.inner] = LOG == 1 ? x - log(sum) : exp(x) / sum;
  }
}
