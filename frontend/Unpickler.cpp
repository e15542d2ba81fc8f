//===- Unpickler.cpp - The restricted unpickler for TorchScript -----------===//
#include "frontend/Unpickler.h"
#include "ir/Location.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include <cstring>

using namespace irc;
using llvm::StringRef;
using Kind = PickleValue::Kind;

int64_t PickledTensor::getNumElements() const {
  int64_t n = 1;
  for (int64_t s : sizes)
    n *= s; // checked for overflow when the tensor was built
  return n;
}

bool PickledTensor::isContiguous() const {
  int64_t expected = 1;
  for (size_t d = sizes.size(); d-- > 0;) {
    if (sizes[d] != 1 && strides[d] != expected)
      return false;
    expected *= sizes[d];
  }
  return true;
}

PickleValuePtr PickleValue::lookup(StringRef key) const {
  const PickleValue *dict = this;
  if (is(Kind::Object)) {
    if (items.empty() || !items[0]->is(Kind::Dict))
      return nullptr;
    dict = items[0].get();
  }
  if (!dict->is(Kind::Dict))
    return nullptr;
  for (size_t k = 0; k + 1 < dict->items.size(); k += 2)
    if (dict->items[k]->is(Kind::String) && dict->items[k]->str == key)
      return dict->items[k + 1];
  return nullptr;
}

namespace {
/// The globals a TorchScript pickle may name.
enum class Global {
  RebuildTensor,
  RebuildQTensor,
  BuildIntList,
  BuildDoubleList,
  BuildBoolList,
  BuildTensorList,
  RestoreTypeTag,
  Device,
  OrderedDict,
  Storage,
  PerTensorAffine,
  PerChannelAffine,
  Class,
};

std::optional<DType> storageDType(StringRef cls) {
  return llvm::StringSwitch<std::optional<DType>>(cls)
      .Case("FloatStorage", DType::F32)
      .Case("DoubleStorage", DType::F64)
      .Case("HalfStorage", DType::F16)
      .Case("BFloat16Storage", DType::BF16)
      .Case("LongStorage", DType::I64)
      .Case("IntStorage", DType::I32)
      .Case("ShortStorage", DType::I16)
      .Case("CharStorage", DType::I8)
      .Case("ByteStorage", DType::U8)
      .Case("BoolStorage", DType::Bool)
      .Case("ComplexFloatStorage", DType::C64)
      .Case("ComplexDoubleStorage", DType::C128)
      .Case("QInt8Storage", DType::QI8)
      .Case("QUInt8Storage", DType::QU8)
      .Case("QInt32Storage", DType::QI32)
      .Case("QUInt4x2Storage", DType::QU4x2)
      .Default(std::nullopt);
}

/// A Python identifier path: `__torch__.a.___torch_mangle_3.B`.
bool isQualifiedName(StringRef s) {
  if (s.empty())
    return false;
  llvm::SmallVector<StringRef, 8> parts;
  s.split(parts, '.');
  return llvm::all_of(parts, [](StringRef p) {
    return !p.empty() && !llvm::isDigit(p[0]) &&
           llvm::all_of(p, [](char c) { return llvm::isAlnum(c) || c == '_'; });
  });
}

class Unpickler {
public:
  Unpickler(StringRef bytes, StringRef where, Location loc, Context &ctx,
            const StorageLoader &loadStorage, StringRef storageDir)
      : bytes(bytes), where(where), loc(loc), ctx(ctx),
        limits(ctx.getInputLimits()), loadStorage(loadStorage),
        storageDir(storageDir) {}

  PickleValuePtr run();

private:
  /// Reports an error at the current opcode.
  InFlightDiagnostic error() {
    failedAlready = true;
    InFlightDiagnostic d(ctx, loc, Severity::Error);
    d << where << " at byte " << opStart << ": ";
    return d;
  }

