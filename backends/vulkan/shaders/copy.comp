#version 450
// A strided copy of up to 6 dims: element (i0..i5) of the sizes goes from
// inOffset + sum(i * inStrides) to outOffset + sum(i * outStrides). cat,
// chunk, split, permute, transpose and contiguous are copies.
#include "common.h"
layout(std430, binding = 0) buffer Out { float outData[]; };
layout(std430, binding = 1) readonly buffer In { float inData[]; };
layout(push_constant) uniform Params {
  int sizes[6], inStrides[6], outStrides[6];
  int inOffset, outOffset;
} p;

void main() {
  uint index = flatIndex();
  uint total = 1;
  for (int d = 0; d < 6; ++d)
    total *= uint(p.sizes[d]);
  if (index >= total)
    return;
  uint rest = index;
  int from = p.inOffset, to = p.outOffset;
  for (int d = 5; d >= 0; --d) {
    int i = int(rest % uint(p.sizes[d]));
    rest /= uint(p.sizes[d]);
    from += i * p.inStrides[d];
    to += i * p.outStrides[d];
  }
  outData[to] = inData[from];
}
