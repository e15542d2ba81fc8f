//===- Builtin.cpp - module, func, return, call, constant, const ----------===//
#include "ir/Module.h"
#include "ir/ops/OpHooks.h"
#include "llvm/ADT/StringSet.h"

using namespace irc;

/// The error for a region that must hold one block ending in `terminator`.
static LogicalResult verifySingleBlockRegion(Operation *op, Region &region,
                                             llvm::StringRef regionName,
                                             OpId terminator) {
  if (region.getNumBlocks() != 1)
    return op->emitOpError()
           << regionName << " must have exactly one block, got "
           << region.getNumBlocks();
  Block &block = region.front();
  if (block.empty() || !block.back().is(terminator))
    return op->emitOpError()
           << regionName << " must end with '"
           << op->getContext().getOpInfo(terminator).name << "'";
  return success();
}

/// Checks `got` against `expected` type by type: equal or, with
/// `allowRefined`, more precise (a `tensor<2xf32>` value returned where the
/// signature says `tensor`, as infer-shapes leaves it).
static LogicalResult expectTypes(Operation *op, llvm::StringRef what,
                                 llvm::ArrayRef<Type> got,
                                 llvm::ArrayRef<Type> expected,
                                 bool allowRefined = false) {
  if (got.size() != expected.size())
    return op->emitOpError()
           << "has " << got.size() << ' ' << what
           << (got.size() == 1 ? "" : "s") << ", expected " << expected.size();
  for (unsigned i = 0; i < got.size(); ++i)
    if (allowRefined ? !isRefinementOf(got[i], expected[i])
                     : got[i] != expected[i])
      return op->emitOpError() << what << " #" << i << " has type " << got[i]
                               << ", expected " << expected[i];
  return success();
}

static llvm::SmallVector<Type, 4> typesOf(llvm::ArrayRef<Value *> values) {
  llvm::SmallVector<Type, 4> out;
  for (Value *v : values)
    out.push_back(v->getType());
  return out;
}

static llvm::SmallVector<Type, 4> operandTypes(Operation *op) {
  llvm::SmallVector<Type, 4> out;
  for (Value *v : op->getOperands())
    out.push_back(v->getType());
  return out;
}

static llvm::SmallVector<Type, 4> resultTypes(Operation *op) {
  return typesOf(op->getResults());
}

/// Each reference between module constants names one, and none leads back
/// to where it started: whatever reads a value (lowering, the .ircm writer)
/// follows them. A depth-first search without recursion, since a hostile
/// file may chain any number of constants.
static LogicalResult verifyConstantRefs(Block &body) {
  llvm::StringMap<unsigned> index;
  std::vector<Operation *> consts;
  for (Operation &child : body)
    if (child.is(OpId::ModuleConst)) {
      index[getSymbolName(&child)] = unsigned(consts.size());
      consts.push_back(&child);
    }
  std::vector<llvm::SmallVector<unsigned, 2>> refs(consts.size());
  for (unsigned i = 0; i < consts.size(); ++i) {
    llvm::SmallVector<llvm::StringRef, 4> names;
    forEachSymbolRef(consts[i]->getAttr("value"),
                     [&](llvm::StringRef name) { names.push_back(name); });
    for (llvm::StringRef name : names) {
      auto it = index.find(name);
      if (it == index.end())
        return consts[i]->emitOpError()
               << "refers to undefined constant '@" << name << "'";
      refs[i].push_back(it->second);
    }
  }
  enum : uint8_t { Unvisited, OnPath, Done };
  std::vector<uint8_t> state(consts.size(), Unvisited);
  std::vector<std::pair<unsigned, unsigned>> path; // (constant, next ref)
  for (unsigned root = 0; root < consts.size(); ++root) {
    if (state[root] != Unvisited)
      continue;
    state[root] = OnPath;
    path.push_back({root, 0});
    while (!path.empty()) {
      auto &[at, next] = path.back();
      if (next == refs[at].size()) {
        state[at] = Done;
        path.pop_back();
        continue;
      }
      unsigned to = refs[at][next++];
      if (state[to] == OnPath)
        return consts[to]->emitOpError()
               << "refers to itself through '@" << getSymbolName(consts[at])
               << "' (module constants cannot form a cycle)";
      if (state[to] == Unvisited) {
        state[to] = OnPath;
        path.push_back({to, 0});
      }
    }
  }
  return success();
}