  // Reading the byte stream.
  bool need(size_t n) {
    if (bytes.size() - pos >= n)
      return true;
    error() << "truncated pickle (needs " << n << " more bytes, "
            << bytes.size() - pos << " left)";
    return false;
  }
  template <typename T> std::optional<T> readLE() {
    if (!need(sizeof(T)))
      return std::nullopt;
    T v = llvm::support::endian::read<T, llvm::support::little, 1>(
        bytes.data() + pos);
    pos += sizeof(T);
    return v;
  }
  std::optional<StringRef> readLine() {
    size_t end = bytes.find('\n', pos);
    if (end == StringRef::npos) {
      error() << "truncated pickle (unterminated GLOBAL name)";
      return std::nullopt;
    }
    StringRef line = bytes.slice(pos, end);
    pos = end + 1;
    return line;
  }

  // The stack.
  bool push(PickleValuePtr v) {
    if (stack.size() >= limits.maxPickleValues) {
      error() << "too many values on the pickle stack";
      return false;
    }
    stack.push_back(std::move(v));
    return true;
  }
  PickleValuePtr pop() {
    if (stack.size() <= (marks.empty() ? 0 : marks.back())) {
      error() << "pickle stack underflow";
      return nullptr;
    }
    PickleValuePtr v = std::move(stack.back());
    stack.pop_back();
    return v;
  }
  /// Pops a value that is not a global.
  PickleValuePtr popValue(StringRef what) {
    PickleValuePtr v = pop();
    if (v && v->is(Kind::Global)) {
      error() << "expected " << what << ", found global '" << v->str << "'";
      return nullptr;
    }
    return v;
  }
  /// Pops everything above the last MARK.
  std::optional<std::vector<PickleValuePtr>> popToMark() {
    if (marks.empty()) {
      error() << "pickle stack underflow (no MARK)";
      return std::nullopt;
    }
    size_t mark = marks.pop_back_val();
    std::vector<PickleValuePtr> out(
        std::make_move_iterator(stack.begin() + mark),
        std::make_move_iterator(stack.end()));
    stack.resize(mark);
    return out;
  }

  /// Places `child` into `parent`: the child is frozen from now on. Of the
  /// globals only storage classes and qschemes may go into a container (the
  /// tuples that BINPERSID and _rebuild_qtensor take).
  bool adopt(PickleValue &parent, const PickleValuePtr &child) {
    if (parent.frozen) {
      error() << "pickle modifies a container after using it";
      return false;
    }
    // Children are frozen, so a container can only come to hold itself
    // directly; that cycle would never be freed.
    if (child.get() == &parent) {
      error() << "a pickled container holds itself";
      return false;
    }
    if (child->is(Kind::Global) &&
        (!parent.is(Kind::Tuple) ||
         (globalOf(*child) != Global::Storage &&
          globalOf(*child) != Global::PerTensorAffine &&
          globalOf(*child) != Global::PerChannelAffine))) {
      error() << "global '" << child->str << "' used as a value";
      return false;
    }
    child->frozen = true;
    parent.depth = std::max(parent.depth, child->depth + 1);
    if (parent.depth > limits.maxNesting) {
      error() << "pickle nesting deeper than " << limits.maxNesting
              << " (--max-nesting)";
      return false;
    }
    parent.items.push_back(child);
    return true;
  }
  PickleValuePtr makeContainer(Kind kind, std::vector<PickleValuePtr> values) {
    auto v = std::make_shared<PickleValue>(kind);
    for (PickleValuePtr &e : values)
      if (!adopt(*v, e))
        return nullptr;
    return v;
  }
  static Global globalOf(const PickleValue &v) { return Global(v.i); }

  LogicalResult step(uint8_t op);
  LogicalResult global();
  LogicalResult reduce();
  LogicalResult persistentId();
  PickleValuePtr rebuildTensor(llvm::ArrayRef<PickleValuePtr> args,
                               bool quantized);
  LogicalResult checkTensor(PickledTensor &t);

  StringRef bytes;
  StringRef where;
  Location loc;
  Context &ctx;
  const InputLimits &limits;
  const StorageLoader &loadStorage;
  StringRef storageDir;
  size_t pos = 0, opStart = 0;
  bool failedAlready = false;
  bool stopped = false;
  std::vector<PickleValuePtr> stack;
  llvm::SmallVector<size_t, 8> marks;
  // 64-bit keys: every 32-bit memo index is valid in a pickle, and
  // DenseMap reserves two values of its key type (~0 and ~0 - 1).
  llvm::DenseMap<uint64_t, PickleValuePtr> memo;
  llvm::StringMap<std::shared_ptr<PickledStorage>> storages;
};
} // namespace

