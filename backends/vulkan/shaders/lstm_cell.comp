#version 450
// One LSTM step for `batch` rows of `hidden` units, PyTorch's gate order
// (i, f, g, o): from the input's gates gx (4 * hidden per row, at
// gxOffset) and the hidden state's gh (bias included in both), the previous
// h at hOffset and the cell state c (updated in place):
//   c' = sigmoid(f) * c + sigmoid(i) * tanh(g), h' = sigmoid(o) * tanh(c'),
// h' written at outOffset.
#include "common.h"
layout(std430, binding = 0) buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer Gx { float gx[]; };
layout(std430, binding = 2) readonly buffer Gh { float gh[]; };
layout(std430, binding = 3) buffer C { float c[]; };
layout(push_constant) uniform Params {
  int batch, hidden, gxOffset, outOffset;
} p;

float sigmoid(float x) { return 1.0 / (1.0 + exp(-x)); }

void main() {
  uint index = flatIndex();
  if (index >= uint(p.batch * p.hidden))
    return;
  int j = int(index % uint(p.hidden)), b = int(index / uint(p.hidden));
  int x = p.gxOffset + b * 4 * p.hidden + j, y = b * 4 * p.hidden + j;
  float i = sigmoid(gx[x] + gh[y]);
  float f = sigmoid(gx[x + p.hidden] + gh[y + p.hidden]);
  float g = safeTanh(gx[x + 2 * p.hidden] + gh[y + 2 * p.hidden]);
  float o = sigmoid(gx[x + 3 * p.hidden] + gh[y + 3 * p.hidden]);
  float cell = f * c[index] + i * g;
  c[index] = cell;
  outData[p.outOffset + int(index)] = o * safeTanh(cell);
}
