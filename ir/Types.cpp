//===- Types.cpp ----------------------------------------------------------===//
#include "ir/Types.h"
#include "ir/detail/Storage.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace irc;
using llvm::ArrayRef;
using llvm::StringRef;

namespace {
struct DTypeEntry {
  StringRef name;
  unsigned bytes;
};
const DTypeEntry kDTypes[] = {
#define IRC_DTYPE(Enum, Spelling, Bytes) {Spelling, Bytes},
#include "ir/DTypes.def"
};
} // namespace

StringRef irc::dtypeName(DType dt) {
  return dt == DType::Unknown ? "?" : kDTypes[unsigned(dt)].name;
}
unsigned irc::dtypeSize(DType dt) {
  return dt == DType::Unknown ? 0 : kDTypes[unsigned(dt)].bytes;
}
std::optional<DType> irc::parseDType(StringRef s) {
  for (unsigned i = 0; i < std::size(kDTypes); ++i)
    if (kDTypes[i].name == s)
      return DType(i);
  return std::nullopt;
}
bool irc::isFloatDType(DType dt) {
  return dt == DType::F32 || dt == DType::F64 || dt == DType::F16 ||
         dt == DType::BF16;
}
bool irc::isIntegerDType(DType dt) {
  return dt == DType::I64 || dt == DType::I32 || dt == DType::I16 ||
         dt == DType::I8 || dt == DType::U8;
}

void TypeStorage::Profile(llvm::FoldingSetNodeID &id) const {
  id.AddInteger(unsigned(kind));
  id.AddInteger(unsigned(dtype));
  id.AddBoolean(ranked);
  id.AddInteger(shape.size());
  for (int64_t d : shape)
    id.AddInteger(d);
  id.AddInteger(types.size());
  for (Type t : types)
    id.AddPointer(t.getImpl());
  id.AddInteger(numInputs);
  id.AddPointer(element.getImpl());
  id.AddString(name);
}

static Type get(Context &ctx, TypeStorage key) {
  key.ctx = &ctx;
  auto &impl = ctx.getImpl();
  return Type(impl.unique(impl.types, key, [&](TypeStorage &s) {
    s.shape = impl.copy(s.shape);
    s.types = impl.copy(s.types);
    s.name = impl.copy(s.name);
  }));
}

static Type getSimple(Context &ctx, Type::Kind kind) {
  const TypeStorage *&cached = ctx.getImpl().simpleTypes[unsigned(kind)];
  if (!cached) {
    TypeStorage key;
    key.kind = kind;
    cached = get(ctx, key).getImpl();
  }
  return Type(cached);
}

Type irc::getTensorType(Context &ctx, ArrayRef<int64_t> shape, DType dt) {
  TypeStorage key;
  key.kind = Type::Kind::Tensor;
  key.ranked = true;
  key.shape = shape;
  key.dtype = dt;
  return get(ctx, key);
}
Type irc::getUnrankedTensorType(Context &ctx, DType dt) {
  TypeStorage key;
  key.kind = Type::Kind::Tensor;
  key.dtype = dt;
  return get(ctx, key);
}
Type irc::getIntType(Context &ctx) { return getSimple(ctx, Type::Kind::Int); }
Type irc::getFloatType(Context &ctx) {
  return getSimple(ctx, Type::Kind::Float);
}
Type irc::getBoolType(Context &ctx) { return getSimple(ctx, Type::Kind::Bool); }
Type irc::getStrType(Context &ctx) { return getSimple(ctx, Type::Kind::Str); }
Type irc::getNoneType(Context &ctx) { return getSimple(ctx, Type::Kind::None); }
Type irc::getDeviceType(Context &ctx) {
  return getSimple(ctx, Type::Kind::Device);
}
Type irc::getAnyType(Context &ctx) { return getSimple(ctx, Type::Kind::Any); }
Type irc::getListType(Type element) {
  TypeStorage key;
  key.kind = Type::Kind::List;
  key.element = element;
  return get(element.getContext(), key);
}
Type irc::getOptionalType(Type element) {
  TypeStorage key;
  key.kind = Type::Kind::Optional;
  key.element = element;
  return get(element.getContext(), key);
}
Type irc::getTupleType(Context &ctx, ArrayRef<Type> members) {
  TypeStorage key;
  key.kind = Type::Kind::Tuple;
  key.types = members;
  return get(ctx, key);
}
Type irc::getDictType(Type keyType, Type valueType) {
  Type members[] = {keyType, valueType};
  TypeStorage key;
  key.kind = Type::Kind::Dict;
  key.types = members;
  return get(keyType.getContext(), key);
}
Type irc::getObjectType(Context &ctx, StringRef className) {
  TypeStorage key;
  key.kind = Type::Kind::Object;
  key.name = className;
  return get(ctx, key);
}
Type irc::getOpaqueType(Context &ctx, StringRef name) {
  TypeStorage key;
  key.kind = Type::Kind::Opaque;
  key.name = name;
  return get(ctx, key);
}
Type irc::getFunctionType(Context &ctx, ArrayRef<Type> inputs,
                          ArrayRef<Type> results) {
  llvm::SmallVector<Type, 8> all(inputs.begin(), inputs.end());
  all.append(results.begin(), results.end());
  TypeStorage key;
  key.kind = Type::Kind::Function;
  key.types = all;
  key.numInputs = inputs.size();
  return get(ctx, key);
}

