#version 450
// One GRU step for `batch` rows of `hidden` units, PyTorch's gate order
// (r, z, n): from the input's gates gx (row-major, 3 * hidden per row, at
// gxOffset: this step's rows of the whole sequence's) and the hidden
// state's gh (bias included in both), and the previous state h at hOffset:
//   r = sigmoid(gx_r + gh_r), z = sigmoid(gx_z + gh_z),
//   n = tanh(gx_n + r * gh_n), h' = (1 - z) * n + z * h,
// written at outOffset.
#include "common.h"
layout(std430, binding = 0) buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer Gx { float gx[]; };
layout(std430, binding = 2) readonly buffer Gh { float gh[]; };
layout(std430, binding = 3) readonly buffer H { float h[]; };
layout(push_constant) uniform Params {
  int batch, hidden, gxOffset, hOffset, outOffset;
} p;

float sigmoid(float x) { return 1.0 / (1.0 + exp(-x)); }

void main() {
  uint index = flatIndex();
  if (index >= uint(p.batch * p.hidden))
    return;
  int j = int(index % uint(p.hidden)), b = int(index / uint(p.hidden));
  int x = p.gxOffset + b * 3 * p.hidden + j, y = b * 3 * p.hidden + j;
  float r = sigmoid(gx[x] + gh[y]);
  float z = sigmoid(gx[x + p.hidden] + gh[y + p.hidden]);
  float n = safeTanh(gx[x + 2 * p.hidden] + r * gh[y + 2 * p.hidden]);
  outData[p.outOffset + int(index)] = (1.0 - z) * n + z * h[p.hOffset + int(index)];
}
