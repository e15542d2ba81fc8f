//===- Verifier.h - Structural and op-specific IR checks --------*- C++ -*-===//
#ifndef IRC_IR_VERIFIER_H
#define IRC_IR_VERIFIER_H

#include "ir/Support.h"

namespace irc {
class Operation;

/// Verifies `op` and everything nested in it: registered names, operand and
/// result counts and types against each op's schema, result shapes against
/// shape rules, region structure and terminators, and SSA dominance. Errors
/// are reported at the offending op's location.
LogicalResult verify(Operation *op);

} // namespace irc

#endif // IRC_IR_VERIFIER_H
