#version 450
// aten.embedding: output row i is row indices[i] of the (rows, dim) weight.
// The indices are int64, read as pairs of 32-bit words (little-endian, so
// the low word first; Vulkan 1.0 does not promise 64-bit integers in
// shaders). The host checks the indices' range before each run; an index
// out of range here still reads nothing outside the weight and gives 0.
#include "common.h"
layout(std430, binding = 0) buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer Indices { uint indices[]; };
layout(std430, binding = 2) readonly buffer Weight { float weight[]; };
layout(push_constant) uniform Params { int count, rows, dim; } p;

void main() {
  uint index = flatIndex();
  if (index >= uint(p.count * p.dim))
    return;
  uint i = index / uint(p.dim), d = index % uint(p.dim);
  uint low = indices[2 * i], high = indices[2 * i + 1];
  outData[index] =
      high == 0 && low < uint(p.rows) ? weight[low * uint(p.dim) + d] : 0.0;
}