PickleValuePtr Unpickler::run() {
  while (!stopped) {
    opStart = pos;
    if (pos >= bytes.size()) {
      error() << "truncated pickle (no STOP opcode)";
      return nullptr;
    }
    uint8_t op = uint8_t(bytes[pos++]);
    if (failed(step(op))) {
      if (!failedAlready)
        error() << "invalid pickle";
      return nullptr;
    }
  }
  opStart = pos;
  if (pos != bytes.size()) {
    error() << "unexpected bytes after the STOP opcode";
    return nullptr;
  }
  if (stack.size() != 1 || !marks.empty() || stack[0]->is(Kind::Global)) {
    error() << "pickle does not end with exactly one value";
    return nullptr;
  }
  return stack[0];
}

LogicalResult Unpickler::step(uint8_t op) {
  auto pushNew = [&](Kind kind) {
    return success(push(std::make_shared<PickleValue>(kind)));
  };
  auto pushInt = [&](int64_t i) {
    auto v = std::make_shared<PickleValue>(Kind::Int);
    v->i = i;
    return success(push(v));
  };
  auto pushBool = [&](bool b) {
    auto v = std::make_shared<PickleValue>(Kind::Bool);
    v->b = b;
    return success(push(v));
  };
  auto memoPut = [&](uint32_t index) -> LogicalResult {
    if (stack.empty()) {
      return error() << "memo store from an empty stack";
    }
    if (memo.size() >= limits.maxPickleValues && !memo.count(index))
      return error() << "too many memo entries";
    memo[index] = stack.back();
    return success();
  };
  auto memoGet = [&](uint32_t index) -> LogicalResult {
    auto it = memo.find(index);
    if (it == memo.end())
      return error() << "memo entry " << index << " is read before it is set";
    return success(push(it->second));
  };
  auto tupleOf = [&](size_t n) -> LogicalResult {
    std::vector<PickleValuePtr> entries(n);
    for (size_t k = n; k-- > 0;)
      if (!(entries[k] = pop()))
        return failure();
    PickleValuePtr t = makeContainer(Kind::Tuple, std::move(entries));
    return success(t && push(t));
  };

  switch (op) {
  case 0x80: { // PROTO
    std::optional<uint8_t> v = readLE<uint8_t>();
    if (!v)
      return failure();
    if (*v != 2)
      return error() << "pickle protocol " << unsigned(*v)
                     << " (TorchScript archives use protocol 2)";
    return success();
  }
  case 'c': // GLOBAL
    return global();
  case 'q': { // BINPUT
    std::optional<uint8_t> i = readLE<uint8_t>();
    return i ? memoPut(*i) : failure();
  }
  case 'r': { // LONG_BINPUT
    std::optional<uint32_t> i = readLE<uint32_t>();
    return i ? memoPut(*i) : failure();
  }
  case 'h': { // BINGET
    std::optional<uint8_t> i = readLE<uint8_t>();
    return i ? memoGet(*i) : failure();
  }
  case 'j': { // LONG_BINGET
    std::optional<uint32_t> i = readLE<uint32_t>();
    return i ? memoGet(*i) : failure();
  }
  case ')': // EMPTY_TUPLE
    return pushNew(Kind::Tuple);
  case ']': // EMPTY_LIST
    return pushNew(Kind::List);
  case '}': // EMPTY_DICT
    return pushNew(Kind::Dict);
  case '(': // MARK
    if (marks.size() >= limits.maxNesting)
      return error() << "pickle nesting deeper than " << limits.maxNesting
                     << " (--max-nesting)";
    marks.push_back(stack.size());
    return success();
  case 't': { // TUPLE
    std::optional<std::vector<PickleValuePtr>> entries = popToMark();
    if (!entries)
      return failure();
    PickleValuePtr t = makeContainer(Kind::Tuple, std::move(*entries));
    return success(t && push(t));
  }
  case 0x85: // TUPLE1
    return tupleOf(1);
  case 0x86: // TUPLE2
    return tupleOf(2);
  case 0x87: // TUPLE3
    return tupleOf(3);
  case 'a':   // APPEND
  case 'e':   // APPENDS
  case 's':   // SETITEM
  case 'u': { // SETITEMS
    bool isList = op == 'a' || op == 'e';
    std::vector<PickleValuePtr> entries;
    if (op == 'a' || op == 's') {
      for (int k = isList ? 1 : 2; k > 0; --k) {
        PickleValuePtr e = pop();
        if (!e)
          return failure();
        entries.insert(entries.begin(), std::move(e));
      }
    } else {
      std::optional<std::vector<PickleValuePtr>> popped = popToMark();
      if (!popped)
        return failure();
      entries = std::move(*popped);
    }
    if (!isList && entries.size() % 2)
      return error() << "SETITEMS with an odd number of values";
    PickleValuePtr target = popValue(isList ? "a list" : "a dict");
    if (!target)
      return failure();
    if (!target->is(isList ? Kind::List : Kind::Dict))
      return error() << (isList ? "APPEND to a value that is not a list"
                                : "SETITEM on a value that is not a dict");
    for (PickleValuePtr &e : entries)
      if (!adopt(*target, e))
        return failure();
    return success(push(target));
  }
  case 0x81: { // NEWOBJ
    PickleValuePtr args = popValue("NEWOBJ arguments");
    if (!args)
      return failure();
    PickleValuePtr cls = pop();
    if (!cls)
      return failure();
    if (!cls->is(Kind::Global) || globalOf(*cls) != Global::Class)
      return error() << "NEWOBJ of something that is not a __torch__ class";
    if (!args->is(Kind::Tuple) || !args->items.empty())
      return error() << "NEWOBJ of '" << cls->str << "' with arguments";
    auto obj = std::make_shared<PickleValue>(Kind::Object);
    obj->str = cls->str;
    return success(push(obj));
  }
  case 'b': { // BUILD
    PickleValuePtr state = popValue("BUILD state");
    if (!state)
      return failure();
    PickleValuePtr obj = popValue("an object to BUILD");
    if (!obj)
      return failure();
    if (!obj->is(Kind::Object))
      return error() << "BUILD of a value that is not an object";
    if (!obj->items.empty())
      return error() << "object '" << obj->str << "' is built twice";
    if (!adopt(*obj, state))
      return failure();
    return success(push(obj));
  }
  case 'R': // REDUCE
    return reduce();
  case 'Q': // BINPERSID
    return persistentId();
  case 'K': { // BININT1
    std::optional<uint8_t> v = readLE<uint8_t>();
    return v ? pushInt(*v) : failure();
  }
  case 'M': { // BININT2
    std::optional<uint16_t> v = readLE<uint16_t>();
    return v ? pushInt(*v) : failure();
  }
  case 'J': { // BININT
    std::optional<int32_t> v = readLE<int32_t>();
    return v ? pushInt(*v) : failure();
  }
  case 0x8a: { // LONG1
    std::optional<uint8_t> n = readLE<uint8_t>();
    if (!n || !need(*n))
      return failure();
    if (*n > 8)
      return error() << "integer of " << unsigned(*n)
                     << " bytes does not fit in int64";
    uint64_t v = 0;
    for (unsigned k = 0; k < *n; ++k)
      v |= uint64_t(uint8_t(bytes[pos + k])) << (8 * k);
    // Sign-extend from the top byte.
    if (*n > 0 && *n < 8 && (bytes[pos + *n - 1] & 0x80))
      v |= ~uint64_t(0) << (8 * *n);
    pos += *n;
    return pushInt(int64_t(v));
  }
  case 'G': { // BINFLOAT (big-endian)
    if (!need(8))
      return failure();
    uint64_t bits =
        llvm::support::endian::read<uint64_t, llvm::support::big, 1>(
            bytes.data() + pos);
    pos += 8;
    auto v = std::make_shared<PickleValue>(Kind::Float);
    std::memcpy(&v->f, &bits, 8);
    return success(push(v));
  }
  case 'X': { // BINUNICODE
    std::optional<uint32_t> n = readLE<uint32_t>();
    if (!n || !need(*n))
      return failure();
    StringRef s = bytes.substr(pos, *n);
    const auto *begin = reinterpret_cast<const llvm::UTF8 *>(s.data());
    if (!llvm::isLegalUTF8String(&begin, begin + s.size()))
      return error() << "string is not valid UTF-8";
    pos += *n;
    auto v = std::make_shared<PickleValue>(Kind::String);
    v->str = s.str();
    return success(push(v));
  }
  case 'N': // NONE
    return pushNew(Kind::None);
  case 0x88: // NEWTRUE
    return pushBool(true);
  case 0x89: // NEWFALSE
    return pushBool(false);
  case '.': // STOP
    stopped = true;
    return success();
  default:
    return error() << "unsupported pickle opcode 0x"
                   << llvm::format_hex_no_prefix(op, 2)
                   << " (TorchScript archives do not use it)";
  }
}

