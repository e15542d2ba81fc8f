//===- Context.h - Owner of uniqued IR objects ------------------*- C++ -*-===//
//
// The Context owns uniqued types and attributes, locations, interned
// strings, the op registry, the diagnostic engine and the weight store. IR
// built in one context must not be mixed with another.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_CONTEXT_H
#define IRC_IR_CONTEXT_H

#include "ir/Diagnostics.h"
#include "ir/InputLimits.h"
#include "ir/OpDefinition.h"
#include "ir/WeightStore.h"
#include <memory>

namespace irc {
struct OperationName;

class Context {
public:
  Context();
  ~Context();
  Context(const Context &) = delete;
  Context &operator=(const Context &) = delete;

  DiagnosticEngine &getDiagEngine();
  WeightStore &getWeightStore();

  /// The registered op with this name, or null.
  const OpInfo *lookupOp(llvm::StringRef name) const;
  const OpInfo &getOpInfo(OpId id) const;
  /// The shared name record of an op (registered or not).
  const OperationName *getOperationName(llvm::StringRef name);
  const OperationName *getOperationName(OpId id);

  /// Unregistered ops are rejected by the parser and verifier unless allowed
  /// (irc-opt --allow-unregistered-ops), which is useful in tests.
  bool allowsUnregisteredOps() const { return allowUnregistered; }
  void setAllowUnregisteredOps(bool allow) { allowUnregistered = allow; }

  /// The caps that readers of files into this context check.
  const InputLimits &getInputLimits() const { return inputLimits; }
  void setInputLimits(const InputLimits &limits) { inputLimits = limits; }

  /// Returns a uniqued copy of `s` that lives as long as the context.
  llvm::StringRef intern(llvm::StringRef s);
  /// Returns a copy of `s` that lives as long as the context (not uniqued:
  /// cheaper for strings that are rarely equal, like value names).
  llvm::StringRef saveString(llvm::StringRef s);

  /// How many ops with the InPlace trait are alive in this context. Lets
  /// passes skip searching a function for mutation when there is none.
  size_t getNumInPlaceOps() const { return numInPlaceOps; }

  struct Impl;
  Impl &getImpl() { return *impl; }

private:
  friend class Operation;
  std::unique_ptr<Impl> impl;
  size_t numInPlaceOps = 0;
  bool allowUnregistered = false;
  InputLimits inputLimits;
};

} // namespace irc

#endif // IRC_IR_CONTEXT_H
