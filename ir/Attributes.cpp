//===- Attributes.cpp -----------------------------------------------------===//
#include "ir/Attributes.h"
#include "ir/detail/AttrPrinting.h"
#include "ir/detail/Storage.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"
#include <charconv>
#include <cmath>
#include <cstring>

using namespace irc;
using llvm::ArrayRef;
using llvm::StringRef;

void AttributeStorage::Profile(llvm::FoldingSetNodeID &id) const {
  id.AddInteger(unsigned(kind));
  id.AddInteger(intValue);
  uint64_t bits;
  std::memcpy(&bits, &floatValue, sizeof(bits));
  id.AddInteger(bits);
  id.AddString(str);
  id.AddPointer(type.getImpl());
  id.AddInteger(list.size());
  for (Attribute a : list)
    id.AddPointer(a.getImpl());
  id.AddInteger(entries.size());
  for (auto [key, value] : entries) {
    id.AddPointer(key.getImpl());
    id.AddPointer(value.getImpl());
  }
  // A key's field names are not interned yet: hash them by content.
  id.AddInteger(fields.size());
  for (const NamedAttribute &f : fields) {
    id.AddString(f.name);
    id.AddPointer(f.value.getImpl());
  }
  id.AddBoolean(hasData);
  id.AddString(StringRef(data.data(), data.size()));
}

static Attribute get(Context &ctx, AttributeStorage key) {
  key.ctx = &ctx;
  auto &impl = ctx.getImpl();
  return Attribute(impl.unique(impl.attributes, key, [&](AttributeStorage &s) {
    s.str = impl.copy(s.str);
    s.list = impl.copy(s.list);
    s.entries = impl.copy(s.entries);
    if (!s.fields.empty()) {
      auto *mem = impl.allocator.Allocate<NamedAttribute>(s.fields.size());
      for (size_t i = 0; i < s.fields.size(); ++i)
        mem[i] = {impl.copy(s.fields[i].name), s.fields[i].value};
      s.fields = {mem, s.fields.size()};
    }
    if (!s.data.empty()) {
      char *mem = static_cast<char *>(
          impl.allocator.Allocate(s.data.size(), WeightStore::kAlignment));
      std::memcpy(mem, s.data.data(), s.data.size());
      s.data = {mem, s.data.size()};
    }
  }));
}

static AttributeStorage keyOf(Attribute::Kind kind) {
  AttributeStorage key;
  key.kind = kind;
  return key;
}

Attribute irc::getIntAttr(Context &ctx, int64_t v) {
  // The value map is the uniquer of ints (no FoldingSet node walk); the two
  // keys DenseMap reserves take the general path.
  using Info = llvm::DenseMapInfo<int64_t>;
  if (v == Info::getEmptyKey() || v == Info::getTombstoneKey()) {
    auto key = keyOf(Attribute::Kind::Int);
    key.intValue = v;
    return get(ctx, key);
  }
  auto &impl = ctx.getImpl();
  const AttributeStorage *&slot = impl.intAttributes[v];
  if (!slot) {
    auto *node = new (impl.attrAllocator.Allocate<AttributeStorage>())
        AttributeStorage(keyOf(Attribute::Kind::Int));
    node->ctx = &ctx;
    node->intValue = v;
    slot = node;
  }
  return Attribute(slot);
}

