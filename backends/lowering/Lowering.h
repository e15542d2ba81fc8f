//===- Lowering.h - IR to a runtime plan ------------------------*- C++ -*-===//
//
// The compile-side step that turns an IR module into a runtime Plan: every
// value gets a register, every op is bound to its kernel for the chosen
// backend (looked up once, here), constants are built once (weights view the
// mapped model file, shared with the plan), `prim.if`/`prim.loop` become
// nested blocks and `call` a call by index. The module must be flat enough to
// run: no `prim.call_method` (run `freeze` first).
//
//===----------------------------------------------------------------------===//

#ifndef IRC_BACKENDS_LOWERING_LOWERING_H
#define IRC_BACKENDS_LOWERING_LOWERING_H

#include "ir/Operation.h"
#include "runtime/Plan.h"

#include "llvm/ADT/StringRef.h"

namespace irc {

/// Lowers every function of `module` into `plan` for `backend`. Each op
/// without a kernel is reported once per op name, at its first location,
/// through the context's diagnostics; returns failure if there was any.
LogicalResult lowerToPlan(Operation *module, const rt::KernelRegistry &registry,
                          llvm::StringRef backend, rt::Plan &plan);

/// The runtime dtype of an IR dtype (nullopt for `Unknown` and `qu4x2`).
std::optional<rt::DType> toRuntimeDType(DType dtype);

/// The IR dtype of a runtime dtype.
DType fromRuntimeDType(rt::DType dtype);

/// The most precise IR type of a run-time value: `tensor<1x3xf32>` for a
/// tensor, `i64`, `f64`, `bool`, `str`; a null type for other values.
Type typeOfValue(Context &ctx, const rt::Value &value);

/// The run-time check for values of IR type `type`.
rt::TypeSpec toTypeSpec(Type type);

} // namespace irc

#endif // IRC_BACKENDS_LOWERING_LOWERING_H
