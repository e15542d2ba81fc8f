//===- Attributes.h - IR attributes -----------------------------*- C++ -*-===//
//
// Attributes are compile-time constant values, uniqued in the Context and
// passed as thin handles. Tensor constants come in two forms that share the
// ElementsAttr accessors: `dense<...>` holds its bytes inline (small constants
// made by passes), `blob<"name">` refers to a WeightStore entry that may be
// memory-mapped from the model file. Either may lack data (an elided dense
// constant, a blob the store does not hold); passes then treat the value as
// unknown rather than failing.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_ATTRIBUTES_H
#define IRC_IR_ATTRIBUTES_H

#include "ir/Types.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <optional>

namespace irc {
struct AttributeStorage;

class Attribute {
public:
  enum class Kind : uint8_t {
    Int,
    Float,
    Bool,
    String,
    None,
    Type,
    List,
    SymbolRef,
    Dense,
    Blob,
  };

  Attribute() = default;
  explicit Attribute(const AttributeStorage *impl) : impl(impl) {}
  explicit operator bool() const { return impl != nullptr; }
  bool operator==(Attribute o) const { return impl == o.impl; }
  bool operator!=(Attribute o) const { return impl != o.impl; }

  Kind getKind() const;
  Context &getContext() const;
  bool is(Kind k) const { return impl && getKind() == k; }
  bool isElements() const { return is(Kind::Dense) || is(Kind::Blob); }

  int64_t getInt() const;
  double getFloat() const;
  bool getBool() const;
  /// String value, or the symbol name of a SymbolRef, or a blob's name.
  llvm::StringRef getString() const;
  Type getTypeValue() const;
  llvm::ArrayRef<Attribute> getList() const;

  // ElementsAttr (Dense and Blob) accessors.
  /// The tensor type of a dense or blob attribute.
  Type getElementsType() const;
  /// Raw little-endian element bytes, or std::nullopt when the data is not
  /// available (elided, or a blob missing from the store).
  std::optional<llvm::ArrayRef<char>> getRawData() const;
  /// Byte offset of a blob attribute into its blob.
  uint64_t getBlobOffset() const;

  void print(llvm::raw_ostream &os) const;
  std::string str() const;
  const AttributeStorage *getImpl() const { return impl; }

private:
  const AttributeStorage *impl = nullptr;
};

llvm::raw_ostream &operator<<(llvm::raw_ostream &os, Attribute a);

Attribute getIntAttr(Context &ctx, int64_t v);
Attribute getFloatAttr(Context &ctx, double v);
Attribute getBoolAttr(Context &ctx, bool v);
Attribute getStringAttr(Context &ctx, llvm::StringRef v);
Attribute getNoneAttr(Context &ctx);
Attribute getTypeAttr(Type t);
Attribute getListAttr(Context &ctx, llvm::ArrayRef<Attribute> elements);
Attribute getSymbolRefAttr(Context &ctx, llvm::StringRef symbol);
/// A dense tensor constant. `data` must hold exactly numElements * dtypeSize
/// bytes of a statically shaped tensor type; it is copied into the context.
Attribute getDenseAttr(Type tensorType, llvm::ArrayRef<char> data);
/// A dense constant whose data was elided when printed.
Attribute getElidedDenseAttr(Type tensorType);
/// A tensor held by reference to the WeightStore blob `name`.
Attribute getBlobAttr(Type tensorType, llvm::StringRef name,
                      uint64_t offset = 0);

/// A named attribute of an operation. Names are interned in the Context.
struct NamedAttribute {
  llvm::StringRef name;
  Attribute value;
};

} // namespace irc

#endif // IRC_IR_ATTRIBUTES_H