LogicalResult Unpickler::global() {
  std::optional<StringRef> module = readLine();
  if (!module)
    return failure();
  std::optional<StringRef> name = readLine();
  if (!name)
    return failure();
  std::string full = (*module + " " + *name).str();
  auto g = std::make_shared<PickleValue>(Kind::Global);
  g->str = full;
  auto fn =
      llvm::StringSwitch<std::optional<Global>>(full)
          .Case("torch._utils _rebuild_tensor_v2", Global::RebuildTensor)
          .Case("torch._utils _rebuild_qtensor", Global::RebuildQTensor)
          .Case("torch.jit._pickle build_intlist", Global::BuildIntList)
          .Case("torch.jit._pickle build_doublelist", Global::BuildDoubleList)
          .Case("torch.jit._pickle build_boollist", Global::BuildBoolList)
          .Case("torch.jit._pickle build_tensorlist", Global::BuildTensorList)
          .Case("torch.jit._pickle restore_type_tag", Global::RestoreTypeTag)
          .Case("torch device", Global::Device)
          .Case("collections OrderedDict", Global::OrderedDict)
          .Case("torch per_tensor_affine", Global::PerTensorAffine)
          .Case("torch per_channel_affine", Global::PerChannelAffine)
          .Default(std::nullopt);
  if (fn) {
    g->i = int64_t(*fn);
  } else if (*module == "torch" && storageDType(*name)) {
    g->i = int64_t(Global::Storage);
  } else if ((*module == "__torch__" || module->startswith("__torch__.")) &&
             isQualifiedName(*module) && isQualifiedName(*name)) {
    g->i = int64_t(Global::Class);
    g->str = (*module + "." + *name).str();
  } else {
    return error() << "global '" << full
                   << "' is not allowed: TorchScript archives only name "
                      "tensor rebuilders, torch.jit._pickle helpers, "
                      "storages, torch.device, OrderedDict and __torch__ "
                      "classes";
  }
  return success(push(g));
}

