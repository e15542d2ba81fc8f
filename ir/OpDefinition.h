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

namespace llvm {
class raw_ostream;
}

namespace irc {
class Context;
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
/// bool, str, Device, Scalar (int, float or bool), Any, a type variable (`t`,
/// `t1`, `tVal`), `T[]` lists (`int[2]` with a fixed size), `T?` optionals,
/// `Dict(K, V)` dicts and `(T1, T2)` tuples, each optionally with a PyTorch
/// alias annotation (`Tensor(a!)`, `Dict(str, t)(a!)`), and irc's opaque
/// types (`!xnn.conv2d_params`, the packed parameters of a backend).
///
/// Some PyTorch types have no IR type of their own and are checked as
/// another kind, keeping their spelling so the schema prints back exactly:
/// `SymInt`, `ScalarType`, `Layout` and `MemoryFormat` are `int` (TorchScript
/// prints dtypes, layouts and memory formats as ints), and TorchBind class
/// types (`__torch__.torch.classes.xnnpack.Conv2dOpContext`) are `Any`.
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
    Optional,
    Dict,
    Tuple,
    Opaque
  };
  Kind kind = Kind::Any;
  std::string var; // Var: its name
  /// List and Optional: the element type; Dict: the value type.
  std::shared_ptr<SchemaType> element;
  /// Dict: the key type.
  std::shared_ptr<SchemaType> key;
  /// Tuple: the member types.
  std::vector<SchemaType> members;
  /// The type's name when it differs from the kind's (`SymInt`, a class);
  /// Opaque: its `ns.name`.
  std::string spelling;
  /// List: the fixed size of `int[2]`, or 0.
  unsigned fixedSize = 0;
  /// The alias annotation without parentheses (`a`, `a!`, `a -> *`), or
  /// empty.
  std::string alias;

  /// True when the annotation marks the value as written (`Tensor(a!)`).
  bool isWritten() const;
  /// Calls `fn` on each type directly nested in this one: a dict's key and
  /// value, a list's or optional's element, a tuple's members.
  template <typename Fn> void forEachNested(Fn &&fn) const {
    if (key)
      fn(*key);
    if (element)
      fn(*element);
    for (const SchemaType &m : members)
      fn(m);
  }
  /// Prints the type as in a schema (`int[2]`, `Dict(str, t)`,
  /// `Tensor(a!)`); `withAlias` false leaves out alias annotations.
  void print(llvm::raw_ostream &os, bool withAlias = true) const;
  std::string str() const;
};

/// A schema default value. It is kept free of any Context because the op
/// registry is shared by all contexts; SchemaParam::getDefault builds the
/// attribute in a given one.
struct SchemaValue {
  enum class Kind : uint8_t { None, Int, Float, Bool, Str, List };
  Kind kind = Kind::None;
  int64_t intValue = 0;
  double floatValue = 0;
  bool boolValue = false;
  std::string strValue;
  std::vector<SchemaValue> elements; // List

  /// The value as an attribute: int, float, bool, string, none or a list.
  Attribute toAttribute(Context &ctx) const;
};

/// Type-variable bindings of a schema match, in binding order.
using SchemaBindings = llvm::SmallVector<std::pair<std::string, Type>, 2>;

/// Whether a value of type `t` may be passed for `st`: Tensor takes any
/// tensor, Scalar an int, float or bool, `T?` none, optional<T> or T, the
/// int-like kinds i64, Any anything; type variables bind in `vars`, which is
/// left unchanged when the match fails. The verifier checks ops with it and
/// the importer's call resolution picks overloads with it.
///
/// With `elementBindings` (collectElementBindings over the op's operands and
/// results), a type variable outside a list or dict also takes a type that
/// refines (isRefinementOf) its binding inside one: the verifier lets
/// `prim.list_construct(tensor<2xf32>, tensor<3xf32>) -> list<tensor>` and
/// `aten.__getitem__.t(list<tensor>, i64) -> tensor<2xf32>` through, which is
/// what infer-shapes leaves.
bool matchSchemaType(const SchemaType &st, Type t, SchemaBindings &vars,
                     const SchemaBindings *elementBindings = nullptr);

/// Appends the first binding of each type variable that occurs inside a
/// list or dict of `st`, matched against `t` (`t` in `t[]` against
/// `list<tensor>` binds `tensor`).
void collectElementBindings(const SchemaType &st, Type t, SchemaBindings &out,
                            bool inContainer = false);

struct SchemaParam {
  std::string name;
  SchemaType type;
  /// Declared after `*`: TorchScript passes it by keyword (`dtype=6`).
  bool keywordOnly = false;
  /// The default as written (`1`, `[0, 0]`, `None`, `"valid"`), or empty.
  std::string defaultText;
  /// The default, typed by the parameter: an int literal given for a
  /// float becomes a float, and a scalar given for a fixed-size list is
  /// repeated (`int[2] stride=1` is [1, 1]). Meaningful if hasDefault().
  SchemaValue defaultValue;

  bool hasDefault() const { return !defaultText.empty(); }
  /// The default as an attribute of `ctx`; null when there is none.
  Attribute getDefault(Context &ctx) const;
};

/// A parsed op schema, in the syntax of PyTorch's FunctionSchema without
/// the name: `(Tensor self, int[2] stride=1, *, ScalarType? dtype=None) ->
/// Tensor`. Parameters with defaults are still operands: an importer fills
/// omitted arguments in from the defaults. A trailing `...` makes the schema
/// variadic: either typed, on the last parameter (`(t... elements) -> t[]`,
/// every extra operand has that type), or bare as in PyTorch (`(str self,
/// ...) -> str`, extra operands of any type). Results may be named
/// (`-> (Tensor values, Tensor indices)`).
struct Schema {
  std::vector<SchemaParam> params;
  std::vector<SchemaType> results;
  /// One name per result; empty strings for unnamed results.
  std::vector<std::string> resultNames;
  bool variadic = false;
  bool empty() const { return params.empty() && results.empty() && !variadic; }

  /// The index of the parameter called `name`, or -1.
  int lookupParam(llvm::StringRef name) const;
  /// Number of parameters that may be passed by position (before `*`).
  unsigned getNumPositional() const;
  /// Prints the schema in the syntax parseSchema reads; a schema parsed
  /// from PyTorch's text prints back to the same text.
  void print(llvm::raw_ostream &os) const;
  std::string str() const;
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