Type::Kind Type::getKind() const { return impl->kind; }
Context &Type::getContext() const { return *impl->ctx; }
bool Type::hasRank() const { return isTensor() && impl->ranked; }
ArrayRef<int64_t> Type::getShape() const { return impl->shape; }
DType Type::getDType() const { return impl->dtype; }
bool Type::hasStaticShape() const {
  return hasRank() &&
         llvm::none_of(getShape(), [](int64_t d) { return d == kDynamic; });
}
int64_t Type::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : getShape())
    n *= d;
  return n;
}
Type Type::getElementType() const { return impl->element; }
ArrayRef<Type> Type::getTupleTypes() const { return impl->types; }
Type Type::getDictKeyType() const { return impl->types[0]; }
Type Type::getDictValueType() const { return impl->types[1]; }
StringRef Type::getName() const { return impl->name; }
ArrayRef<Type> Type::getInputs() const {
  return impl->types.take_front(impl->numInputs);
}
ArrayRef<Type> Type::getResults() const {
  return impl->types.drop_front(impl->numInputs);
}

static void printTypeList(llvm::raw_ostream &os, ArrayRef<Type> types) {
  llvm::interleaveComma(types, os, [&](Type t) { t.print(os); });
}

void Type::print(llvm::raw_ostream &os) const {
  if (!impl) {
    os << "<<null type>>";
    return;
  }
  switch (getKind()) {
  case Kind::Tensor:
    if (!hasRank()) {
      os << "tensor";
      if (getDType() != DType::Unknown)
        os << "<*x" << dtypeName(getDType()) << '>';
      return;
    }
    os << "tensor<";
    for (int64_t d : getShape()) {
      if (d == kDynamic)
        os << '?';
      else
        os << d;
      os << 'x';
    }
    os << dtypeName(getDType()) << '>';
    return;
  case Kind::Int:
    os << "i64";
    return;
  case Kind::Float:
    os << "f64";
    return;
  case Kind::Bool:
    os << "bool";
    return;
  case Kind::Str:
    os << "str";
    return;
  case Kind::None:
    os << "none";
    return;
  case Kind::Device:
    os << "device";
    return;
  case Kind::Any:
    os << "any";
    return;
  case Kind::List:
    os << "list<" << getElementType() << '>';
    return;
  case Kind::Optional:
    os << "optional<" << getElementType() << '>';
    return;
  case Kind::Tuple:
    os << "tuple<";
    printTypeList(os, getTupleTypes());
    os << '>';
    return;
  case Kind::Dict:
    os << "dict<" << getDictKeyType() << ", " << getDictValueType() << '>';
    return;
  case Kind::Object:
    // Escaped like string attributes (`\XX`), which the parser reads back.
    os << "object<\"";
    llvm::printEscapedString(getName(), os);
    os << "\">";
    return;
  case Kind::Opaque:
    os << '!' << getName();
    return;
  case Kind::Function: {
    os << '(';
    printTypeList(os, getInputs());
    os << ") -> ";
    ArrayRef<Type> results = getResults();
    bool paren = results.size() != 1 || results[0].getKind() == Kind::Function;
    if (paren)
      os << '(';
    printTypeList(os, results);
    if (paren)
      os << ')';
    return;
  }
  }
}

std::string Type::str() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  print(os);
  return s;
}

llvm::raw_ostream &irc::operator<<(llvm::raw_ostream &os, Type t) {
  t.print(os);
  return os;
}

bool irc::areCompatible(Type a, Type b) {
  if (a == b)
    return true;
  if (!a || !b || !a.isTensor() || !b.isTensor())
    return false;
  if (a.getDType() != DType::Unknown && b.getDType() != DType::Unknown &&
      a.getDType() != b.getDType())
    return false;
  if (!a.hasRank() || !b.hasRank())
    return true;
  if (a.getRank() != b.getRank())
    return false;
  for (unsigned i = 0; i < a.getRank(); ++i) {
    int64_t x = a.getShape()[i], y = b.getShape()[i];
    if (x != kDynamic && y != kDynamic && x != y)
      return false;
  }
  return true;
}

bool irc::isRefinementOf(Type a, Type b) {
  if (a == b)
    return true;
  if (!a || !b || a.getKind() != b.getKind())
    return false;
  switch (a.getKind()) {
  case Type::Kind::Tensor: {
    if (b.getDType() != DType::Unknown && a.getDType() != b.getDType())
      return false;
    if (!b.hasRank())
      return true;
    if (!a.hasRank() || a.getRank() != b.getRank())
      return false;
    for (unsigned i = 0; i < a.getRank(); ++i)
      if (b.getShape()[i] != kDynamic && a.getShape()[i] != b.getShape()[i])
        return false;
    return true;
  }
  case Type::Kind::Optional:
    return isRefinementOf(a.getElementType(), b.getElementType());
  case Type::Kind::Tuple: {
    auto as = a.getTupleTypes(), bs = b.getTupleTypes();
    if (as.size() != bs.size())
      return false;
    for (size_t i = 0; i < as.size(); ++i)
      if (!isRefinementOf(as[i], bs[i]))
        return false;
    return true;
  }
  default:
    return false;
  }
}
