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
// Tuples, dicts and objects hold the values of a TorchScript module tree:
// an object is an instance of a class, given either by named fields (modules,
// script classes) or by the state its `__getstate__` returned (TorchBind
// objects). Dict entries and object fields keep their order, which is part
// of their identity.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_ATTRIBUTES_H
#define IRC_IR_ATTRIBUTES_H

#include "ir/Types.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <utility>

namespace irc {
struct AttributeStorage;
struct NamedAttribute;

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
    Tuple,
    Dict,
    Object,
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
  llvm::ArrayRef<Attribute> getTuple() const;

  /// Entries of a Dict, in insertion order.
  llvm::ArrayRef<std::pair<Attribute, Attribute>> getDictEntries() const;
  /// The value of `key` in a Dict, or null.
  Attribute lookupDict(Attribute key) const;

  // Object accessors.
  /// Qualified class name (`__torch__.Net`).
  llvm::StringRef getObjectClass() const;
  /// Named fields in order; empty for the state form.
  llvm::ArrayRef<NamedAttribute> getObjectFields() const;
  /// The field `name`, or null (always null for the state form).
  Attribute getObjectField(llvm::StringRef name) const;
  /// True for the state form (`object<"C"> (...)`).
  bool hasObjectState() const;
  /// The state of the state form; empty for the named form.
  llvm::ArrayRef<Attribute> getObjectState() const;

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
/// Calls `fn` with each symbol that `attr` refers to, looking into lists,
/// tuples, dicts and objects.
void forEachSymbolRef(Attribute attr,
                      llvm::function_ref<void(llvm::StringRef)> fn);
/// A dense tensor constant. `data` must hold exactly numElements * dtypeSize
/// bytes of a statically shaped tensor type; it is copied into the context.
Attribute getDenseAttr(Type tensorType, llvm::ArrayRef<char> data);
/// A dense constant whose data was elided when printed.
Attribute getElidedDenseAttr(Type tensorType);
/// A tensor held by reference to the WeightStore blob `name`.
Attribute getBlobAttr(Type tensorType, llvm::StringRef name,
                      uint64_t offset = 0);
Attribute getTupleAttr(Context &ctx, llvm::ArrayRef<Attribute> elements);
/// A dict whose entries keep their order. Keys must be distinct.
Attribute getDictAttr(Context &ctx,
                      llvm::ArrayRef<std::pair<Attribute, Attribute>> entries);

/// A named attribute of an operation. Names are interned in the Context.
struct NamedAttribute {
  llvm::StringRef name;
  Attribute value;
};

/// An object of class `className` given by its fields, in order. Field
/// names must be distinct.
Attribute getObjectAttr(Context &ctx, llvm::StringRef className,
                        llvm::ArrayRef<NamedAttribute> fields);
/// An object of class `className` given by the state `__getstate__` returned
/// (the values `__setstate__` receives).
Attribute getObjectStateAttr(Context &ctx, llvm::StringRef className,
                             llvm::ArrayRef<Attribute> state);

} // namespace irc

#endif // IRC_IR_ATTRIBUTES_H
