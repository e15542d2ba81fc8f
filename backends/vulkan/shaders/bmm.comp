#version 450
// Batched matrix products: out[b] = a[b] (m x k) times b[b] (k x n), with
// each operand's batch stride (0 for a 2-d right operand shared by all).
// One invocation per output element.
#include "common.h"
layout(std430, binding = 0) writeonly buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer A { float a[]; };
layout(std430, binding = 2) readonly buffer B { float b[]; };
layout(push_constant) uniform Params {
  int batch, m, k, n, aStride, bStride;
} p;

void main() {
  uint index = flatIndex();
  if (index >= uint(p.batch * p.m * p.n))
    return;
  int j = int(index % uint(p.n)), i = int(index / uint(p.n) % uint(p.m));
  int t = int(index / uint(p.n * p.m));
  int aBase = t * p.aStride + i * p.k, bBase = t * p.bStride + j;
  float sum = 0.0;
  for (int x = 0; x < p.k; ++x)
    sum += a[aBase + x] * b[bBase + x * p.n];
  outData[index] = sum;
}