LogicalResult irc::verifyModule(Operation *op) {
  if (op->getParentOp())
    return op->emitOpError() << "must be the top-level operation";
  Region &body = op->getRegion(0);
  if (body.getNumBlocks() != 1 || body.front().getNumArguments() != 0)
    return op->emitOpError() << "must have one block without arguments";
  llvm::StringSet<> names;
  for (Operation &child : body.front()) {
    if (!child.is(OpId::Func) && !child.is(OpId::ModuleConst))
      return child.emitOpError() << "is not allowed at module level";
    llvm::StringRef name = getSymbolName(&child);
    if (!name.empty() && !names.insert(name).second)
      return child.emitOpError() << "redefinition of symbol '@" << name << "'";
  }
  return verifyConstantRefs(body.front());
}

LogicalResult irc::verifyFunc(Operation *op) {
  if (!op->getParentOp() || !op->getParentOp()->is(OpId::Module))
    return op->emitOpError() << "must be at module level";
  Attribute name = op->getAttr("sym_name");
  if (!name || !name.is(Attribute::Kind::String) || name.getString().empty())
    return op->emitOpError() << "requires a 'sym_name' string attribute";
  Attribute type = op->getAttr("function_type");
  if (!type || !type.is(Attribute::Kind::Type) ||
      type.getTypeValue().getKind() != Type::Kind::Function)
    return op->emitOpError() << "requires a 'function_type' attribute";
  if (failed(
          verifySingleBlockRegion(op, op->getRegion(0), "body", OpId::Return)))
    return failure();
  Block &entry = op->getRegion(0).front();
  return expectTypes(op, "argument", typesOf(entry.getArguments()),
                     type.getTypeValue().getInputs());
}

LogicalResult irc::verifyReturn(Operation *op) {
  Operation *parent = op->getParentOp();
  if (!parent || !parent->is(OpId::Func))
    return op->emitOpError() << "must be inside a 'func'";
  return expectTypes(op, "operand", operandTypes(op),
                     FuncOp(parent).getFunctionType().getResults(),
                     /*allowRefined=*/true);
}

/// The module holding `op`, or null.
/// The symbol `name` of the module holding `op` if it is a `kind` op.
static Operation *lookupSymbolOf(Operation *op, llvm::StringRef name,
                                 OpId kind) {
  Operation *module = op->getParentOfType(OpId::Module);
  Operation *target = module ? lookupSymbol(module, name) : nullptr;
  return target && target->is(kind) ? target : nullptr;
}

LogicalResult irc::verifyCall(Operation *op) {
  Attribute callee = op->getAttr("callee");
  if (!callee || !callee.is(Attribute::Kind::SymbolRef))
    return op->emitOpError() << "requires a 'callee' symbol attribute";
  Operation *target = lookupSymbolOf(op, callee.getString(), OpId::Func);
  if (!target)
    return op->emitOpError()
           << "calls undefined function '@" << callee.getString() << "'";
  Type fnType = FuncOp(target).getFunctionType();
  if (failed(expectTypes(op, "operand", operandTypes(op), fnType.getInputs(),
                         /*allowRefined=*/true)))
    return failure();
  return expectTypes(op, "result", resultTypes(op), fnType.getResults());
}

/// True when a constant `value` can have type `type`. Inside a container
/// (`nested`), a symbol names a module constant and is not checked, a tensor
/// need only be compatible with its element type, and a value may stand for
/// an optional of its type.
static bool isValidConstant(Attribute value, Type type, bool nested = false) {
  using K = Attribute::Kind;
  if (nested && type.getKind() == Type::Kind::Optional && !value.is(K::None) &&
      !value.is(K::SymbolRef))
    return isValidConstant(value, type.getElementType(), true);
  auto allValid = [](llvm::ArrayRef<Attribute> values,
                     llvm::ArrayRef<Type> types) {
    if (values.size() != types.size())
      return false;
    for (size_t i = 0; i < values.size(); ++i)
      if (!isValidConstant(values[i], types[i], true))
        return false;
    return true;
  };
  switch (value.getKind()) {
  case K::Int:
    return type.isInt();
  case K::Float:
    return type.isFloat();
  case K::Bool:
    return type.isBool();
  case K::String:
    return type.getKind() == Type::Kind::Str ||
           type.getKind() == Type::Kind::Device;
  case K::None:
    return type.isNone() || type.getKind() == Type::Kind::Optional;
  case K::List:
    return type.isList() && llvm::all_of(value.getList(), [&](Attribute e) {
             return isValidConstant(e, type.getElementType(), true);
           });
  case K::Tuple:
    return type.isTuple() && allValid(value.getTuple(), type.getTupleTypes());
  case K::Dict:
    return type.isDict() &&
           llvm::all_of(value.getDictEntries(), [&](auto entry) {
             return isValidConstant(entry.first, type.getDictKeyType(), true) &&
                    isValidConstant(entry.second, type.getDictValueType(),
                                    true);
           });
  case K::Object:
    // Object types do not list their fields: only the class is checked. An
    // opaque type (packed parameters) holds an object of its own name.
    return (type.getKind() == Type::Kind::Object ||
            type.getKind() == Type::Kind::Opaque) &&
           type.getName() == value.getObjectClass();
  case K::Dense:
  case K::Blob:
    return nested ? areCompatible(value.getElementsType(), type)
                  : value.getElementsType() == type;
  case K::SymbolRef:
    return nested;
  case K::Type:
    return false;
  }
  return false;
}

