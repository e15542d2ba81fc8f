//===- CallResolver.h - TorchScript calls to registered ops -----*- C++ -*-===//
//
// Resolves a call of printed TorchScript (`torch.add(x, 1)`,
// `ops.prim.min(a, b)`) to one registered op, the way TorchScript's schema
// matching (torch/csrc/jit/frontend/schema_matching.cpp) picks an overload:
//
//  - the candidates are the ops `ns.name` and `ns.name.<overload>`, in table
//    order; every candidate is tried first without implicit conversions,
//    then, if none matched, again with them; the first match wins;
//  - positional arguments fill the parameters before `*` in order, keyword
//    arguments any parameter by name (`input=` also names an aten `self`);
//    omitted parameters take their schema defaults, materialized as
//    `constant` ops (one per distinct value and type within a call);
//  - argument types are checked as the verifier checks operands (`Tensor`
//    takes any tensor, `Scalar` i64/f64/bool, `T?` none, optional<T> or T,
//    type variables bind one type across parameters and results).
//
// Conversions (TorchScript's, each inserting ops at the builder):
//
//  - always: an i64 or f64 given for a fixed-size list of its type
//    (`int[2] stride=2`) is repeated (`prim.list_construct`); a tuple whose
//    members all have one type that fits a list parameter becomes that list
//    (`prim.tuple_unpack` + `prim.list_construct`);
//  - second pass only: a tensor given for `int`, `float` or `Scalar`
//    (`aten.Int.Tensor`, `aten.Float.Tensor`, `aten.ScalarImplicit`); a str
//    given for `Device` (`aten.device`); the remaining positional arguments
//    packed into the last positional parameter when it is a list without a
//    fixed size and the first of them is not a list (`zeros(2, 3)`).
//
// There is no implicit number-to-tensor conversion: TorchScript's schema
// matching has none (only the tracer inserts `prim::NumToTensor`, which
// printed code then calls explicitly).
//
// Result types come from the schema: `Tensor` is an unranked tensor of
// unknown dtype, int-like types i64, `float` f64, bound type variables their
// binding, TorchBind classes `object<"__torch__.torch.classes...">`, `Any`
// `any`, and `Scalar` (TorchScript's `number`, which has no IR type) f64.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_FRONTEND_CALLRESOLVER_H
#define IRC_FRONTEND_CALLRESOLVER_H

#include "ir/Builder.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"
#include <optional>
#include <string>

namespace irc {

/// One argument of a call, already emitted.
struct CallArgument {
  Value *value;
  /// The keyword (`dtype` in `dtype=6`); empty for a positional argument.
  llvm::StringRef keyword;
  /// Where the argument is, for diagnostics (may be invalid).
  llvm::SMLoc loc;
};

/// The op a call resolved to, with one operand per schema parameter (plus
/// the extra operands of a variadic schema), defaults filled in and
/// conversions applied, and the result types of the schema with its type
/// variables bound.
struct ResolvedCall {
  const OpInfo *op = nullptr;
  llvm::SmallVector<Value *, 8> operands;
  llvm::SmallVector<Type, 2> resultTypes;
};

/// Finds the op `ns.name` or `ns.name.<overload>` (`ns` is `aten`, `prim`,
/// `prepacked` or `quantized`) whose schema accepts `args`. Default
/// arguments and conversions are emitted with `builder` at `loc`, only for
/// the op found. On failure, emits nothing, returns nullopt and sets `error`
/// to one sentence without a trailing period, such as
///   unsupported operator 'aten::frobnicate'
///   'aten::conv2d' got an unexpected keyword argument 'stride2'
///   no overload of 'aten::add' accepts (tensor, str): candidates are
///   add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1), ...
/// and, when `errorLoc` is given and the error is about one argument whose
/// location is valid, `*errorLoc` to that location (else it is left alone).
std::optional<ResolvedCall>
resolveCall(Builder &builder, Location loc, llvm::StringRef ns,
            llvm::StringRef name, llvm::ArrayRef<CallArgument> args,
            std::string &error, llvm::SMLoc *errorLoc = nullptr);

/// Creates the op of a resolved call at the builder's insertion point.
Operation *createResolvedCall(Builder &builder, Location loc,
                              const ResolvedCall &call);

} // namespace irc

#endif // IRC_FRONTEND_CALLRESOLVER_H
