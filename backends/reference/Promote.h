//===- Promote.h - PyTorch's type promotion ---------------------*- C++ -*-===//
//
// The dtype an op computes in when its operands differ, as
// torch.result_type decides it: tensors with dims decide first, then 0-d
// tensors, then Python scalars (int is int64, float is the default float32,
// bool is bool), and a later group only counts if it is of a higher category
// (bool < integer < floating point < complex).
//
//===----------------------------------------------------------------------===//

#ifndef IRC_BACKENDS_REFERENCE_PROMOTE_H
#define IRC_BACKENDS_REFERENCE_PROMOTE_H

#include "runtime/Value.h"

#include <vector>

namespace irc::rt::ref {

/// torch.promote_types(a, b).
DType promoteTypes(DType a, DType b);

/// torch.result_type over `operands`, which are tensors or scalars (other
/// values, such as None, are skipped).
DType resultType(const std::vector<const Value *> &operands);

} // namespace irc::rt::ref

#endif // IRC_BACKENDS_REFERENCE_PROMOTE_H
