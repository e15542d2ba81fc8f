//===- Promote.cpp - PyTorch's type promotion -----------------------------===//

#include "backends/reference/Promote.h"

using namespace irc::rt;

namespace {
int category(DType d) {
  if (d == DType::Bool)
    return 0;
  if (isIntegral(d, false))
    return 1;
  if (isFloatingPoint(d))
    return 2;
  return 3;
}

int intRank(DType d) {
  switch (d) {
  case DType::I8: return 1;
  case DType::I16: return 2;
  case DType::I32: return 3;
  case DType::I64: return 4;
  default: return 0;
  }
}

DType promoteQuantized(DType d) {
  switch (d) {
  case DType::QI8: return DType::I8;
  case DType::QU8: return DType::U8;
  case DType::QI32: return DType::I32;
  default: return d;
  }
}
} // namespace

DType ref::promoteTypes(DType a, DType b) {
  a = promoteQuantized(a);
  b = promoteQuantized(b);
  if (a == b)
    return a;
  int ca = category(a), cb = category(b);
  if (ca != cb) {
    if (ca == 3 || cb == 3) { // complex with a real type
      DType c = ca == 3 ? a : b, r = ca == 3 ? b : a;
      return (c == DType::C128 || r == DType::F64) ? DType::C128 : DType::C64;
    }
    return ca > cb ? a : b;
  }
  switch (ca) {
  case 0: return DType::Bool;
  case 1: {
    if (a == DType::U8 || b == DType::U8) {
      DType other = a == DType::U8 ? b : a;
      return other == DType::I8 ? DType::I16 : other;
    }
    return intRank(a) > intRank(b) ? a : b;
  }
  case 2: {
    if (a == DType::F64 || b == DType::F64)
      return DType::F64;
    if (a == DType::F32 || b == DType::F32)
      return DType::F32;
    return DType::F32; // f16 with bf16
  }
  default:
    return DType::C128; // c64 with c128
  }
}

DType ref::resultType(const std::vector<const Value *> &operands) {
  // [0]: tensors with dims, [1]: 0-d tensors, [2]: scalars.
  bool have[3] = {false, false, false};
  DType group[3] = {DType::Bool, DType::Bool, DType::Bool};
  for (const Value *v : operands) {
    int g;
    DType d;
    if (v->isTensor()) {
      const Tensor &t = v->toTensor();
      g = t.dim() > 0 ? 0 : 1;
      d = t.dtype();
    } else if (v->isBool()) {
      g = 2, d = DType::Bool;
    } else if (v->isInt()) {
      g = 2, d = DType::I64;
    } else if (v->isDouble()) {
      g = 2, d = DType::F32;
    } else {
      continue;
    }
    group[g] = have[g] ? promoteTypes(group[g], d) : d;
    have[g] = true;
  }
  bool any = false;
  DType result = DType::F32;
  for (int g = 0; g < 3; ++g) {
    if (!have[g])
      continue;
    if (!any) {
      result = group[g];
      any = true;
    } else if (category(group[g]) > category(result)) {
      // A scalar or 0-d tensor of a higher category: its own dtype when it is
      // a tensor, the default for its category when it is a Python scalar.
      DType d = group[g];
      if (g == 2 && category(d) == 2)
        d = DType::F32;
      if (category(d) == 2 && category(result) == 2)
        d = promoteTypes(result, d);
      result = d;
    }
  }
  if (!any)
    throw Error("no tensor or scalar operands to promote");
  return result;
}
