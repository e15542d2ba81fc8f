#version 450
// Elementwise a OP b with broadcasting, then clamped (lo = 0 for
// _add_relu): up to 6 dims, each operand read through its own strides (0
// along broadcast dims).
#include "common.h"
layout(constant_id = 0) const int OP = 0; // 0 add, 1 sub, 2 mul, 3 div
layout(std430, binding = 0) writeonly buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer A { float a[]; };
layout(std430, binding = 2) readonly buffer B { float b[]; };
layout(push_constant) uniform Params {
  int sizes[6], aStrides[6], bStrides[6];
  float alpha, lo, hi;
} p;

void main() {
  uint index = flatIndex();
  uint total = 1;
  for (int d = 0; d < 6; ++d)
    total *= uint(p.sizes[d]);
  if (index >= total)
    return;
  uint rest = index;
  int ai = 0, bi = 0;
  for (int d = 5; d >= 0; --d) {
    int i = int(rest % uint(p.sizes[d]));
    rest /= uint(p.sizes[d]);
    ai += i * p.aStrides[d];
    bi += i * p.bStrides[d];
  }
  float x = a[ai], y = b[bi], r;
  if (OP == 0)
    r = x + p.alpha * y;
  else if (OP == 1)
    r = x - p.alpha * y;
  else if (OP == 2)
    r = x * y;
  else
    r = x / y;
  outData[index] = isnan(r) ? r : min(max(r, p.lo), p.hi);
}
