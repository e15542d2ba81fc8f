#version 450
// layer_norm over the last `len` elements of each of `rows` rows:
// (x - mean) / sqrt(var + eps) * weight + bias, the variance biased, both
// from two passes over the row. One invocation per row.
#include "common.h"
layout(std430, binding = 0) writeonly buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer In { float inData[]; };
layout(std430, binding = 2) readonly buffer Weight { float weight[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };
layout(push_constant) uniform Params {
  int rows, len;
  float eps;
} p;

void main() {
  uint row = flatIndex();
  if (row >= uint(p.rows))
    return;
  int base = int(row) * p.len;
  float sum = 0.0;
  for (int i = 0; i < p.len; ++i)
    sum += inData[base + i];
  float mean = sum / float(p.len), squares = 0.0;
  for (int i = 0; i < p.len; ++i) {
    float d = inData[base + i] - mean;
    squares += d * d;
  }
  float scale = inversesqrt(squares / float(p.len) + p.eps);
  for (int i = 0; i < p.len; ++i)
    outData[base + i] = (inData[base + i] - mean) * scale * weight[i] + bias[i];
}