LogicalResult Unpickler::reduce() {
  PickleValuePtr args = popValue("REDUCE arguments");
  if (!args)
    return failure();
  PickleValuePtr fn = pop();
  if (!fn)
    return failure();
  if (!fn->is(Kind::Global))
    return error() << "REDUCE of a value that is not a function";
  if (!args->is(Kind::Tuple))
    return error() << "REDUCE of '" << fn->str
                   << "' with arguments that are not a tuple";
  llvm::ArrayRef<PickleValuePtr> a = args->items;
  auto wrongArgs = [&](StringRef expected) -> LogicalResult {
    return error() << "'" << fn->str << "' expects " << expected;
  };
  Global global = globalOf(*fn);
  switch (global) {
  case Global::RebuildTensor:
  case Global::RebuildQTensor: {
    PickleValuePtr t = rebuildTensor(a, global == Global::RebuildQTensor);
    return success(t && push(t));
  }
  case Global::BuildIntList:
  case Global::BuildDoubleList:
  case Global::BuildBoolList:
  case Global::BuildTensorList: {
    static const struct {
      Kind element;
      const char *tag;
    } kinds[] = {{Kind::Int, "List[int]"},
                 {Kind::Float, "List[float]"},
                 {Kind::Bool, "List[bool]"},
                 {Kind::Tensor, "List[Tensor]"}};
    const auto &k = kinds[unsigned(global) - unsigned(Global::BuildIntList)];
    if (a.size() != 1 || !a[0]->is(Kind::List))
      return wrongArgs("one list");
    for (const PickleValuePtr &el : a[0]->items)
      if (!el->is(k.element))
        return error() << "'" << fn->str << "' of a list holding other values";
    a[0]->str = k.tag;
    return success(push(a[0]));
  }
  case Global::RestoreTypeTag: {
    if (a.size() != 2 || !(a[0]->is(Kind::List) || a[0]->is(Kind::Dict)) ||
        !a[1]->is(Kind::String))
      return wrongArgs("a list or dict and a type string");
    a[0]->str = a[1]->str;
    return success(push(a[0]));
  }
  case Global::Device: {
    if (a.size() != 1 || !a[0]->is(Kind::String))
      return wrongArgs("one device string");
    auto v = std::make_shared<PickleValue>(Kind::Device);
    v->str = a[0]->str;
    return success(push(v));
  }
  case Global::OrderedDict:
    if (!a.empty())
      return wrongArgs("no arguments");
    return success(push(std::make_shared<PickleValue>(Kind::Dict)));
  case Global::Storage:
  case Global::PerTensorAffine:
  case Global::PerChannelAffine:
  case Global::Class:
    break;
  }
  return error() << "REDUCE of '" << fn->str << "' is not allowed";
}

