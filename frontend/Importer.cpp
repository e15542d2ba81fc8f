//===- Importer.cpp - TorchScript archive to IR ---------------------------===//
#include "frontend/Importer.h"
#include "frontend/CallResolver.h"
#include "frontend/TorchScriptParser.h"
#include "ir/Builder.h"
#include "ir/Location.h"
#include "ir/WeightStore.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/SourceMgr.h"
#include <cstring>
#include <fstream>
#include <map>

using namespace irc;
using llvm::StringRef;
using PKind = PickleValue::Kind;

namespace {

/// What a name denotes in a function: a value, or a global such as a
/// function aliased to a local (`_0 = __torch__.torch.nn.functional.relu`).
struct Binding {
  Value *value = nullptr;
  std::string global;
};
using Env = std::map<std::string, Binding, std::less<>>;

class Importer {
public:
  Importer(LoadedArchive &archive, Context &ctx, llvm::SourceMgr &sources)
      : archive(archive), ctx(ctx), sources(sources), builder(ctx),
        module(ctx, getFileLineColLoc(ctx, archive.archive->getPath(), 0, 0)) {}

  std::optional<Module> run();

  // Diagnostics.
  Location locOf(llvm::SMLoc loc) { return ts::getLocation(sources, loc, ctx); }
  InFlightDiagnostic emitError(llvm::SMLoc loc) {
    hadError = true;
    return InFlightDiagnostic(ctx, locOf(loc), Severity::Error);
  }

  // Types.
  Type convertType(const ts::TypeExpr *t);
  const ts::ClassDef *lookupClass(StringRef qualname) const {
    return archive.classes.lookup(qualname);
  }

  // Module data.
  Attribute importValue(const PickleValue &v, const std::string &path);
  /// Adds `const @name = value : type`; returns `@name`.
  Attribute defineModuleConst(const std::string &name, Attribute value,
                              Type type, bool requiresGrad = false);
  Type typeOf(const PickleValue &v);
  /// `CONSTANTS.c<k>`: a constant op for element k of constants.pkl.
  Value *emitArchiveConstant(uint32_t k, Location loc, llvm::SMLoc at);

  // Functions.
  /// The function of `method` of class `cls` (emitted on first use).
  Operation *getMethod(StringRef cls, StringRef method, llvm::SMLoc at);
  /// The function `qualname` (`__torch__.torch.nn.functional.relu`).
  Operation *getFunction(StringRef qualname, llvm::SMLoc at);
  /// The function type of `def`, with `selfType` for its first parameter
  /// when it is a method; null after reporting an error.
  Type signatureOf(const ts::FuncDef &def, Type selfType);
  /// Creates the symbol of `def`, with `selfType` for its first parameter
  /// when it is a method, and queues its body.
  Operation *declareFunction(StringRef symbol, const ts::FuncDef &def,
                             Type selfType);

  LoadedArchive &archive;
  Context &ctx;
  llvm::SourceMgr &sources;
  Builder builder;
  Module module;
  bool hadError = false;
  llvm::StringMap<Operation *> functions;
  std::vector<std::pair<Operation *, const ts::FuncDef *>> pending;
  /// Module-level constants made so far, by pickled value (shared objects
  /// and tensors get one symbol).
  llvm::DenseMap<const PickleValue *, std::string> symbols;
  llvm::DenseMap<uint32_t, Attribute> archiveConstants;
  llvm::StringSet<> blobs;
};

/// Emits the body of one function.
class FunctionEmitter {
public:
  FunctionEmitter(Importer &im, Operation *func, const ts::FuncDef &def)
      : im(im), ctx(im.ctx), b(im.builder), func(func), def(def) {}
  LogicalResult emit();

private:
  Location locOf(llvm::SMLoc loc) { return im.locOf(loc); }
  InFlightDiagnostic emitError(llvm::SMLoc loc) { return im.emitError(loc); }

  LogicalResult emitBody(ts::Body body);
  LogicalResult emitStmt(const ts::Stmt *s);
  LogicalResult emitAssign(const ts::AssignStmt &s);
  LogicalResult emitIf(const ts::IfStmt &s);
  LogicalResult emitLoop(const ts::Stmt &s, const ts::Expr *count,
                         const ts::Expr *cond, StringRef var, ts::Body body);
  LogicalResult bind(const ts::Expr *target, Value *v);

  /// Emits `e`; null after reporting an error. `expected` guides the type
  /// of empty containers and None.
  Value *emitExpr(const ts::Expr *e, Type expected = {});
  Value *emitCall(const ts::CallExpr &call);
  Value *emitTypeCall(const ts::TypeCallExpr &call);
  Value *emitAttribute(const ts::AttributeExpr &e);
  Value *emitSubscript(const ts::SubscriptExpr &e);
  Value *emitOperator(llvm::SMLoc at, StringRef ns, StringRef name,
                      llvm::ArrayRef<CallArgument> args, bool multi = true);
  Value *emitMethodCall(llvm::SMLoc at, Value *self, StringRef method,
                        llvm::ArrayRef<Value *> args);
  /// Emits the arguments of a call.
  LogicalResult emitArgs(const ts::CallExpr &call,
                         llvm::SmallVectorImpl<CallArgument> &out);
  /// A value of the op's results: the only one, or a tuple of them.
  Value *resultOf(Operation *op, Location loc);
  /// `v` as type `t` (prim.unchecked_cast when they differ).
  Value *coerce(Value *v, Type t, Location loc);
  /// The dotted name of `e` (`torch.add`, `ops.prim.min`) when it names a
  /// global rather than a local value.
  std::optional<std::string> globalName(const ts::Expr *e);

