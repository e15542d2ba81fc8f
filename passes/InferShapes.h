//===- InferShapes.h - Argument specialisation for infer-shapes -*- C++ -*-===//
//
// Tools that know their inputs (irc-run reads .npy files) specialise a
// function's arguments to those inputs' types, then run the `infer-shapes`
// pass, which propagates them through the function.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_PASSES_INFERSHAPES_H
#define IRC_PASSES_INFERSHAPES_H

#include "ir/Module.h"
#include <string>

namespace irc {

/// Gives the arguments of `func` (a `func` op) the types `argTypes`, one per
/// argument (a null type keeps the argument's type), in its entry block and
/// its signature; results are left as declared. Each type must refine the
/// declared one (`tensor<1x3xf32>` for `tensor`, see isRefinementOf), and
/// every call of `func` in the module must pass values of the new types;
/// otherwise nothing changes and `error` says why.
LogicalResult specializeArguments(Operation *func,
                                  llvm::ArrayRef<Type> argTypes,
                                  std::string &error);

} // namespace irc

#endif // IRC_PASSES_INFERSHAPES_H