LogicalResult Unpickler::persistentId() {
  // ('storage', <storage class>, key, location, numel)
  PickleValuePtr pid = popValue("a persistent id");
  if (!pid)
    return failure();
  llvm::ArrayRef<PickleValuePtr> a = pid->items;
  if (!pid->is(Kind::Tuple) || a.size() != 5 || !a[0]->is(Kind::String) ||
      a[0]->str != "storage" || !a[1]->is(Kind::Global) ||
      globalOf(*a[1]) != Global::Storage || !a[2]->is(Kind::String) ||
      !a[3]->is(Kind::String) || !a[4]->is(Kind::Int))
    return error() << "malformed persistent id (expected ('storage', "
                      "<storage class>, key, location, numel))";
  DType dtype = *storageDType(StringRef(a[1]->str).split(' ').second);
  int64_t numel = a[4]->i;
  std::string record = (storageDir + a[2]->str).str();
  if (!isQualifiedName(a[2]->str) && !llvm::all_of(a[2]->str, [](char c) {
        return llvm::isAlnum(c) || c == '.' || c == '_';
      }))
    return error() << "storage key '" << a[2]->str << "' is not a record name";
  std::shared_ptr<PickledStorage> &storage = storages[record];
  if (storage) {
    if (storage->dtype != dtype || int64_t(storage->numel) != numel)
      return error() << "storage '" << record
                     << "' is referenced with different types or sizes";
  } else {
    uint64_t bytesNeeded;
    if (numel < 0 ||
        __builtin_mul_overflow(uint64_t(numel), uint64_t(dtypeSize(dtype)),
                               &bytesNeeded))
      return error() << "storage '" << record << "' has an invalid size "
                     << numel;
    if (bytesNeeded > limits.maxTensorBytes)
      return error() << "storage '" << record << "' has " << bytesNeeded
                     << " bytes, over the limit of " << limits.maxTensorBytes
                     << " (--max-tensor-bytes)";
    std::optional<Archive::Data> data = loadStorage(record);
    if (!data) {
      failedAlready = true;
      return failure();
    }
    if (data->bytes.size() != bytesNeeded)
      return error() << "storage '" << record << "' holds "
                     << data->bytes.size() << " bytes, but " << numel << " "
                     << dtypeName(dtype) << " elements need " << bytesNeeded;
    storage = std::make_shared<PickledStorage>(PickledStorage{
        record, dtype, uint64_t(numel), data->bytes, data->owner});
  }
  auto v = std::make_shared<PickleValue>(Kind::Storage);
  v->storage = storage;
  return success(push(v));
}

/// Reads a tuple of ints (sizes or strides).
static bool intTuple(const PickleValue &v,
                     llvm::SmallVectorImpl<int64_t> &out) {
  if (!v.is(Kind::Tuple))
    return false;
  for (const PickleValuePtr &el : v.items) {
    if (!el->is(Kind::Int))
      return false;
    out.push_back(el->i);
  }
  return true;
}

