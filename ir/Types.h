//===- Types.h - IR types ---------------------------------------*- C++ -*-===//
//
// Types are uniqued in the Context and passed by value as thin handles, so
// equality is pointer equality. The text forms are documented in
// docs/LangRef.md.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_TYPES_H
#define IRC_IR_TYPES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMapInfo.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <optional>

namespace llvm {
class raw_ostream;
}

namespace irc {
class Context;
struct TypeStorage;

/// Element type of a tensor. `Unknown` stands for TorchScript's untyped
/// `Tensor` before shapes and dtypes are known.
enum class DType : uint8_t {
#define IRC_DTYPE(Enum, Spelling, Bytes) Enum,
#include "ir/DTypes.def"
  Unknown,
};

llvm::StringRef dtypeName(DType dt);
unsigned dtypeSize(DType dt);
std::optional<DType> parseDType(llvm::StringRef spelling);
bool isFloatDType(DType dt);
bool isIntegerDType(DType dt);

/// A dimension whose size is not known statically (printed `?`).
constexpr int64_t kDynamic = INT64_MIN;

class Type {
public:
  enum class Kind : uint8_t {
    Tensor,
    Int,      // i64
    Float,    // f64
    Bool,     // bool
    Str,      // str
    None,     // none
    Device,   // device
    Any,      // any
    List,     // list<T>
    Tuple,    // tuple<T...>
    Dict,     // dict<K, V>
    Optional, // optional<T>
    Object,   // object<"class.Name">
    Opaque,   // !ns.name
    Function, // (T...) -> (R...)
  };

  Type() = default;
  explicit Type(const TypeStorage *impl) : impl(impl) {}

  explicit operator bool() const { return impl != nullptr; }
  bool operator==(Type o) const { return impl == o.impl; }
  bool operator!=(Type o) const { return impl != o.impl; }

  Kind getKind() const;
  Context &getContext() const;
  bool isTensor() const { return impl && getKind() == Kind::Tensor; }
  bool isInt() const { return impl && getKind() == Kind::Int; }
  bool isFloat() const { return impl && getKind() == Kind::Float; }
  bool isBool() const { return impl && getKind() == Kind::Bool; }
  bool isNone() const { return impl && getKind() == Kind::None; }
  bool isList() const { return impl && getKind() == Kind::List; }
  bool isTuple() const { return impl && getKind() == Kind::Tuple; }
  bool isDict() const { return impl && getKind() == Kind::Dict; }

  // Tensor accessors.
  bool hasRank() const;
  llvm::ArrayRef<int64_t> getShape() const;
  unsigned getRank() const { return getShape().size(); }
  DType getDType() const;
  bool hasStaticShape() const;
  /// Number of elements of a statically shaped tensor.
  int64_t getNumElements() const;

  /// Element type of list<T> and optional<T>.
  Type getElementType() const;
  /// Members of tuple<...>.
  llvm::ArrayRef<Type> getTupleTypes() const;
  /// Key and value types of dict<K, V>.
  Type getDictKeyType() const;
  Type getDictValueType() const;
  /// Class name of object<...>, or `ns.name` of an opaque type.
  llvm::StringRef getName() const;
  llvm::ArrayRef<Type> getInputs() const;
  llvm::ArrayRef<Type> getResults() const;

  void print(llvm::raw_ostream &os) const;
  std::string str() const;

  const TypeStorage *getImpl() const { return impl; }

private:
  const TypeStorage *impl = nullptr;
};

llvm::raw_ostream &operator<<(llvm::raw_ostream &os, Type t);

/// Type constructors. All return uniqued types owned by `ctx`.
Type getTensorType(Context &ctx, llvm::ArrayRef<int64_t> shape, DType dt);
Type getUnrankedTensorType(Context &ctx, DType dt = DType::Unknown);
Type getIntType(Context &ctx);
Type getFloatType(Context &ctx);
Type getBoolType(Context &ctx);
Type getStrType(Context &ctx);
Type getNoneType(Context &ctx);
Type getDeviceType(Context &ctx);
Type getAnyType(Context &ctx);
Type getListType(Type element);
Type getOptionalType(Type element);
Type getTupleType(Context &ctx, llvm::ArrayRef<Type> members);
Type getDictType(Type key, Type value);
Type getObjectType(Context &ctx, llvm::StringRef className);
Type getOpaqueType(Context &ctx, llvm::StringRef name);
Type getFunctionType(Context &ctx, llvm::ArrayRef<Type> inputs,
                     llvm::ArrayRef<Type> results);

/// True when `a` and `b` could describe the same runtime value: tensors of
/// equal rank whose known dims and dtypes agree; other types must be equal.
bool areCompatible(Type a, Type b);

/// True when `a` says at least what `b` says about a value, so a value of
/// type `a` may flow where `b` is declared: equal types, or tensors whose
/// dtype and known dims include `b`'s (`tensor<2x3xf32>` refines
/// `tensor<?x3xf32>`, `tensor<*xf32>` and `tensor`), and optionals and
/// tuples of such. Lists and dicts are mutable and must be equal.
bool isRefinementOf(Type a, Type b);

} // namespace irc

namespace llvm {
template <> struct DenseMapInfo<irc::Type> {
  static irc::Type getEmptyKey() {
    return irc::Type(DenseMapInfo<const irc::TypeStorage *>::getEmptyKey());
  }
  static irc::Type getTombstoneKey() {
    return irc::Type(DenseMapInfo<const irc::TypeStorage *>::getTombstoneKey());
  }
  static unsigned getHashValue(irc::Type t) {
    return DenseMapInfo<const irc::TypeStorage *>::getHashValue(t.getImpl());
  }
  static bool isEqual(irc::Type a, irc::Type b) { return a == b; }
};
} // namespace llvm

#endif // IRC_IR_TYPES_H
