#version 450
// linear over the last dim: out[m, j] = clamp(bias[j] + sum_k in[m, k] *
// weight[j, k], lo, hi).
#include "common.h"
layout(std430, binding = 0) writeonly buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer In { float inData[]; };
layout(std430, binding = 2) readonly buffer Weight { float weight[]; }; // N, K
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };
layout(push_constant) uniform Params {
  int m, k, n;
  float lo, hi;
} p;

void main() {
  uint index = flatIndex();
  if (index >= uint(p.m * p.n))
    return;
  int j = int(index % uint(p.n)), row = int(index / uint(p.n));
  float sum = bias[j];
  for (int i = 0; i < p.k; ++i)
    sum += inData[row * p.k + i] * weight[j * p.k + i];
  outData[index] = isnan(sum) ? sum : min(max(sum, p.lo), p.hi);
}