PickleValuePtr Unpickler::rebuildTensor(llvm::ArrayRef<PickleValuePtr> a,
                                        bool quantized) {
  // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
  //                    backward_hooks[, metadata])
  // _rebuild_qtensor(storage, offset, size, stride, qparams, requires_grad,
  //                  backward_hooks)
  const char *expected =
      quantized ? "(storage, offset, size, stride, qparams, requires_grad, "
                  "backward_hooks)"
                : "(storage, offset, size, stride, requires_grad, "
                  "backward_hooks)";
  unsigned grad = quantized ? 5 : 4;
  auto t = std::make_shared<PickledTensor>();
  bool ok = a.size() >= 6 && a.size() <= 7 &&
            (quantized ? a.size() == 7 : true) && a[0]->is(Kind::Storage) &&
            a[1]->is(Kind::Int) && intTuple(*a[2], t->sizes) &&
            intTuple(*a[3], t->strides) && a[grad]->is(Kind::Bool) &&
            a[grad + 1]->is(Kind::Dict);
  if (!ok) {
    error() << (quantized ? "_rebuild_qtensor" : "_rebuild_tensor_v2")
            << " expects " << expected;
    return nullptr;
  }
  t->storage = a[0]->storage;
  t->offset = a[1]->i;
  t->requiresGrad = a[grad]->b;
  if (quantized) {
    llvm::ArrayRef<PickleValuePtr> q = a[4]->items;
    bool perTensor = a[4]->is(Kind::Tuple) && q.size() == 3 &&
                     q[0]->is(Kind::Global) &&
                     globalOf(*q[0]) == Global::PerTensorAffine &&
                     q[1]->is(Kind::Float) && q[2]->is(Kind::Int);
    bool perChannel =
        a[4]->is(Kind::Tuple) && q.size() == 4 && q[0]->is(Kind::Global) &&
        globalOf(*q[0]) == Global::PerChannelAffine && q[1]->is(Kind::Tensor) &&
        q[2]->is(Kind::Tensor) && q[3]->is(Kind::Int);
    if (perTensor) {
      t->qscheme = PickledTensor::QScheme::PerTensorAffine;
      t->scale = q[1]->f;
      t->zeroPoint = q[2]->i;
    } else if (perChannel) {
      t->qscheme = PickledTensor::QScheme::PerChannelAffine;
      t->scales = q[1];
      t->zeroPoints = q[2];
      t->axis = q[3]->i;
    } else {
      error() << "quantization parameters must be (per_tensor_affine, scale, "
                 "zero_point) or (per_channel_affine, scales, zero_points, "
                 "axis)";
      return nullptr;
    }
  }
  if (failed(checkTensor(*t)))
    return nullptr;
  auto v = std::make_shared<PickleValue>(Kind::Tensor);
  v->tensor = t;
  return v;
}

LogicalResult Unpickler::checkTensor(PickledTensor &t) {
  constexpr int64_t kMaxDim = int64_t(1) << 48;
  if (t.sizes.size() != t.strides.size())
    return error() << "tensor has " << t.sizes.size() << " sizes but "
                   << t.strides.size() << " strides";
  if (t.sizes.size() > 64)
    return error() << "tensor of rank " << t.sizes.size()
                   << " (at most 64 is accepted)";
  if (t.offset < 0)
    return error() << "tensor has a negative storage offset " << t.offset;
  uint64_t numel = 1, last = uint64_t(t.offset);
  for (size_t d = 0; d < t.sizes.size(); ++d) {
    int64_t size = t.sizes[d], stride = t.strides[d];
    if (size < 0 || size > kMaxDim)
      return error() << "tensor dimension " << d << " has invalid size " << size
                     << " (out of bounds: 0 to 2^48)";
    if (stride < 0 || stride > kMaxDim)
      return error() << "tensor dimension " << d << " has invalid stride "
                     << stride << " (out of bounds: 0 to 2^48)";
    uint64_t extent;
    if (__builtin_mul_overflow(numel, uint64_t(size), &numel) ||
        numel > uint64_t(kMaxDim) ||
        __builtin_mul_overflow(uint64_t(size ? size - 1 : 0), uint64_t(stride),
                               &extent) ||
        __builtin_add_overflow(last, extent, &last))
      return error() << "tensor sizes overflow";
  }
  if (numel > 0 && last >= t.storage->numel)
    return error() << "tensor reads element " << last << " of storage '"
                   << t.storage->record << "', which has " << t.storage->numel
                   << " (out of bounds)";
  return success();
}