Attribute irc::getFloatAttr(Context &ctx, double v) {
  auto key = keyOf(Attribute::Kind::Float);
  key.floatValue = v;
  return get(ctx, key);
}
Attribute irc::getBoolAttr(Context &ctx, bool v) {
  auto key = keyOf(Attribute::Kind::Bool);
  key.intValue = v;
  return get(ctx, key);
}
Attribute irc::getStringAttr(Context &ctx, StringRef v) {
  auto key = keyOf(Attribute::Kind::String);
  key.str = v;
  return get(ctx, key);
}
Attribute irc::getNoneAttr(Context &ctx) {
  return get(ctx, keyOf(Attribute::Kind::None));
}
Attribute irc::getTypeAttr(Type t) {
  auto key = keyOf(Attribute::Kind::Type);
  key.type = t;
  return get(t.getContext(), key);
}
Attribute irc::getListAttr(Context &ctx, ArrayRef<Attribute> elements) {
  auto key = keyOf(Attribute::Kind::List);
  key.list = elements;
  return get(ctx, key);
}
Attribute irc::getSymbolRefAttr(Context &ctx, StringRef symbol) {
  auto key = keyOf(Attribute::Kind::SymbolRef);
  key.str = symbol;
  return get(ctx, key);
}
Attribute irc::getDenseAttr(Type tensorType, ArrayRef<char> data) {
  assert(tensorType.hasStaticShape() &&
         data.size() == size_t(tensorType.getNumElements()) *
                            dtypeSize(tensorType.getDType()) &&
         "dense data does not match its type");
  auto key = keyOf(Attribute::Kind::Dense);
  key.type = tensorType;
  key.data = data;
  key.hasData = true;
  return get(tensorType.getContext(), key);
}
Attribute irc::getElidedDenseAttr(Type tensorType) {
  auto key = keyOf(Attribute::Kind::Dense);
  key.type = tensorType;
  return get(tensorType.getContext(), key);
}
Attribute irc::getBlobAttr(Type tensorType, StringRef name, uint64_t offset) {
  auto key = keyOf(Attribute::Kind::Blob);
  key.type = tensorType;
  key.str = name;
  key.intValue = int64_t(offset);
  return get(tensorType.getContext(), key);
}

Attribute irc::getTupleAttr(Context &ctx, ArrayRef<Attribute> elements) {
  auto key = keyOf(Attribute::Kind::Tuple);
  key.list = elements;
  return get(ctx, key);
}

[[maybe_unused]] static bool
haveDistinctKeys(ArrayRef<std::pair<Attribute, Attribute>> entries) {
  llvm::SmallPtrSet<const AttributeStorage *, 8> seen;
  return llvm::all_of(entries, [&](const std::pair<Attribute, Attribute> &e) {
    return seen.insert(e.first.getImpl()).second;
  });
}

Attribute irc::getDictAttr(Context &ctx,
                           ArrayRef<std::pair<Attribute, Attribute>> entries) {
  assert(haveDistinctKeys(entries) && "duplicate dict key");
  auto key = keyOf(Attribute::Kind::Dict);
  key.entries = entries;
  return get(ctx, key);
}

[[maybe_unused]] static bool
haveDistinctNames(ArrayRef<NamedAttribute> fields) {
  llvm::StringSet<> seen;
  return llvm::all_of(fields, [&](const NamedAttribute &f) {
    return seen.insert(f.name).second;
  });
}

Attribute irc::getObjectAttr(Context &ctx, StringRef className,
                             ArrayRef<NamedAttribute> fields) {
  assert(haveDistinctNames(fields) && "duplicate object field");
  auto key = keyOf(Attribute::Kind::Object);
  key.str = className;
  key.fields = fields;
  return get(ctx, key);
}

Attribute irc::getObjectStateAttr(Context &ctx, StringRef className,
                                  ArrayRef<Attribute> state) {
  auto key = keyOf(Attribute::Kind::Object);
  key.str = className;
  key.list = state;
  key.intValue = 1;
  return get(ctx, key);
}

