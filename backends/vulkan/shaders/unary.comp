#version 450
// Elementwise activations. OP: 0 clamp(x, p0, p1) (relu, relu6, hardtanh,
// clamp), 1 hardswish, 2 hardsigmoid, 3 sigmoid, 4 tanh, 5 leaky_relu
// (slope p0), 6 elu (alpha p0, scale p1, input_scale p2).
#include "common.h"
layout(constant_id = 0) const int OP = 0;
layout(std430, binding = 0) writeonly buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer In { float inData[]; };
layout(push_constant) uniform Params {
  int n;
  float p0, p1, p2;
} p;

void main() {
  uint index = flatIndex();
  if (index >= uint(p.n))
    return;
  float x = inData[index], r;
  if (OP == 0)
    r = isnan(x) ? x : min(max(x, p.p0), p.p1);
  else if (OP == 1)
    r = x * min(max(x + 3.0, 0.0), 6.0) / 6.0;
  else if (OP == 2)
    r = min(max(x + 3.0, 0.0), 6.0) / 6.0;
  else if (OP == 3)
    r = 1.0 / (1.0 + exp(-x));
  else if (OP == 4)
    r = safeTanh(x);
  else if (OP == 5)
    r = x > 0.0 ? x : x * p.p0;
  else
    r = x > 0.0 ? x * p.p1 : (exp(x * p.p2) - 1.0) * p.p0 * p.p1;
  outData[index] = r;
}