PickleValuePtr irc::unpickle(StringRef bytes, StringRef where, Location loc,
                             Context &ctx, const StorageLoader &loadStorage,
                             StringRef storageDir) {
  return Unpickler(bytes, where, loc, ctx, loadStorage, storageDir).run();
}

void irc::printPickleValue(const PickleValue &v, llvm::raw_ostream &os,
                           unsigned indent) {
  auto printItems = [&](StringRef open, StringRef close) {
    os << open;
    for (size_t k = 0; k < v.items.size(); ++k) {
      if (k)
        os << ", ";
      printPickleValue(*v.items[k], os, indent);
    }
    if (v.is(Kind::Tuple) && v.items.size() == 1)
      os << ',';
    os << close;
  };
  switch (v.kind) {
  case Kind::None:
    os << "None";
    return;
  case Kind::Bool:
    os << (v.b ? "True" : "False");
    return;
  case Kind::Int:
    os << v.i;
    return;
  case Kind::Float: {
    // Python's repr keeps floats distinguishable from ints: `0.0`, `1e-05`.
    char text[32];
    snprintf(text, sizeof(text), "%.17g", v.f);
    os << text;
    if (StringRef(text).find_first_of(".en") == StringRef::npos)
      os << ".0";
    return;
  }
  case Kind::String:
    // Valid UTF-8 is printed as is; quotes and control characters escaped.
    os << '"';
    for (char c : v.str) {
      if (c == '"' || c == '\\')
        os << '\\' << c;
      else if (c == '\n')
        os << "\\n";
      else if (uint8_t(c) < 0x20 || c == 0x7f)
        os << "\\x" << llvm::format_hex_no_prefix(uint8_t(c), 2);
      else
        os << c;
    }
    os << '"';
    return;
  case Kind::Device:
    os << "device(\"" << v.str << "\")";
    return;
  case Kind::Tuple:
    printItems("(", ")");
    return;
  case Kind::List:
    if (!v.str.empty())
      os << v.str;
    printItems("[", "]");
    return;
  case Kind::Dict:
    if (!v.str.empty())
      os << v.str;
    os << '{';
    for (size_t k = 0; k + 1 < v.items.size(); k += 2) {
      if (k)
        os << ", ";
      printPickleValue(*v.items[k], os, indent);
      os << ": ";
      printPickleValue(*v.items[k + 1], os, indent);
    }
    os << '}';
    return;
  case Kind::Tensor: {
    const PickledTensor &t = *v.tensor;
    os << "tensor<";
    for (int64_t s : t.sizes)
      os << s << 'x';
    os << dtypeName(t.storage->dtype) << "> @" << t.storage->record;
    if (t.offset)
      os << '+' << t.offset;
    if (!t.isContiguous()) {
      os << " strides [";
      llvm::interleaveComma(t.strides, os);
      os << ']';
    }
    if (t.requiresGrad)
      os << " requires_grad";
    if (t.qscheme == PickledTensor::QScheme::PerTensorAffine)
      os << " scale " << llvm::format("%.17g", t.scale) << " zero_point "
         << t.zeroPoint;
    else if (t.qscheme == PickledTensor::QScheme::PerChannelAffine) {
      os << " axis " << t.axis << " scales ";
      printPickleValue(*t.scales, os, indent);
      os << " zero_points ";
      printPickleValue(*t.zeroPoints, os, indent);
    }
    return;
  }
  case Kind::Object: {
    os << v.str;
    PickleValuePtr state = v.getState();
    if (!state) {
      os << " (not built)";
      return;
    }
    if (!state->is(Kind::Dict)) {
      os << ' ';
      printPickleValue(*state, os, indent);
      return;
    }
    os << " {\n";
    for (size_t k = 0; k + 1 < state->items.size(); k += 2) {
      os.indent(indent + 2);
      printPickleValue(*state->items[k], os, indent + 2);
      os << ": ";
      printPickleValue(*state->items[k + 1], os, indent + 2);
      os << '\n';
    }
    os.indent(indent) << '}';
    return;
  }
  case Kind::Global:
    os << "<global " << v.str << '>';
    return;
  case Kind::Storage:
    os << "<storage " << v.storage->record << '>';
    return;
  }
}