Attribute::Kind Attribute::getKind() const { return impl->kind; }
Context &Attribute::getContext() const { return *impl->ctx; }
int64_t Attribute::getInt() const { return impl->intValue; }
double Attribute::getFloat() const { return impl->floatValue; }
bool Attribute::getBool() const { return impl->intValue != 0; }
StringRef Attribute::getString() const { return impl->str; }
Type Attribute::getTypeValue() const { return impl->type; }
ArrayRef<Attribute> Attribute::getList() const { return impl->list; }
ArrayRef<Attribute> Attribute::getTuple() const { return impl->list; }
ArrayRef<std::pair<Attribute, Attribute>> Attribute::getDictEntries() const {
  return impl->entries;
}
Attribute Attribute::lookupDict(Attribute key) const {
  for (auto [k, v] : impl->entries)
    if (k == key)
      return v;
  return Attribute();
}
StringRef Attribute::getObjectClass() const { return impl->str; }
ArrayRef<NamedAttribute> Attribute::getObjectFields() const {
  return impl->fields;
}
Attribute Attribute::getObjectField(StringRef name) const {
  for (const NamedAttribute &f : impl->fields)
    if (f.name == name)
      return f.value;
  return Attribute();
}
bool Attribute::hasObjectState() const { return impl->intValue != 0; }
ArrayRef<Attribute> Attribute::getObjectState() const { return impl->list; }
Type Attribute::getElementsType() const { return impl->type; }
uint64_t Attribute::getBlobOffset() const { return uint64_t(impl->intValue); }