  Importer &im;
  Context &ctx;
  Builder &b;
  Operation *func;
  const ts::FuncDef &def;
  Env env;
  bool returned = false;
  /// Placeholders for the results of unsupported operators.
  llvm::SmallPtrSet<Value *, 8> poisoned;
};

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

Type Importer::convertType(const ts::TypeExpr *t) {
  StringRef n = t->name;
  auto arg = [&](unsigned i) { return convertType(t->args[i]); };
  auto simple = llvm::StringSwitch<Type>(n)
                    .Case("Tensor", getUnrankedTensorType(ctx))
                    .Case("int", getIntType(ctx))
                    .Case("float", getFloatType(ctx))
                    .Case("bool", getBoolType(ctx))
                    .Case("str", getStrType(ctx))
                    .Case("NoneType", getNoneType(ctx))
                    .Case("Device", getDeviceType(ctx))
                    .Case("Any", getAnyType(ctx))
                    .Case("number", getAnyType(ctx))
                    .Default(Type());
  if (simple)
    return simple;
  if (n == "List" || n == "Optional" || n == "Final") {
    Type e = arg(0);
    if (!e)
      return Type();
    return n == "List"       ? getListType(e)
           : n == "Optional" ? getOptionalType(e)
                             : e;
  }
  if (n == "Tuple") {
    llvm::SmallVector<Type, 4> members;
    for (unsigned i = 0; i < t->args.size(); ++i) {
      members.push_back(arg(i));
      if (!members.back())
        return Type();
    }
    return getTupleType(ctx, members);
  }
  if (n == "Dict") {
    Type k = arg(0), v = arg(1);
    return k && v ? getDictType(k, v) : Type();
  }
  if (n == "Union")
    return getAnyType(ctx);
  if (n.startswith("__torch__."))
    return getObjectType(ctx, n);
  emitError(t->loc) << "unsupported type '" << n << "'";
  return Type();
}

//===----------------------------------------------------------------------===//
// Module data
//===----------------------------------------------------------------------===//

Attribute Importer::defineModuleConst(const std::string &name, Attribute value,
                                      Type type, bool requiresGrad) {
  builder.setInsertionPointToEnd(&module.getBody());
  llvm::SmallVector<NamedAttribute, 4> attrs{
      builder.getNamedAttr("sym_name", getStringAttr(ctx, name)),
      builder.getNamedAttr("type", getTypeAttr(type)),
      builder.getNamedAttr("value", value)};
  // Kept for --mobile-lints (PyTorch's REQUIRES_GRAD lint).
  if (requiresGrad)
    attrs.push_back(
        builder.getNamedAttr("requires_grad", getBoolAttr(ctx, true)));
  builder.create(module.getOperation()->getLoc(), OpId::ModuleConst, {}, {},
                 attrs);
  return getSymbolRefAttr(ctx, name);
}

Type Importer::typeOf(const PickleValue &v) {
  switch (v.kind) {
  case PKind::None:
    return getNoneType(ctx);
  case PKind::Bool:
    return getBoolType(ctx);
  case PKind::Int:
    return getIntType(ctx);
  case PKind::Float:
    return getFloatType(ctx);
  case PKind::String:
    return getStrType(ctx);
  case PKind::Device:
    return getDeviceType(ctx);
  case PKind::Tensor: {
    const PickledTensor &t = *v.tensor;
    if (t.qscheme != PickledTensor::QScheme::None)
      return getObjectType(ctx, "torch.QuantizedTensor");
    return getTensorType(ctx, t.sizes, t.storage->dtype);
  }
  case PKind::Object:
    return getObjectType(ctx, v.str);
  case PKind::Tuple: {
    llvm::SmallVector<Type, 4> members;
    for (const PickleValuePtr &item : v.items)
      members.push_back(typeOf(*item));
    return getTupleType(ctx, members);
  }
  case PKind::List:
  case PKind::Dict: {
    // The element types of an empty or mixed container come from the
    // type tag (`List[int]`), which builds on what ts types spell.
    bool isList = v.is(PKind::List);
    size_t stride = isList ? 1 : 2;
    Type element, key;
    for (size_t i = 0; i < v.items.size(); i += stride) {
      Type e = typeOf(*v.items[isList ? i : i + 1]);
      if (!isList)
        key = typeOf(*v.items[i]);
      if (element && element != e)
        element = e.isTensor() && element.isTensor()
                      ? getUnrankedTensorType(ctx)
                      : getAnyType(ctx);
      else
        element = e;
    }
    StringRef tag = v.str;
    auto fromTag = [&](StringRef name) -> Type {
      return llvm::StringSwitch<Type>(name.trim())
          .Case("int", getIntType(ctx))
          .Case("float", getFloatType(ctx))
          .Case("bool", getBoolType(ctx))
          .Case("str", getStrType(ctx))
          .Case("Tensor", getUnrankedTensorType(ctx))
          .Default(getAnyType(ctx));
    };
    if (isList) {
      if (!element && tag.consume_front("List[") && tag.consume_back("]"))
        element = fromTag(tag);
      if (element && element.isTensor())
        element = getUnrankedTensorType(ctx);
      return getListType(element ? element : getAnyType(ctx));
    }
    if (tag.consume_front("Dict[") && tag.consume_back("]")) {
      auto [k, val] = tag.split(',');
      key = fromTag(k);
      if (!element)
        element = fromTag(val);
    }
    if (element && element.isTensor())
      element = getUnrankedTensorType(ctx);
    return getDictType(key ? key : getAnyType(ctx),
                       element ? element : getAnyType(ctx));
  }
  case PKind::Global:
  case PKind::Storage:
    break;
  }
  return getAnyType(ctx);
}

/// Bytes of a strided tensor, made contiguous.
static std::string gatherStrided(const PickledTensor &t) {
  unsigned size = dtypeSize(t.storage->dtype);
  std::string out;
  out.reserve(t.getNumElements() * size);
  llvm::SmallVector<int64_t, 4> index(t.sizes.size(), 0);
  for (int64_t n = t.getNumElements(); n > 0; --n) {
    int64_t offset = t.offset;
    for (size_t d = 0; d < index.size(); ++d)
      offset += index[d] * t.strides[d];
    out.append(t.storage->bytes.data() + offset * size, size);
    for (size_t d = index.size(); d-- > 0;) {
      if (++index[d] < t.sizes[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

Attribute Importer::importValue(const PickleValue &v, const std::string &path) {
  auto defineConst = [&](Attribute value, Type type,
                         bool requiresGrad = false) {
    symbols[&v] = path;
    return defineModuleConst(path, value, type, requiresGrad);
  };
  if (auto it = symbols.find(&v); it != symbols.end())
    return getSymbolRefAttr(ctx, it->second);
  switch (v.kind) {
  case PKind::None:
    return getNoneAttr(ctx);
  case PKind::Bool:
    return getBoolAttr(ctx, v.b);
  case PKind::Int:
    return getIntAttr(ctx, v.i);
  case PKind::Float:
    return getFloatAttr(ctx, v.f);
  case PKind::String:
  case PKind::Device:
    return getStringAttr(ctx, v.str);
  case PKind::Tuple:
  case PKind::List: {
    llvm::SmallVector<Attribute, 8> items;
    for (size_t i = 0; i < v.items.size(); ++i)
      items.push_back(importValue(*v.items[i], path + "." + std::to_string(i)));
    return v.is(PKind::List) ? getListAttr(ctx, items)
                             : getTupleAttr(ctx, items);
  }
  case PKind::Dict: {
    // As in Python, a key set twice keeps its last value.
    llvm::SmallVector<std::pair<Attribute, Attribute>, 8> entries;
    for (size_t i = 0; i + 1 < v.items.size(); i += 2) {
      std::string key = v.items[i]->is(PKind::String) ? v.items[i]->str
                                                      : std::to_string(i / 2);
      Attribute k = importValue(*v.items[i], path);
      Attribute value = importValue(*v.items[i + 1], path + "." + key);
      auto it = llvm::find_if(entries, [&](auto &e) { return e.first == k; });
      if (it != entries.end())
        it->second = value;
      else
        entries.push_back({k, value});
    }
    return getDictAttr(ctx, entries);
  }
  case PKind::Tensor: {
    const PickledTensor &t = *v.tensor;
    const PickledStorage &s = *t.storage;
    Type type = getTensorType(ctx, t.sizes, s.dtype);
    WeightStore &weights = ctx.getWeightStore();
    Attribute data;
    if (t.isContiguous()) {
      // A view of the mapped storage record: no copy.
      if (blobs.insert(s.record).second && !weights.contains(s.record))
        weights.addExternal(s.record, s.bytes, s.owner);
      data =
          getBlobAttr(type, s.record, uint64_t(t.offset) * dtypeSize(s.dtype));
    } else {
      std::string name = path + ".contiguous";
      std::string bytes = gatherStrided(t);
      weights.addCopy(name, llvm::ArrayRef<char>(bytes.data(), bytes.size()));
      data = getBlobAttr(type, name);
    }
    if (t.qscheme == PickledTensor::QScheme::None)
      return defineConst(data, type, t.requiresGrad);
    // A quantized tensor: its integer data and quantization parameters.
    llvm::SmallVector<NamedAttribute, 6> fields{builder.getNamedAttr(
        "int_repr", defineModuleConst(path + ".int_repr", data, type))};
    if (t.qscheme == PickledTensor::QScheme::PerTensorAffine) {
      fields.push_back(builder.getNamedAttr(
          "qscheme", getStringAttr(ctx, "per_tensor_affine")));
      fields.push_back(
          builder.getNamedAttr("scale", getFloatAttr(ctx, t.scale)));
      fields.push_back(
          builder.getNamedAttr("zero_point", getIntAttr(ctx, t.zeroPoint)));
    } else {
      fields.push_back(builder.getNamedAttr(
          "qscheme", getStringAttr(ctx, "per_channel_affine")));
      fields.push_back(builder.getNamedAttr(
          "scales", importValue(*t.scales, path + ".scales")));
      fields.push_back(builder.getNamedAttr(
          "zero_points", importValue(*t.zeroPoints, path + ".zero_points")));
      fields.push_back(builder.getNamedAttr("axis", getIntAttr(ctx, t.axis)));
    }
    return defineConst(getObjectAttr(ctx, "torch.QuantizedTensor", fields),
                       getObjectType(ctx, "torch.QuantizedTensor"));
  }
  case PKind::Object: {
    // Reserve the symbol first: objects may share children.
    symbols[&v] = path;
    PickleValuePtr state = v.getState();
    Attribute value;
    if (state && state->is(PKind::Dict)) {
      llvm::SmallVector<NamedAttribute, 8> fields;
      llvm::StringSet<> seen;
      for (size_t i = 0; i + 1 < state->items.size(); i += 2) {
        const PickleValue &key = *state->items[i];
        if (!key.is(PKind::String) || !seen.insert(key.str).second) {
          archive.archive->emitError()
              << "the state of a '" << v.str
              << "' object names an attribute twice or not by a string";
          hadError = true;
          return getNoneAttr(ctx);
        }
        fields.push_back(builder.getNamedAttr(
            key.str, importValue(*state->items[i + 1], path + "." + key.str)));
      }
      value = getObjectAttr(ctx, v.str, fields);
    } else {
      llvm::SmallVector<Attribute, 8> items;
      if (state)
        for (size_t i = 0; i < state->items.size(); ++i)
          items.push_back(
              importValue(*state->items[i], path + "." + std::to_string(i)));
      value = getObjectStateAttr(ctx, v.str, items);
    }
    symbols.erase(&v);
    return defineConst(value, getObjectType(ctx, v.str));
  }
  case PKind::Global:
  case PKind::Storage:
    break;
  }
  return getNoneAttr(ctx);
}

Value *Importer::emitArchiveConstant(uint32_t k, Location loc, llvm::SMLoc at) {
  const PickleValue &tuple = *archive.constants;
  if (k >= tuple.items.size()) {
    emitError(at) << "CONSTANTS.c" << k << " does not exist: constants.pkl has "
                  << tuple.items.size() << " constants";
    return nullptr;
  }
  const PickleValue &v = *tuple.items[k];
  Attribute a = archiveConstants.lookup(k);
  if (!a) {
    Block::iterator saved = builder.getInsertionPoint();
    Block *savedBlock = builder.getInsertionBlock();
    a = importValue(v, "c" + std::to_string(k));
    builder.setInsertionPoint(savedBlock, saved);
    archiveConstants[k] = a;
  }
  return builder.createConstant(loc, a, typeOf(v));
}

//===----------------------------------------------------------------------===//
// Functions
//===----------------------------------------------------------------------===//

Type Importer::signatureOf(const ts::FuncDef &def, Type selfType) {
  llvm::SmallVector<Type, 4> inputs;
  for (size_t i = 0; i < def.params.size(); ++i) {
    const ts::Param &p = def.params[i];
    Type t = i == 0 && selfType ? selfType
             : p.type           ? convertType(p.type)
                                : Type();
    if (!t) {
      if (!p.type)
        emitError(p.loc) << "parameter '" << p.name << "' has no type";
      return Type();
    }
    inputs.push_back(t);
  }
  llvm::SmallVector<Type, 1> results;
  if (def.returnType) {
    Type r = convertType(def.returnType);
    if (!r)
      return Type();
    if (!r.isNone())
      results.push_back(r);
  }
  return getFunctionType(ctx, inputs, results);
}

Operation *Importer::declareFunction(StringRef symbol, const ts::FuncDef &def,
                                     Type selfType) {
  Type type = signatureOf(def, selfType);
  if (!type)
    return nullptr;
  FuncOp f = FuncOp::create(ctx, locOf(def.loc), symbol, type);
  f.setPrivate(true);
  for (size_t i = 0; i < def.params.size(); ++i)
    f.getEntryBlock().getArgument(i)->setNameHint(def.params[i].name);
  module.getBody().push_back(f.getOperation());
  functions[symbol] = f.getOperation();
  pending.push_back({f.getOperation(), &def});
  return f.getOperation();
}

Operation *Importer::getMethod(StringRef cls, StringRef method,
                               llvm::SMLoc at) {
  std::string symbol = (cls + "." + method).str();
  if (Operation *f = functions.lookup(symbol))
    return f;
  const ts::ClassDef *def = lookupClass(cls);
  const ts::FuncDef *m = def ? def->lookupMethod(method) : nullptr;
  if (!m) {
    emitError(at) << "class '" << cls << "' has no method '" << method << "'";
    return nullptr;
  }
  return declareFunction(symbol, *m, getObjectType(ctx, cls));
}

Operation *Importer::getFunction(StringRef qualname, llvm::SMLoc at) {
  if (Operation *f = functions.lookup(qualname))
    return f;
  // __torch__.a.b.f is `def f` in code/__torch__/a/b.py.
  auto [modulePath, name] = qualname.rsplit('.');
  std::string file = "code/" + modulePath.str() + ".py";
  std::replace(file.begin() + 5, file.end() - 3, '.', '/');
  for (size_t i = 0; i < archive.codeFiles.size(); ++i)
    if (archive.codeFiles[i] == file)
      if (const ts::FuncDef *def = archive.code[i].lookupFunction(name))
        return declareFunction(qualname, *def, Type());
  emitError(at) << "function '" << qualname
                << "' is not defined in the archive";
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

LogicalResult FunctionEmitter::emit() {
  Block &entry = FuncOp(func).getBody().front();
  for (size_t i = 0; i < def.params.size(); ++i)
    env[def.params[i].name.str()].value = entry.getArgument(i);
  b.setInsertionPointToEnd(&entry);
  if (failed(emitBody(def.body)))
    return failure();
  if (!returned) {
    if (!FuncOp(func).getFunctionType().getResults().empty())
      return emitError(def.loc)
             << "function '" << def.name << "' does not end with a return";
    b.create(locOf(def.loc), OpId::Return, {}, {});
  }
  return success();
}

LogicalResult FunctionEmitter::emitBody(ts::Body body) {
  for (const ts::Stmt *s : body) {
    if (returned)
      return emitError(s->loc) << "statement after return";
    if (failed(emitStmt(s)))
      return failure();
  }
  return success();
}

/// Names a body assigns (loop-carried candidates), in first-assignment
/// order.
static void collectAssigned(ts::Body body, std::vector<std::string> &out) {
  auto add = [&](StringRef n) {
    if (llvm::find(out, n) == out.end())
      out.push_back(n.str());
  };
  for (const ts::Stmt *s : body) {
    if (auto *a = llvm::dyn_cast<ts::AssignStmt>(s)) {
      for (const ts::Expr *t : a->targets)
        if (auto *n = llvm::dyn_cast<ts::NameExpr>(t))
          add(n->name);
    } else if (auto *i = llvm::dyn_cast<ts::IfStmt>(s)) {
      collectAssigned(i->thenBody, out);
      collectAssigned(i->elseBody, out);
    } else if (auto *f = llvm::dyn_cast<ts::ForStmt>(s)) {
      collectAssigned(f->body, out);
    } else if (auto *w = llvm::dyn_cast<ts::WhileStmt>(s)) {
      collectAssigned(w->body, out);
    }
  }
}

LogicalResult FunctionEmitter::emitStmt(const ts::Stmt *s) {
  switch (s->kind) {
  case ts::Stmt::Kind::Assign:
    return emitAssign(*llvm::cast<ts::AssignStmt>(s));
  case ts::Stmt::Kind::Expr: {
    const ts::Expr *e = llvm::cast<ts::ExprStmt>(s)->expr;
    if (!llvm::isa<ts::CallExpr>(e))
      return success(); // a bare value has no effect
    return success(emitExpr(e) != nullptr);
  }
  case ts::Stmt::Kind::If:
    return emitIf(*llvm::cast<ts::IfStmt>(s));
  case ts::Stmt::Kind::For: {
    auto &f = *llvm::cast<ts::ForStmt>(s);
    return emitLoop(f, f.count, nullptr, f.var, f.body);
  }
  case ts::Stmt::Kind::While: {
    auto &w = *llvm::cast<ts::WhileStmt>(s);
    return emitLoop(w, nullptr, w.cond, "", w.body);
  }
  case ts::Stmt::Kind::Return: {
    auto &r = *llvm::cast<ts::ReturnStmt>(s);
    if (b.getInsertionBlock() != &FuncOp(func).getBody().front())
      return emitError(s->loc)
             << "return inside control flow is not supported (TorchScript "
                "prints it only at the end of a function)";
    llvm::ArrayRef<Type> results = FuncOp(func).getFunctionType().getResults();
    llvm::SmallVector<Value *, 1> values;
    if (r.value && !results.empty()) {
      Value *v = emitExpr(r.value, results[0]);
      if (!v)
        return failure();
      values.push_back(coerce(v, results[0], locOf(s->loc)));
    }
    b.create(locOf(s->loc), OpId::Return, {}, values);
    returned = true;
    return success();
  }
  case ts::Stmt::Kind::Pass:
    return success();
  case ts::Stmt::Kind::With:
  case ts::Stmt::Kind::Break:
  case ts::Stmt::Kind::Continue:
    return emitError(s->loc) << "unsupported statement (TorchScript does not "
                                "print it for the models irc imports)";
  }
  return failure();
}

LogicalResult FunctionEmitter::emitAssign(const ts::AssignStmt &s) {
  Type expected = s.type ? im.convertType(s.type) : Type();
  if (s.type && !expected)
    return failure();
  // `_0 = __torch__.torch.nn.functional.relu`: an alias of a function.
  if (!s.unpack && s.targets.size() == 1 &&
      llvm::isa<ts::NameExpr>(s.targets[0]))
    if (std::optional<std::string> g = globalName(s.value)) {
      env[llvm::cast<ts::NameExpr>(s.targets[0])->name.str()] = {nullptr, *g};
      return success();
    }
  // `a, b = c, d` assigns element-wise.
  auto *tuple = llvm::dyn_cast<ts::TupleExpr>(s.value);
  if (s.unpack && tuple && tuple->elements.size() == s.targets.size()) {
    llvm::SmallVector<Value *, 4> values;
    for (const ts::Expr *e : tuple->elements)
      if (!values.emplace_back(emitExpr(e)))
        return failure();
    for (size_t i = 0; i < values.size(); ++i)
      if (failed(bind(s.targets[i], values[i])))
        return failure();
    return success();
  }
  Value *v = emitExpr(s.value, expected);
  if (!v)
    return failure();
  if (expected)
    v = coerce(v, expected, locOf(s.loc));
  if (!s.unpack)
    return bind(s.targets[0], v);
  Type t = v->getType();
  Location loc = locOf(s.loc);
  llvm::SmallVector<Type, 4> types;
  OpId unpack = OpId::PrimTupleUnpack;
  if (t.isTuple() && t.getTupleTypes().size() == s.targets.size()) {
    types.append(t.getTupleTypes().begin(), t.getTupleTypes().end());
  } else if (t.isList()) {
    types.assign(s.targets.size(), t.getElementType());
    unpack = OpId::PrimListUnpack;
  } else {
    return emitError(s.loc) << "cannot unpack a value of type " << t << " into "
                            << s.targets.size() << " names";
  }
  Operation *op = b.create(loc, unpack, types, {v});
  for (size_t i = 0; i < s.targets.size(); ++i)
    if (failed(bind(s.targets[i], op->getResult(i))))
      return failure();
  return success();
}

LogicalResult FunctionEmitter::bind(const ts::Expr *target, Value *v) {
  if (auto *n = llvm::dyn_cast<ts::NameExpr>(target)) {
    if (v->getNameHint().empty() && !n->name.startswith("_"))
      v->setNameHint(n->name);
    env[n->name.str()] = {v, ""};
    return success();
  }
  if (auto *a = llvm::dyn_cast<ts::AttributeExpr>(target)) {
    Value *obj = emitExpr(a->base);
    if (!obj)
      return failure();
    b.create(locOf(a->loc), OpId::PrimSetAttr, {}, {obj, v},
             {b.getNamedAttr("name", getStringAttr(ctx, a->name))});
    return success();
  }
  return emitError(target->loc) << "unsupported assignment target";
}

/// The type both `a` and `b` fit: equal types, a tensor of either shape,
/// an optional of the one that is not None, or the one that is not `any`.
static Type unify(Type a, Type b) {
  if (a == b)
    return a;
  // `any` is what an unsupported operator left: it takes the other type.
  if (a.getKind() == Type::Kind::Any)
    return b;
  if (b.getKind() == Type::Kind::Any)
    return a;
  Context &ctx = a.getContext();
  if (a.isTensor() && b.isTensor())
    return getUnrankedTensorType(ctx);
  if (a.isNone() && !b.isNone())
    std::swap(a, b);
  if (b.isNone())
    return a.getKind() == Type::Kind::Optional ? a : getOptionalType(a);
  if (a.getKind() == Type::Kind::Optional &&
      unify(a.getElementType(), b) == a.getElementType())
    return a;
  if (b.getKind() == Type::Kind::Optional &&
      unify(b.getElementType(), a) == b.getElementType())
    return b;
  return Type();
}

LogicalResult FunctionEmitter::emitIf(const ts::IfStmt &s) {
  Value *cond = emitExpr(s.cond);
  if (!cond)
    return failure();
  Location loc = locOf(s.loc);
  if (poisoned.count(cond))
    cond = coerce(cond, getBoolType(ctx), loc);
  if (!cond->getType().isBool())
    return emitError(s.cond->loc)
           << "condition has type " << cond->getType() << ", expected bool";
  Operation *tmp = b.create(loc, OpId::PrimIf, {}, {cond});
  Block::iterator after = std::next(Block::iterator(tmp));
  Block *outer = tmp->getBlock();
  Env before = env;
  Env branchEnvs[2];
  ts::Body bodies[2] = {s.thenBody, s.elseBody};
  for (int i = 0; i < 2; ++i) {
    env = before;
    b.setInsertionPointToEnd(&tmp->getRegion(i).emplaceBlock());
    if (failed(emitBody(bodies[i])))
      return failure();
    if (returned)
      return emitError(s.loc) << "return inside control flow is not supported";
    branchEnvs[i] = std::move(env);
  }
  // Results: the names both branches bind that differ from before.
  std::vector<std::string> names;
  llvm::SmallVector<Type, 4> types;
  std::vector<std::pair<std::string, Value *>> unchanged;
  for (auto &[name, binding] : branchEnvs[0]) {
    auto other = branchEnvs[1].find(name);
    if (!binding.value || other == branchEnvs[1].end() || !other->second.value)
      continue;
    // Both branches bind a value from before the if (`x3 = x2` in each):
    // it is visible after the if as it is.
    if (binding.value == other->second.value) {
      unchanged.push_back({name, binding.value});
      continue;
    }
    Type t = unify(binding.value->getType(), other->second.value->getType());
    if (!t)
      return emitError(s.loc)
             << "'" << name << "' has type " << binding.value->getType()
             << " in one branch and " << other->second.value->getType()
             << " in the other";
    names.push_back(name);
    types.push_back(t);
  }
  b.setInsertionPoint(tmp);
  Operation *op = b.create(loc, OpId::PrimIf, types, {cond});
  for (int i = 0; i < 2; ++i) {
    op->getRegion(i).takeBody(tmp->getRegion(i));
    Block &block = op->getRegion(i).front();
    b.setInsertionPointToEnd(&block);
    llvm::SmallVector<Value *, 4> yielded;
    for (size_t k = 0; k < names.size(); ++k)
      yielded.push_back(coerce(branchEnvs[i][names[k]].value, types[k], loc));
    b.create(loc, OpId::PrimYield, {}, yielded);
  }
  tmp->erase();
  env = std::move(before);
  for (auto &[name, value] : unchanged)
    env[name] = {value, ""};
  for (size_t k = 0; k < names.size(); ++k) {
    op->getResult(k)->setNameHint(names[k].front() == '_' ? "" : names[k]);
    env[names[k]] = {op->getResult(k), ""};
  }
  b.setInsertionPoint(outer, after);
  return success();
}

LogicalResult FunctionEmitter::emitLoop(const ts::Stmt &s,
                                        const ts::Expr *count,
                                        const ts::Expr *cond, StringRef var,
                                        ts::Body body) {
  Location loc = locOf(s.loc);
  Value *tripCount =
      count ? emitExpr(count) : b.createIntConstant(loc, INT64_MAX);
  Value *initCond = cond ? emitExpr(cond) : b.createBoolConstant(loc, true);
  if (!tripCount || !initCond)
    return failure();
  if (!tripCount->getType().isInt() || !initCond->getType().isBool())
    return emitError(s.loc) << "loop bounds must be an int and a bool";
  // Carried: the names the body assigns that exist before the loop.
  std::vector<std::string> assigned, carried;
  collectAssigned(body, assigned);
  llvm::SmallVector<Value *, 4> operands{tripCount, initCond};
  for (const std::string &name : assigned) {
    auto it = env.find(name);
    if (it != env.end() && it->second.value) {
      carried.push_back(name);
      operands.push_back(it->second.value);
    }
  }
  llvm::SmallVector<Type, 4> types;
  for (size_t i = 2; i < operands.size(); ++i)
    types.push_back(operands[i]->getType());
  Operation *loop = b.create(loc, OpId::PrimLoop, types, operands);
  Block &block = loop->getRegion(0).emplaceBlock();
  BlockArgument *iv = block.addArgument(getIntType(ctx), var);
  Env before = env;
  if (!var.empty())
    env[var.str()] = {iv, ""};
  for (size_t i = 0; i < carried.size(); ++i)
    env[carried[i]] = {block.addArgument(types[i], carried[i]), ""};
  b.setInsertionPointToEnd(&block);
  if (failed(emitBody(body)))
    return failure();
  if (returned)
    return emitError(s.loc) << "return inside a loop is not supported";
  Value *next = cond ? emitExpr(cond) : b.createBoolConstant(loc, true);
  if (!next)
    return failure();
  llvm::SmallVector<Value *, 4> yielded{next};
  for (size_t i = 0; i < carried.size(); ++i)
    yielded.push_back(coerce(env[carried[i]].value, types[i], loc));
  b.create(loc, OpId::PrimYield, {}, yielded);
  env = std::move(before);
  for (size_t i = 0; i < carried.size(); ++i)
    env[carried[i]] = {loop->getResult(i), ""};
  b.setInsertionPointAfter(loop);
  return success();
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

Value *FunctionEmitter::coerce(Value *v, Type t, Location loc) {
  if (!t || v->getType() == t)
    return v;
  return b.create(loc, OpId::PrimUncheckedCast, {t}, {v})->getResult(0);
}

Value *FunctionEmitter::resultOf(Operation *op, Location loc) {
  if (op->getNumResults() == 1)
    return op->getResult(0);
  llvm::SmallVector<Type, 4> types;
  llvm::SmallVector<Value *, 4> values;
  for (Value *r : op->getResults()) {
    types.push_back(r->getType());
    values.push_back(r);
  }
  if (values.empty())
    return b.createConstant(loc, getNoneAttr(ctx), getNoneType(ctx));
  return b
      .create(loc, OpId::PrimTupleConstruct, {getTupleType(ctx, types)}, values)
      ->getResult(0);
}

std::optional<std::string> FunctionEmitter::globalName(const ts::Expr *e) {
  if (auto *n = llvm::dyn_cast<ts::NameExpr>(e)) {
    auto it = env.find(n->name);
    if (it != env.end())
      return it->second.value ? std::nullopt
                              : std::optional<std::string>(it->second.global);
    if (n->name == "torch" || n->name == "ops" || n->name == "__torch__")
      return n->name.str();
    return std::nullopt;
  }
  if (auto *a = llvm::dyn_cast<ts::AttributeExpr>(e))
    if (std::optional<std::string> base = globalName(a->base))
      return *base + "." + a->name.str();
  return std::nullopt;
}

Value *FunctionEmitter::emitExpr(const ts::Expr *e, Type expected) {
  Location loc = locOf(e->loc);
  switch (e->kind) {
  case ts::Expr::Kind::Int:
    return b.createIntConstant(loc, llvm::cast<ts::IntExpr>(e)->value);
  case ts::Expr::Kind::Float:
    return b.createFloatConstant(loc, llvm::cast<ts::FloatExpr>(e)->value);
  case ts::Expr::Kind::Bool:
    return b.createBoolConstant(loc, llvm::cast<ts::BoolExpr>(e)->value);
  case ts::Expr::Kind::String:
    return b.createConstant(
        loc, getStringAttr(ctx, llvm::cast<ts::StringExpr>(e)->value),
        getStrType(ctx));
  case ts::Expr::Kind::None:
    return b.createConstant(loc, getNoneAttr(ctx), getNoneType(ctx));
  case ts::Expr::Kind::Name: {
    auto *n = llvm::cast<ts::NameExpr>(e);
    auto it = env.find(n->name);
    if (it != env.end() && it->second.value)
      return it->second.value;
    emitError(e->loc) << "use of undefined name '" << n->name << "'";
    return nullptr;
  }
  case ts::Expr::Kind::Constant:
    return im.emitArchiveConstant(llvm::cast<ts::ConstantExpr>(e)->index, loc,
                                  e->loc);
  case ts::Expr::Kind::Attribute:
    return emitAttribute(*llvm::cast<ts::AttributeExpr>(e));
  case ts::Expr::Kind::Subscript:
    return emitSubscript(*llvm::cast<ts::SubscriptExpr>(e));
  case ts::Expr::Kind::Call:
    return emitCall(*llvm::cast<ts::CallExpr>(e));
  case ts::Expr::Kind::TypeCall:
    return emitTypeCall(*llvm::cast<ts::TypeCallExpr>(e));
  case ts::Expr::Kind::List: {
    auto &list = *llvm::cast<ts::ListExpr>(e);
    Type element =
        expected && expected.isList() ? expected.getElementType() : Type();
    llvm::SmallVector<Value *, 8> values;
    for (const ts::Expr *item : list.elements) {
      Value *v = emitExpr(item, element);
      if (!v)
        return nullptr;
      values.push_back(v);
    }
    if (!element) {
      for (Value *v : values)
        element = element ? unify(element, v->getType()) : v->getType();
      if (!element) {
        if (!values.empty()) {
          emitError(e->loc) << "list elements have different types";
          return nullptr;
        }
        emitError(e->loc) << "empty list without a type (expected "
                             "annotate(List[T], []))";
        return nullptr;
      }
    }
    for (Value *&v : values)
      v = coerce(v, element, loc);
    return b
        .create(loc, OpId::PrimListConstruct, {getListType(element)}, values)
        ->getResult(0);
  }
  case ts::Expr::Kind::Tuple: {
    auto &tuple = *llvm::cast<ts::TupleExpr>(e);
    llvm::SmallVector<Value *, 4> values;
    llvm::SmallVector<Type, 4> types;
    for (size_t i = 0; i < tuple.elements.size(); ++i) {
      Type t =
          expected && expected.isTuple() && i < expected.getTupleTypes().size()
              ? expected.getTupleTypes()[i]
              : Type();
      Value *v = emitExpr(tuple.elements[i], t);
      if (!v)
        return nullptr;
      values.push_back(coerce(v, t, loc));
      types.push_back(values.back()->getType());
    }
    return b
        .create(loc, OpId::PrimTupleConstruct, {getTupleType(ctx, types)},
                values)
        ->getResult(0);
  }
  case ts::Expr::Kind::Dict: {
    auto &dict = *llvm::cast<ts::DictExpr>(e);
    Type keyType =
        expected && expected.isDict() ? expected.getDictKeyType() : Type();
    Type valueType =
        expected && expected.isDict() ? expected.getDictValueType() : Type();
    llvm::SmallVector<Value *, 8> operands;
    for (const ts::DictItem &item : dict.items) {
      Value *k = emitExpr(item.key, keyType);
      Value *v = k ? emitExpr(item.value, valueType) : nullptr;
      if (!v)
        return nullptr;
      operands.append({k, v});
    }
    // Without an annotation, the entries give the types.
    for (size_t i = 0; i < operands.size(); ++i) {
      Type &t = i % 2 ? valueType : keyType;
      if (!(t = t ? unify(t, operands[i]->getType())
                  : operands[i]->getType())) {
        emitError(e->loc) << "dict entries have different types";
        return nullptr;
      }
    }
    if (!keyType) {
      emitError(e->loc) << "empty dict without a type (expected "
                           "annotate(Dict[K, V], {}))";
      return nullptr;
    }
    for (size_t i = 0; i < operands.size(); ++i)
      operands[i] = coerce(operands[i], i % 2 ? valueType : keyType, loc);
    return b
        .create(loc, OpId::PrimDictConstruct, {getDictType(keyType, valueType)},
                operands)
        ->getResult(0);
  }
  case ts::Expr::Kind::Neg: {
    Value *v = emitExpr(llvm::cast<ts::NegExpr>(e)->operand);
    if (!v)
      return nullptr;
    return emitOperator(e->loc, "aten", "neg", {CallArgument{v, "", e->loc}});
  }
  }
  return nullptr;
}

Value *FunctionEmitter::emitAttribute(const ts::AttributeExpr &e) {
  if (std::optional<std::string> g = globalName(&e)) {
    emitError(e.loc) << "'" << *g << "' is not a value";
    return nullptr;
  }
  Value *base = emitExpr(e.base);
  if (!base)
    return nullptr;
  Type t = base->getType();
  Location loc = locOf(e.loc);
  if (t.getKind() != Type::Kind::Object) {
    emitError(e.loc) << "attribute '" << e.name << "' of a value of type " << t;
    return nullptr;
  }
  const ts::ClassDef *cls = im.lookupClass(t.getName());
  const ts::ClassAttr *attr = cls ? cls->lookupAttribute(e.name) : nullptr;
  if (!attr) {
    emitError(e.nameLoc) << "class '" << t.getName() << "' has no attribute '"
                         << e.name << "'";
    return nullptr;
  }
  Type type = im.convertType(attr->type);
  if (!type)
    return nullptr;
  // A Final constant is folded into its uses.
  if (attr->isFinal && attr->value)
    return emitExpr(attr->value, type);
  return b
      .create(loc, OpId::PrimGetAttr, {type}, {base},
              {b.getNamedAttr("name", getStringAttr(ctx, e.name))})
      ->getResult(0);
}

Value *FunctionEmitter::emitSubscript(const ts::SubscriptExpr &e) {
  Value *base = emitExpr(e.base);
  Value *index = base ? emitExpr(e.index) : nullptr;
  if (!index)
    return nullptr;
  Location loc = locOf(e.loc);
  Type t = base->getType();
  if (t.isTuple()) {
    int64_t k;
    if (!matchConstantInt(index, k) || k < -int64_t(t.getTupleTypes().size()) ||
        k >= int64_t(t.getTupleTypes().size())) {
      emitError(e.index->loc) << "tuple index must be a constant in range";
      return nullptr;
    }
    if (k < 0)
      k += t.getTupleTypes().size();
    return b
        .create(loc, OpId::PrimTupleIndex, {t.getTupleTypes()[k]},
                {base, b.createIntConstant(loc, k)})
        ->getResult(0);
  }
  return emitOperator(e.loc, "aten", "__getitem__",
                      {CallArgument{base, "", e.base->loc},
                       CallArgument{index, "", e.index->loc}});
}

LogicalResult
FunctionEmitter::emitArgs(const ts::CallExpr &call,
                          llvm::SmallVectorImpl<CallArgument> &out) {
  for (const ts::Expr *a : call.args) {
    Value *v = emitExpr(a);
    if (!v)
      return failure();
    out.push_back({v, "", a->loc});
  }
  for (const ts::KeywordArg &k : call.kwargs) {
    Value *v = emitExpr(k.value);
    if (!v)
      return failure();
    out.push_back({v, k.name, k.loc});
  }
  return success();
}

Value *FunctionEmitter::emitOperator(llvm::SMLoc at, StringRef ns,
                                     StringRef name,
                                     llvm::ArrayRef<CallArgument> args,
                                     bool multi) {
  Location loc = locOf(at);
  // After an unsupported operator, its placeholder flows on without more
  // errors, so that one run reports every unsupported operator.
  auto placeholder = [&] {
    Value *v = b.create(loc, OpId::PrimUninitialized, {getAnyType(ctx)}, {})
                   ->getResult(0);
    poisoned.insert(v);
    return v;
  };
  if (llvm::any_of(
          args, [&](const CallArgument &a) { return poisoned.count(a.value); }))
    return placeholder();
  std::string error;
  std::optional<ResolvedCall> call = resolveCall(b, loc, ns, name, args, error);
  if (!call) {
    emitError(at) << error;
    return StringRef(error).startswith("unsupported operator") ? placeholder()
                                                               : nullptr;
  }
  return resultOf(createResolvedCall(b, loc, *call), loc);
}

Value *FunctionEmitter::emitMethodCall(llvm::SMLoc at, Value *self,
                                       StringRef method,
                                       llvm::ArrayRef<Value *> args) {
  Location loc = locOf(at);
  StringRef cls = self->getType().getName();
  const ts::ClassDef *def = im.lookupClass(cls);
  Type type;
  if (def && (def->classKind == ts::ClassKind::ModuleInterface ||
              def->classKind == ts::ClassKind::Interface)) {
    // An interface has no body to call: the call stays a method call (the
    // freeze pass resolves it on the constant object behind it), and every
    // class that could be behind it gets the method.
    const ts::FuncDef *m = def->lookupMethod(method);
    if (!m) {
      emitError(at) << "interface '" << cls << "' has no method '" << method
                    << "'";
      return nullptr;
    }
    if (!(type = im.signatureOf(*m, self->getType())))
      return nullptr;
    for (auto &entry : im.archive.classes) {
      const ts::ClassDef *impl = entry.second;
      if (impl->classKind != ts::ClassKind::ModuleInterface &&
          impl->classKind != ts::ClassKind::Interface &&
          impl->lookupMethod(method) &&
          !im.getMethod(entry.first(), method, at))
        return nullptr;
    }
  } else {
    Operation *f = im.getMethod(cls, method, at);
    if (!f)
      return nullptr;
    type = FuncOp(f).getFunctionType();
  }
  llvm::ArrayRef<Type> inputs = type.getInputs();
  if (args.size() + 1 != inputs.size()) {
    emitError(at) << "method '" << method << "' of '" << cls << "' takes "
                  << inputs.size() - 1 << " arguments, got " << args.size();
    return nullptr;
  }
  llvm::SmallVector<Value *, 4> operands{self};
  for (size_t i = 0; i < args.size(); ++i)
    operands.push_back(coerce(args[i], inputs[i + 1], loc));
  Operation *op =
      b.create(loc, OpId::PrimCallMethod, type.getResults(), operands,
               {b.getNamedAttr("name", getStringAttr(ctx, method))});
  return resultOf(op, loc);
}

/// `ops.prim.NumToTensor` names `prim.num_to_tensor`.
static std::string snakeCase(StringRef name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] >= 'A' && name[i] <= 'Z') {
      if (i && !(name[i - 1] >= 'A' && name[i - 1] <= 'Z'))
        out += '_';
      out += llvm::toLower(name[i]);
    } else {
      out += name[i];
    }
  }
  return out;
}

Value *FunctionEmitter::emitCall(const ts::CallExpr &call) {
  Location loc = locOf(call.loc);
  std::optional<std::string> callee = globalName(call.callee);
  // Method calls: `(self.conv1).forward(x)`.
  if (!callee) {
    auto *attr = llvm::dyn_cast<ts::AttributeExpr>(call.callee);
    auto *name = llvm::dyn_cast<ts::NameExpr>(call.callee);
    if (name && (name->name == "int" || name->name == "float" ||
                 name->name == "bool" || name->name == "str" ||
                 name->name == "len" || name->name == "getattr" ||
                 name->name == "range" || name->name == "print"))
      callee = name->name.str();
    else if (!attr) {
      emitError(call.callee->loc) << "unsupported callee";
      return nullptr;
    } else {
      Value *self = emitExpr(attr->base);
      if (!self)
        return nullptr;
      if (self->getType().getKind() != Type::Kind::Object) {
        emitError(attr->nameLoc) << "method '" << attr->name
                                 << "' of a value of type " << self->getType();
        return nullptr;
      }
      if (!call.kwargs.empty()) {
        emitError(call.loc) << "keyword arguments to methods are not supported";
        return nullptr;
      }
      llvm::SmallVector<Value *, 4> args;
      for (const ts::Expr *a : call.args)
        if (!args.emplace_back(emitExpr(a)))
          return nullptr;
      return emitMethodCall(call.loc, self, attr->name, args);
    }
  }
  StringRef name = *callee;
  if (name == "getattr") {
    auto *field = call.args.size() == 2
                      ? llvm::dyn_cast<ts::StringExpr>(call.args[1])
                      : nullptr;
    if (!field) {
      emitError(call.loc) << "getattr needs an object and a string literal";
      return nullptr;
    }
    ts::AttributeExpr access(call.loc, call.args[0], field->value,
                             call.args[1]->loc);
    return emitAttribute(access);
  }
  // `__torch__.C.__new__(__torch__.C)` makes an object that `__init__`
  // then fills in.
  if (name.endswith(".__new__")) {
    StringRef cls = name.drop_back(strlen(".__new__"));
    if (im.lookupClass(cls))
      return b
          .create(loc, OpId::PrimCreateObject, {getObjectType(ctx, cls)}, {})
          ->getResult(0);
  }
  llvm::SmallVector<CallArgument, 8> args;
  if (failed(emitArgs(call, args)))
    return nullptr;
  // Builtins: int(x), float(x), bool(x), str(x) resolve among aten.Int.*...
  if (name == "int" || name == "float" || name == "bool")
    return emitOperator(call.loc, "aten",
                        name == "int"     ? "Int"
                        : name == "float" ? "Float"
                                          : "Bool",
                        args);
  if (name == "str" || name == "len")
    return emitOperator(call.loc, "aten", name, args);
  if (name == "print")
    return emitOperator(call.loc, "prim", "print", args);
  if (name.consume_front("torch.")) {
    if (name == "device" && args.size() == 1) {
      if (Attribute s = getConstantValue(args[0].value))
        if (s.is(Attribute::Kind::String))
          return b.createConstant(loc, s, getDeviceType(ctx));
    }
    return emitOperator(call.loc, "aten", name, args);
  }
  if (name.consume_front("ops.")) {
    auto [ns, op] = name.split('.');
    return emitOperator(call.loc, ns, ns == "prim" ? snakeCase(op) : op.str(),
                        args);
  }
  if (name.startswith("__torch__.")) {
    if (const ts::ClassDef *cls = im.lookupClass(name)) {
      // A NamedTuple constructor.
      if (cls->classKind == ts::ClassKind::NamedTuple) {
        llvm::SmallVector<Value *, 4> values;
        llvm::SmallVector<Type, 4> types;
        for (const CallArgument &a : args) {
          values.push_back(a.value);
          types.push_back(a.value->getType());
        }
        return b
            .create(loc, OpId::PrimTupleConstruct, {getTupleType(ctx, types)},
                    values)
            ->getResult(0);
      }
      emitError(call.loc) << "constructing '" << name
                          << "' objects is not supported yet";
      return nullptr;
    }
    Operation *f = im.getFunction(name, call.loc);
    if (!f)
      return nullptr;
    Type type = FuncOp(f).getFunctionType();
    if (args.size() != type.getInputs().size() ||
        llvm::any_of(
            args, [](const CallArgument &a) { return !a.keyword.empty(); })) {
      emitError(call.loc) << "'" << name << "' takes "
                          << type.getInputs().size() << " positional arguments";
      return nullptr;
    }
    llvm::SmallVector<Value *, 4> operands;
    for (size_t i = 0; i < args.size(); ++i)
      operands.push_back(coerce(args[i].value, type.getInputs()[i], loc));
    Operation *op =
        b.create(loc, OpId::Call, type.getResults(), operands,
                 {b.getNamedAttr("callee", getSymbolRefAttr(ctx, name))});
    return resultOf(op, loc);
  }
  emitError(call.callee->loc) << "unsupported callee '" << name << "'";
  return nullptr;
}

Value *FunctionEmitter::emitTypeCall(const ts::TypeCallExpr &call) {
  Location loc = locOf(call.loc);
  using B = ts::TypeCallExpr::Builtin;
  llvm::SmallVector<Type, 2> types;
  for (const ts::TypeExpr *t : call.types)
    if (!types.emplace_back(im.convertType(t)))
      return nullptr;
  switch (call.builtin) {
  case B::Annotate: {
    Value *v = emitExpr(call.operand, types[0]);
    return v ? coerce(v, types[0], loc) : nullptr;
  }
  case B::UncheckedCast: {
    Value *v = emitExpr(call.operand, types[0]);
    return v ? coerce(v, types[0], loc) : nullptr;
  }
  case B::Uninitialized:
    return b.create(loc, OpId::PrimUninitialized, {types[0]}, {})->getResult(0);
  case B::IsInstance: {
    Value *v = emitExpr(call.operand);
    if (!v)
      return nullptr;
    // Statically known unless the value is an optional or any.
    Type t = v->getType();
    if (t.getKind() != Type::Kind::Optional && t.getKind() != Type::Kind::Any) {
      bool is = llvm::any_of(types, [&](Type c) {
        return c == t || (c.isTensor() && t.isTensor());
      });
      return b.createBoolConstant(loc, is);
    }
    llvm::SmallVector<Attribute, 2> typeAttrs;
    for (Type c : types)
      typeAttrs.push_back(getTypeAttr(c));
    return b
        .create(loc, OpId::PrimIsInstance, {getBoolType(ctx)}, {v},
                {b.getNamedAttr("types", getListAttr(ctx, typeAttrs))})
        ->getResult(0);
  }
  }
  return nullptr;
}

std::optional<Module> Importer::run() {
  const PickleValue &root = *archive.data;
  const ts::ClassDef *rootClass = lookupClass(root.str);
  // Module data first: functions refer to it.
  importValue(root, "self");
  if (hadError)
    return std::nullopt;
  Type selfType = getObjectType(ctx, root.str);
  // One public function per method of the root module.
  llvm::SmallVector<std::pair<const ts::FuncDef *, Operation *>, 4> entries;
  for (const ts::FuncDef *m : rootClass->methods)
    if (Operation *f = getMethod(root.str, m->name, m->loc))
      entries.push_back({m, f});
  while (!pending.empty()) {
    auto [f, def] = pending.back();
    pending.pop_back();
    if (failed(FunctionEmitter(*this, f, *def).emit()))
      hadError = true;
  }
  if (hadError)
    return std::nullopt;
  for (auto [def, f] : entries) {
    FuncOp callee(f);
    Type type = callee.getFunctionType();
    FuncOp entry = FuncOp::create(
        ctx, f->getLoc(), def->name,
        getFunctionType(ctx, type.getInputs().drop_front(), type.getResults()));
    module.getBody().push_back(entry.getOperation());
    Block &body = entry.getEntryBlock();
    for (size_t i = 1; i < def->params.size(); ++i)
      body.getArgument(i - 1)->setNameHint(def->params[i].name);
    builder.setInsertionPointToEnd(&body);
    llvm::SmallVector<Value *, 4> args{builder.createConstant(
        f->getLoc(), getSymbolRefAttr(ctx, "self"), selfType)};
    for (Value *a : body.getArguments())
      args.push_back(a);
    Operation *call =
        builder.create(f->getLoc(), OpId::Call, type.getResults(), args,
                       {builder.getNamedAttr(
                           "callee", getSymbolRefAttr(ctx, callee.getName()))});
    llvm::SmallVector<Value *, 1> results;
    for (Value *r : call->getResults())
      results.push_back(r);
    builder.create(f->getLoc(), OpId::Return, {}, results);
  }
  return std::move(module);
}

} // namespace

std::optional<Module> irc::importArchive(LoadedArchive &archive, Context &ctx,
                                         llvm::SourceMgr &sources) {
  return Importer(archive, ctx, sources).run();
}

std::optional<Module> irc::importTorchScript(StringRef path, Context &ctx,
                                             llvm::SourceMgr &sources) {
  std::optional<LoadedArchive> archive = readArchive(path, ctx, sources);
  if (!archive)
    return std::nullopt;
  return importArchive(*archive, ctx, sources);
}

bool irc::isTorchScriptArchive(llvm::StringRef path) {
  if (path == "-")
    return false;
  if (path.endswith(".pt") || path.endswith(".ptl") || path.endswith(".zip"))
    return true;
  char magic[4] = {};
  std::ifstream in(path.str(), std::ios::binary);
  in.read(magic, sizeof(magic));
  return in.gcount() == 4 && StringRef(magic, 4) == "PK\x03\x04";
}