static LogicalResult verifyBlobSize(Operation *op, Attribute value) {
  if (!value.is(Attribute::Kind::Blob))
    return success();
  auto blob = op->getContext().getWeightStore().lookup(value.getString());
  if (!blob)
    return success(); // not loaded: the data is unknown, not wrong
  Type t = value.getElementsType();
  uint64_t need = uint64_t(t.getNumElements()) * dtypeSize(t.getDType());
  if (value.getBlobOffset() > blob->size() ||
      need > blob->size() - value.getBlobOffset())
    return op->emitOpError()
           << "blob '" << value.getString() << "' has " << blob->size()
           << " bytes, but " << t << " at offset " << value.getBlobOffset()
           << " needs " << need;
  return success();
}

static LogicalResult verifyElementsType(Operation *op, Attribute value) {
  if (!value.isElements())
    return success();
  Type t = value.getElementsType();
  if (!t.hasStaticShape() || t.getDType() == DType::Unknown)
    return op->emitOpError()
           << "tensor constant needs a static shape and a dtype, got " << t;
  return verifyBlobSize(op, value);
}

LogicalResult irc::verifyConstant(Operation *op) {
  if (op->getNumOperands() != 0 || op->getNumResults() != 1)
    return op->emitOpError() << "expected no operands and one result";
  Attribute value = op->getAttr("value");
  if (!value)
    return op->emitOpError() << "requires a 'value' attribute";
  Type type = op->getResult(0)->getType();
  if (value.is(Attribute::Kind::SymbolRef)) {
    Operation *target =
        lookupSymbolOf(op, value.getString(), OpId::ModuleConst);
    if (!target)
      return op->emitOpError()
             << "refers to undefined constant '@" << value.getString() << "'";
    Type constType = target->getAttr("type").getTypeValue();
    if (constType != type)
      return op->emitOpError() << "has type " << type << " but '@"
                               << value.getString() << "' is " << constType;
    return success();
  }
  if (failed(verifyElementsType(op, value)))
    return failure();
  if (!isValidConstant(value, type))
    return op->emitOpError()
           << "value " << value << " is not a valid constant of type " << type;
  return success();
}

LogicalResult irc::verifyModuleConst(Operation *op) {
  if (!op->getParentOp() || !op->getParentOp()->is(OpId::Module))
    return op->emitOpError() << "must be at module level";
  if (op->getNumOperands() || op->getNumResults())
    return op->emitOpError() << "expected no operands and no results";
  Attribute name = op->getAttr("sym_name");
  Attribute value = op->getAttr("value");
  Attribute type = op->getAttr("type");
  if (!name || !name.is(Attribute::Kind::String) || !value || !type ||
      !type.is(Attribute::Kind::Type))
    return op->emitOpError()
           << "requires 'sym_name', 'type' and 'value' attributes";
  if (failed(verifyElementsType(op, value)))
    return failure();
  if (!isValidConstant(value, type.getTypeValue()))
    return op->emitOpError()
           << "value " << value << " is not a valid constant of type "
           << type.getTypeValue();
  return success();
}

LogicalResult irc::foldConstant(Operation *op, llvm::ArrayRef<Attribute>,
                                llvm::SmallVectorImpl<OpFoldResult> &results) {
  Attribute value = op->getAttr("value");
  if (!value || value.is(Attribute::Kind::SymbolRef))
    return failure();
  results.push_back(value);
  return success();
}