std::optional<ArrayRef<char>> Attribute::getRawData() const {
  if (is(Kind::Dense)) {
    if (!impl->hasData)
      return std::nullopt;
    return impl->data;
  }
  assert(is(Kind::Blob) && "not an elements attribute");
  auto blob = getContext().getWeightStore().lookup(getString());
  if (!blob)
    return std::nullopt;
  uint64_t bytes =
      uint64_t(impl->type.getNumElements()) * dtypeSize(impl->type.getDType());
  if (getBlobOffset() > blob->size() || bytes > blob->size() - getBlobOffset())
    return std::nullopt;
  return blob->slice(getBlobOffset(), bytes);
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

void irc::printFloat(double v, llvm::raw_ostream &os) {
  if (std::isnan(v)) {
    os << "nan";
    return;
  }
  if (std::isinf(v)) {
    os << (v < 0 ? "-inf" : "inf");
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  StringRef s(buf, res.ptr - buf);
  os << s;
  if (s.find_first_of(".e") == StringRef::npos)
    os << ".0";
}

static void printFloat32(float v, llvm::raw_ostream &os) {
  if (std::isnan(v) || std::isinf(v)) {
    printFloat(v, os);
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  StringRef s(buf, res.ptr - buf);
  os << s;
  if (s.find_first_of(".e") == StringRef::npos)
    os << ".0";
}

static bool isIdentifierChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '.' || c == '$';
}

void irc::printQuotedString(StringRef s, llvm::raw_ostream &os) {
  os << '"';
  llvm::printEscapedString(s, os);
  os << '"';
}

void irc::printAttributeName(StringRef name, llvm::raw_ostream &os) {
  if (!name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_') &&
      llvm::all_of(name, [](char c) {
        return llvm::isAlnum(c) || c == '_' || c == '.';
      }))
    os << name;
  else
    printQuotedString(name, os);
}

void irc::printSymbolName(StringRef name, llvm::raw_ostream &os) {
  os << '@';
  if (!name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_') &&
      llvm::all_of(name, isIdentifierChar))
    os << name;
  else
    printQuotedString(name, os);
}

/// Prints element `i` of raw little-endian tensor data.
static void printElement(DType dt, const char *data, int64_t i,
                         llvm::raw_ostream &os) {
  auto load = [&](auto v) {
    std::memcpy(&v, data + i * sizeof(v), sizeof(v));
    return v;
  };
  switch (dt) {
  case DType::F32:
    printFloat32(load(float()), os);
    return;
  case DType::F64:
    printFloat(load(double()), os);
    return;
  case DType::F16:
  case DType::BF16: {
    llvm::APFloat f(dt == DType::F16 ? llvm::APFloat::IEEEhalf()
                                     : llvm::APFloat::BFloat(),
                    llvm::APInt(16, load(uint16_t())));
    bool losesInfo;
    f.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven,
              &losesInfo);
    printFloat32(f.convertToFloat(), os);
    return;
  }
  case DType::I64:
    os << load(int64_t());
    return;
  case DType::I32:
    os << load(int32_t());
    return;
  case DType::I16:
    os << load(int16_t());
    return;
  case DType::I8:
    os << int(load(int8_t()));
    return;
  case DType::U8:
    os << unsigned(load(uint8_t()));
    return;
  case DType::Bool:
    os << (load(uint8_t()) ? "true" : "false");
    return;
  case DType::C64:
  case DType::C128:
  case DType::QI8:
  case DType::QU8:
  case DType::QI32:
  case DType::QU4x2:
    llvm_unreachable("printed in hex");
  case DType::Unknown:
    llvm_unreachable("dense attributes have a known dtype");
  }
}

/// True when element `i` of a float tensor is a NaN other than the one the
/// parser makes of `nan`: its decimal form would read back as other bits.
static bool isNonCanonicalNaN(DType dt, const char *data, int64_t i) {
  double canonical = std::nan("");
  auto differs = [&](auto v, auto canonicalValue) {
    std::memcpy(&v, data + i * sizeof(v), sizeof(v));
    return std::isnan(v) && std::memcmp(&v, &canonicalValue, sizeof(v)) != 0;
  };
  switch (dt) {
  case DType::F64:
    return differs(double(), canonical);
  case DType::F32:
    return differs(float(), float(canonical));
  case DType::F16:
  case DType::BF16: {
    const llvm::fltSemantics &sem =
        dt == DType::F16 ? llvm::APFloat::IEEEhalf() : llvm::APFloat::BFloat();
    uint16_t bits;
    std::memcpy(&bits, data + i * 2, 2);
    if (!llvm::APFloat(sem, llvm::APInt(16, bits)).isNaN())
      return false;
    llvm::APFloat nan(canonical);
    bool losesInfo;
    nan.convert(sem, llvm::APFloat::rmNearestTiesToEven, &losesInfo);
    return nan.bitcastToAPInt().getZExtValue() != bits;
  }
  default:
    return false;
  }
}

bool irc::isLargeElements(Attribute a, const PrintOptions &opts) {
  return a.is(Attribute::Kind::Dense) &&
         a.getElementsType().getNumElements() >
             int64_t(opts.largeConstantThreshold);
}

static void printDense(Attribute a, llvm::raw_ostream &os,
                       const PrintOptions &opts) {
  Type type = a.getElementsType();
  auto data = a.getRawData();
  os << "dense<";
  if (!data || (opts.elideLargeConstants && isLargeElements(a, opts))) {
    os << "elided> : " << type;
    return;
  }
  DType dt = type.getDType();
  unsigned size = dtypeSize(dt);
  int64_t n = type.getNumElements();
  bool splat = n > 0;
  for (int64_t i = 1; i < n && splat; ++i)
    splat = std::memcmp(data->data(), data->data() + i * size, size) == 0;
  // NaN payloads and signs survive only in hex, as do complex and quantized
  // elements, which have no literal form.
  bool exactInDecimal =
      isFloatDType(dt) || isIntegerDType(dt) || dt == DType::Bool;
  for (int64_t i = 0; i < n && exactInDecimal; ++i)
    exactInDecimal = !isNonCanonicalNaN(dt, data->data(), i);
  if (splat && exactInDecimal) {
    printElement(dt, data->data(), 0, os);
  } else if (isLargeElements(a, opts) || !exactInDecimal) {
    os << "\"0x" << llvm::toHex(StringRef(data->data(), data->size())) << '"';
  } else {
    os << '[';
    for (int64_t i = 0; i < n; ++i) {
      if (i)
        os << ", ";
      printElement(dt, data->data(), i, os);
    }
    os << ']';
  }
  os << "> : " << type;
}

/// `(a, b)`; `(a,)` for one element, as in Python.
static void printTuple(ArrayRef<Attribute> elements, llvm::raw_ostream &os,
                       const PrintOptions &opts) {
  os << '(';
  llvm::interleaveComma(elements, os,
                        [&](Attribute e) { printAttribute(e, os, opts); });
  os << (elements.size() == 1 ? ",)" : ")");
}

void irc::printAttribute(Attribute a, llvm::raw_ostream &os,
                         const PrintOptions &opts) {
  if (!a) {
    os << "<<null attribute>>";
    return;
  }
  switch (a.getKind()) {
  case Attribute::Kind::Int:
    os << a.getInt();
    return;
  case Attribute::Kind::Float:
    printFloat(a.getFloat(), os);
    return;
  case Attribute::Kind::Bool:
    os << (a.getBool() ? "true" : "false");
    return;
  case Attribute::Kind::String:
    printQuotedString(a.getString(), os);
    return;
  case Attribute::Kind::None:
    os << "none";
    return;
  case Attribute::Kind::Type:
    os << "type<" << a.getTypeValue() << '>';
    return;
  case Attribute::Kind::List:
    os << '[';
    llvm::interleaveComma(a.getList(), os,
                          [&](Attribute e) { printAttribute(e, os, opts); });
    os << ']';
    return;
  case Attribute::Kind::Tuple:
    printTuple(a.getTuple(), os, opts);
    return;
  case Attribute::Kind::Dict:
    os << '{';
    llvm::interleaveComma(a.getDictEntries(), os, [&](auto entry) {
      printAttribute(entry.first, os, opts);
      os << ": ";
      printAttribute(entry.second, os, opts);
    });
    os << '}';
    return;
  case Attribute::Kind::Object:
    os << "object<";
    printQuotedString(a.getObjectClass(), os);
    os << "> ";
    if (a.hasObjectState()) {
      printTuple(a.getObjectState(), os, opts);
      return;
    }
    os << '{';
    llvm::interleaveComma(a.getObjectFields(), os,
                          [&](const NamedAttribute &f) {
                            printAttributeName(f.name, os);
                            os << " = ";
                            printAttribute(f.value, os, opts);
                          });
    os << '}';
    return;
  case Attribute::Kind::SymbolRef:
    printSymbolName(a.getString(), os);
    return;
  case Attribute::Kind::Dense:
    printDense(a, os, opts);
    return;
  case Attribute::Kind::Blob:
    os << "blob<";
    printQuotedString(a.getString(), os);
    if (a.getBlobOffset())
      os << ", " << a.getBlobOffset();
    os << "> : " << a.getElementsType();
    return;
  }
}

void Attribute::print(llvm::raw_ostream &os) const {
  printAttribute(*this, os, PrintOptions());
}

std::string Attribute::str() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  print(os);
  return s;
}

llvm::raw_ostream &irc::operator<<(llvm::raw_ostream &os, Attribute a) {
  a.print(os);
  return os;
}

void irc::forEachSymbolRef(Attribute attr,
                           llvm::function_ref<void(llvm::StringRef)> fn) {
  using K = Attribute::Kind;
  if (!attr)
    return;
  switch (attr.getKind()) {
  case K::SymbolRef:
    fn(attr.getString());
    return;
  case K::List:
  case K::Tuple:
    for (Attribute e : attr.is(K::List) ? attr.getList() : attr.getTuple())
      forEachSymbolRef(e, fn);
    return;
  case K::Dict:
    for (auto &[key, value] : attr.getDictEntries()) {
      forEachSymbolRef(key, fn);
      forEachSymbolRef(value, fn);
    }
    return;
  case K::Object:
    for (const NamedAttribute &field : attr.getObjectFields())
      forEachSymbolRef(field.value, fn);
    for (Attribute e : attr.getObjectState())
      forEachSymbolRef(e, fn);
    return;
  default:
    return;
  }
}
