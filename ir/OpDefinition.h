//===- OpDefinition.h - Op tables, traits and hooks -------------*- C++ -*-===//
//
// Every op is one IRC_OP entry in a table under ir/ops/ (one table per
// namespace). An entry gives the op's enum id, its name, a TorchScript-style
// schema that the verifier checks operands and results against, its region
// count, traits, and optional hooks: a verifier, a result-type (shape) rule
// and a folder, defined in the file of the op's family.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_OPDEFINITION_H
#define IRC_IR_OPDEFINITION_H

#include "ir/Attributes.h"
#include "ir/Support.h"
#include "ir/Types.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <memory>
#include <string>
#include <vector>

namespace irc {
class Operation;
class Value;

enum class OpId : uint16_t {
#define IRC_OP(Id, Name, Schema, Regions, Traits, Verify, Infer, Fold) Id,
#include "ir/ops/Ops.def"
  Unregistered,
};

/// Op traits, combined with `|` in the tables.
enum OpTrait : uint32_t {
  NoTraits = 0,
  /// No side effects: an op whose results are unused may be removed.
  NoSideEffects = 1u << 7,
  /// No side effects and results depend only on operand values: equal ops
  /// may also be merged.
  Pure = (1u << 0) | NoSideEffects,
  /// Ends a block.
  Terminator = 1u << 1,
  /// Operands 0 and 1 may be swapped.
  Commutative = 1u << 2,
  /// Writes to its first operand (TorchScript's `op_` forms, list append).
  InPlace = 1u << 3,
  /// Produces its `value` attribute.
  ConstantLike = 1u << 4,
  /// Nested regions may not use values defined outside (func).
  IsolatedFromAbove = 1u << 5,
  /// Is purely functional only if the ops in its regions are (prim.if/loop).
  RecursivelyPure = 1u << 6,
};

/// A type in an op schema, in TorchScript's notation: Tensor, int, float,
/// bool, str, Device, Scalar (int, float or bool), Any, a type variable `t`,
/// `T[]` lists, `T?` optionals.
struct SchemaType {
  enum class Kind {
    Tensor,
    Int,
    Float,
    Bool,
    Str,
    Device,
    Scalar,
    Any,
    Var,
    List,
    Optional
  };
  Kind kind;
  std::string var;                     // Var: its name
  std::shared_ptr<SchemaType> element; // List, Optional
};

struct SchemaParam {
  std::string name;
  SchemaType type;
};

/// A parsed op schema: `(Tensor self, int[] size) -> Tensor`. A trailing
/// `...` on the last parameter makes it variadic (`(t... elements) -> t[]`).
struct Schema {
  std::vector<SchemaParam> params;
  std::vector<SchemaType> results;
  bool variadic = false;
  bool empty() const { return params.empty() && results.empty() && !variadic; }
};

/// Parses `text`; returns an error message on malformed schemas (a bug in a
/// table, reported when the Context is created).
std::string parseSchema(llvm::StringRef text, Schema &out);

/// The result of folding one op result: an existing value or a constant.
struct OpFoldResult {
  Value *value = nullptr;
  Attribute attr;
  OpFoldResult() = default;
  OpFoldResult(Value *v) : value(v) {}
  OpFoldResult(Attribute a) : attr(a) {}
};

using VerifyFn = LogicalResult (*)(Operation *op);
/// Computes result types from the operands (partially known types allowed);
/// the verifier checks declared results are compatible with them.
using InferFn = LogicalResult (*)(Operation *op,
                                  llvm::SmallVectorImpl<Type> &results);
/// Folds `op` given the constant values of its operands (null when not
/// constant). Returns failure when it cannot fold; fills one entry per result.
using FoldFn = LogicalResult (*)(Operation *op,
                                 llvm::ArrayRef<Attribute> constOperands,
                                 llvm::SmallVectorImpl<OpFoldResult> &results);

struct OpInfo {
  OpId id;
  llvm::StringRef name;
  llvm::StringRef schemaText;
  unsigned numRegions;
  uint32_t traits;
  VerifyFn verify;
  InferFn infer;
  FoldFn fold;
  Schema schema;

  bool hasTrait(OpTrait t) const { return (traits & t) == t; }
  /// The op's namespace (`aten` for `aten.conv2d`, empty for `func`).
  llvm::StringRef getNamespace() const;
};

/// All registered ops, indexed by OpId.
llvm::ArrayRef<OpInfo> getRegisteredOps();

} // namespace irc

#endif // IRC_IR_OPDEFINITION_H
