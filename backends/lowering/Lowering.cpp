//===- Lowering.cpp - IR to a runtime plan --------------------------------===//

#include "backends/lowering/Lowering.h"

#include "ir/Attributes.h"
#include "ir/Block.h"
#include "ir/Context.h"
#include "ir/Module.h"
#include "ir/Region.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

using namespace irc;

std::optional<rt::DType> irc::toRuntimeDType(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return rt::DType::F32;
  case DType::F64:
    return rt::DType::F64;
  case DType::F16:
    return rt::DType::F16;
  case DType::BF16:
    return rt::DType::BF16;
  case DType::I64:
    return rt::DType::I64;
  case DType::I32:
    return rt::DType::I32;
  case DType::I16:
    return rt::DType::I16;
  case DType::I8:
    return rt::DType::I8;
  case DType::U8:
    return rt::DType::U8;
  case DType::Bool:
    return rt::DType::Bool;
  case DType::C64:
    return rt::DType::C64;
  case DType::C128:
    return rt::DType::C128;
  case DType::QI8:
    return rt::DType::QI8;
  case DType::QU8:
    return rt::DType::QU8;
  case DType::QI32:
    return rt::DType::QI32;
  default:
    return std::nullopt;
  }
}

DType irc::fromRuntimeDType(rt::DType dtype) {
  switch (dtype) {
  case rt::DType::F32:
    return DType::F32;
  case rt::DType::F64:
    return DType::F64;
  case rt::DType::F16:
    return DType::F16;
  case rt::DType::BF16:
    return DType::BF16;
  case rt::DType::I64:
    return DType::I64;
  case rt::DType::I32:
    return DType::I32;
  case rt::DType::I16:
    return DType::I16;
  case rt::DType::I8:
    return DType::I8;
  case rt::DType::U8:
    return DType::U8;
  case rt::DType::Bool:
    return DType::Bool;
  case rt::DType::C64:
    return DType::C64;
  case rt::DType::C128:
    return DType::C128;
  case rt::DType::QI8:
    return DType::QI8;
  case rt::DType::QU8:
    return DType::QU8;
  case rt::DType::QI32:
    return DType::QI32;
  }
  return DType::Unknown;
}

Type irc::typeOfValue(Context &ctx, const rt::Value &value) {
  switch (value.kind()) {
  case rt::Value::Kind::Tensor: {
    const rt::Tensor &t = value.toTensor();
    return getTensorType(ctx, t.sizes(), fromRuntimeDType(t.dtype()));
  }
  case rt::Value::Kind::Int:
    return getIntType(ctx);
  case rt::Value::Kind::Double:
    return getFloatType(ctx);
  case rt::Value::Kind::Bool:
    return getBoolType(ctx);
  case rt::Value::Kind::String:
    return getStrType(ctx);
  default:
    return Type();
  }
}

rt::TypeSpec irc::toTypeSpec(Type type) {
  rt::TypeSpec spec;
  spec.text = type.str();
  switch (type.getKind()) {
  case Type::Kind::Tensor:
    spec.kind = rt::TypeSpec::Kind::Tensor;
    spec.dtype = toRuntimeDType(type.getDType());
    spec.ranked = type.hasRank();
    if (spec.ranked)
      for (int64_t d : type.getShape())
        spec.sizes.push_back(d == kDynamic ? -1 : d);
    break;
  case Type::Kind::Int:
    spec.kind = rt::TypeSpec::Kind::Int;
    break;
  case Type::Kind::Float:
    spec.kind = rt::TypeSpec::Kind::Double;
    break;
  case Type::Kind::Bool:
    spec.kind = rt::TypeSpec::Kind::Bool;
    break;
  case Type::Kind::Str:
    spec.kind = rt::TypeSpec::Kind::String;
    break;
  default:
    spec.kind = rt::TypeSpec::Kind::Other;
    break;
  }
  return spec;
}

namespace {

class Lowering {
public:
  Lowering(Operation *module, const rt::KernelRegistry &registry,
           llvm::StringRef backend, rt::Plan &plan)
      : module(module), symbols(module), registry(registry),
        backend(backend.str()), plan(plan) {}

  LogicalResult run();

private:
  /// The value of a constant attribute of IR type `type`; null Value and an
  /// error emitted at `op` when it cannot be built.
  std::optional<rt::Value> convert(Attribute attr, Type type, Operation *op);
  std::optional<rt::Value> convertSymbol(llvm::StringRef name, Operation *op);
  std::optional<rt::Value> convertElements(Attribute attr, Operation *op);

  uint32_t reg(Value *v) {
    auto [it, inserted] = registers.try_emplace(v, numRegisters);
    if (inserted)
      ++numRegisters;
    return it->second;
  }
  LogicalResult lowerBlock(Block &block, rt::Block &out);
  LogicalResult lowerOp(Operation *op, rt::Block &out);
  uint32_t addConstant(rt::Value v) {
    plan.constants.push_back(std::move(v));
    return uint32_t(plan.constants.size() - 1);
  }

  Operation *module;
  SymbolTable symbols;
  const rt::KernelRegistry &registry;
  std::string backend;
  rt::Plan &plan;

  llvm::StringMap<unsigned> functionIndex;
  /// Module-level constants, converted once and shared by every use, so that
  /// module state written with prim.set_attr is seen by later reads.
  llvm::StringMap<rt::Value> moduleConstants;
  llvm::StringMap<bool> reportedMissing;
  bool failedAny = false;

  // Per function.
  llvm::DenseMap<Value *, uint32_t> registers;
  uint32_t numRegisters = 0;
};

std::string locationOf(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  op->getLoc().printPrefix(os);
  return os.str();
}

bool isMutableContainer(Attribute attr) {
  return attr.is(Attribute::Kind::List) || attr.is(Attribute::Kind::Dict) ||
         attr.is(Attribute::Kind::Tuple) || attr.is(Attribute::Kind::Object);
}

} // namespace

std::optional<rt::Value> Lowering::convertElements(Attribute attr,
                                                   Operation *op) {
  Type type = attr.getElementsType();
  std::optional<rt::DType> dtype = toRuntimeDType(type.getDType());
  if (!dtype || !type.hasStaticShape()) {
    op->emitError() << "tensor constant of type " << type << " cannot be run";
    return std::nullopt;
  }
  std::optional<llvm::ArrayRef<char>> data = attr.getRawData();
  if (!data) {
    op->emitError() << "tensor constant " << attr
                    << " has no data (elided, or its blob is missing)";
    return std::nullopt;
  }
  rt::Shape shape(type.getShape().begin(), type.getShape().end());
  if (attr.is(Attribute::Kind::Blob)) {
    std::shared_ptr<const void> owner =
        op->getContext().getWeightStore().lookupOwner(attr.getString());
    return rt::Value(rt::Tensor::wrap(*dtype, shape, data->data(), owner));
  }
  // Dense constants live in the context: copy them so the plan stands alone.
  rt::Tensor t = rt::Tensor::zeros(*dtype, shape);
  if (!data->empty())
    std::memcpy(t.rawMutableData(), data->data(), data->size());
  return rt::Value(t);
}

std::optional<rt::Value> Lowering::convertSymbol(llvm::StringRef name,
                                                 Operation *op) {
  auto it = moduleConstants.find(name);
  if (it != moduleConstants.end())
    return it->second;
  Operation *target = symbols.lookup(name);
  if (!target || !target->is(OpId::ModuleConst)) {
    op->emitError() << "'@" << name << "' is not a module constant";
    return std::nullopt;
  }
  std::optional<rt::Value> v = convert(
      target->getAttr("value"), target->getAttr("type").getTypeValue(), target);
  if (v)
    moduleConstants[name] = *v;
  return v;
}

std::optional<rt::Value> Lowering::convert(Attribute attr, Type type,
                                           Operation *op) {
  auto elementType = [&](size_t i) -> Type {
    if (!type)
      return Type();
    if (type.isList())
      return type.getElementType();
    if (type.isTuple() && i < type.getTupleTypes().size())
      return type.getTupleTypes()[i];
    return Type();
  };
  switch (attr.getKind()) {
  case Attribute::Kind::Int:
    if (type && type.isFloat())
      return rt::Value(double(attr.getInt()));
    return rt::Value(attr.getInt());
  case Attribute::Kind::Float:
    return rt::Value(attr.getFloat());
  case Attribute::Kind::Bool:
    return rt::Value(attr.getBool());
  case Attribute::Kind::String:
    if (type && type.getKind() == Type::Kind::Device)
      return rt::Value(rt::Device{attr.getString().str()});
    return rt::Value(attr.getString().str());
  case Attribute::Kind::None:
    return rt::Value();
  case Attribute::Kind::Type:
    return rt::Value(attr.getTypeValue().str());
  case Attribute::Kind::SymbolRef:
    return convertSymbol(attr.getString(), op);
  case Attribute::Kind::Dense:
  case Attribute::Kind::Blob:
    return convertElements(attr, op);
  case Attribute::Kind::List:
  case Attribute::Kind::Tuple: {
    bool isList = attr.is(Attribute::Kind::List);
    std::vector<rt::Value> items;
    llvm::ArrayRef<Attribute> elements =
        isList ? attr.getList() : attr.getTuple();
    for (size_t i = 0; i < elements.size(); ++i) {
      std::optional<rt::Value> v = convert(elements[i], elementType(i), op);
      if (!v)
        return std::nullopt;
      items.push_back(std::move(*v));
    }
    return isList ? rt::Value::list(std::move(items))
                  : rt::Value::tuple(std::move(items));
  }
  case Attribute::Kind::Dict: {
    auto dict = std::make_shared<rt::Dict>();
    Type keyType = type && type.isDict() ? type.getDictKeyType() : Type();
    Type valueType = type && type.isDict() ? type.getDictValueType() : Type();
    for (const auto &[k, v] : attr.getDictEntries()) {
      std::optional<rt::Value> key = convert(k, keyType, op);
      std::optional<rt::Value> value = convert(v, valueType, op);
      if (!key || !value)
        return std::nullopt;
      dict->entries.emplace_back(std::move(*key), std::move(*value));
    }
    return rt::Value(std::move(dict));
  }
  case Attribute::Kind::Object: {
    auto object = std::make_shared<rt::Object>();
    object->className = attr.getObjectClass().str();
    if (attr.hasObjectState()) {
      // TorchBind state: fields "0", "1", ... in `__getstate__` order.
      llvm::ArrayRef<Attribute> state = attr.getObjectState();
      for (size_t i = 0; i < state.size(); ++i) {
        std::optional<rt::Value> v = convert(state[i], Type(), op);
        if (!v)
          return std::nullopt;
        object->fields.emplace_back(std::to_string(i), std::move(*v));
      }
    } else {
      for (const NamedAttribute &field : attr.getObjectFields()) {
        std::optional<rt::Value> v = convert(field.value, Type(), op);
        if (!v)
          return std::nullopt;
        object->fields.emplace_back(field.name.str(), std::move(*v));
      }
    }
    return rt::Value(std::move(object));
  }
  }
  op->emitError() << "constant " << attr << " cannot be run";
  return std::nullopt;
}

LogicalResult Lowering::lowerBlock(Block &block, rt::Block &out) {
  for (Value *arg : block.getArguments()) {
    out.args.push_back(reg(arg));
    out.argTypes.push_back(toTypeSpec(arg->getType()));
  }
  for (Operation &op : block) {
    if (op.is(OpId::Return) || op.is(OpId::PrimYield)) {
      for (Value *v : op.getOperands())
        out.results.push_back(reg(v));
      continue;
    }
    if (failed(lowerOp(&op, out)))
      return failure();
  }
  return success();
}

LogicalResult Lowering::lowerOp(Operation *op, rt::Block &out) {
  rt::Instr instr;
  instr.opName = op->getName().str();
  instr.location = locationOf(op);
  for (Value *v : op->getOperands())
    instr.operands.push_back(reg(v));
  for (Value *v : op->getResults()) {
    instr.results.push_back(reg(v));
    instr.resultTypes.push_back(toTypeSpec(v->getType()));
  }

  if (op->is(OpId::Constant)) {
    Attribute value = op->getAttr("value");
    std::optional<rt::Value> v =
        convert(value, op->getResult(0)->getType(), op);
    if (!v)
      return failure();
    instr.kind = rt::Instr::Kind::Constant;
    instr.index = addConstant(std::move(*v));
    // A list or dict literal is fresh on every execution, as in TorchScript;
    // module constants (`@self`) are shared state, and packed parameters
    // (opaque types) are never written.
    instr.copy = isMutableContainer(value) &&
                 op->getResult(0)->getType().getKind() != Type::Kind::Opaque;
  } else if (op->is(OpId::PrimIf) || op->is(OpId::PrimLoop)) {
    instr.kind =
        op->is(OpId::PrimIf) ? rt::Instr::Kind::If : rt::Instr::Kind::Loop;
    for (unsigned i = 0; i < op->getNumRegions(); ++i) {
      instr.regions.emplace_back();
      if (failed(lowerBlock(op->getRegion(i).front(), instr.regions.back())))
        return failure();
    }
  } else if ((op->is(OpId::XnnPartition) || op->is(OpId::VkPartition)) &&
             !registry.lookup(backend, instr.opName)) {
    // Backends without a kernel for the partition run its ops one by one.
    instr.kind = rt::Instr::Kind::Region;
    instr.regions.emplace_back();
    if (failed(lowerBlock(op->getRegion(0).front(), instr.regions.back())))
      return failure();
  } else if (op->is(OpId::Call)) {
    llvm::StringRef callee = op->getAttr("callee").getString();
    auto it = functionIndex.find(callee);
    if (it == functionIndex.end())
      return op->emitError() << "call to unknown function '@" << callee << "'";
    instr.kind = rt::Instr::Kind::Call;
    instr.index = it->second;
  } else {
    instr.kind = rt::Instr::Kind::Kernel;
    instr.kernel = registry.lookup(backend, instr.opName);
    if (!instr.kernel) {
      failedAny = true;
      if (!reportedMissing.insert({instr.opName, true}).second)
        return success();
      op->emitError() << "no '" << backend << "' kernel for op '"
                      << instr.opName << "'";
      return success(); // keep going to report every missing op
    }
    for (const NamedAttribute &a : op->getAttrs()) {
      std::optional<rt::Value> v = convert(a.value, Type(), op);
      if (!v)
        return failure();
      instr.attrs.emplace_back(a.name.str(), std::move(*v));
    }
    // A kernel with a region (xnn.partition) runs its body itself.
    for (unsigned i = 0; i < op->getNumRegions(); ++i) {
      instr.regions.emplace_back();
      if (failed(lowerBlock(op->getRegion(i).front(), instr.regions.back())))
        return failure();
    }
    // The class of a new object is only in its result type.
    if (op->is(OpId::PrimCreateObject))
      instr.attrs.emplace_back(
          "class", rt::Value(op->getResult(0)->getType().getName().str()));
  }
  out.instrs.push_back(std::move(instr));
  return success();
}

LogicalResult Lowering::run() {
  plan.backend = backend;
  llvm::SmallVector<FuncOp, 4> funcs = getFunctions(module);
  for (FuncOp f : funcs) {
    functionIndex[f.getName()] = plan.functions.size();
    plan.functions.emplace_back();
    plan.functions.back().name = f.getName().str();
  }
  for (size_t i = 0; i < funcs.size(); ++i) {
    FuncOp f = funcs[i];
    rt::Function &fn = plan.functions[i];
    Type type = f.getFunctionType();
    for (Type t : type.getInputs())
      fn.argTypes.push_back(toTypeSpec(t));
    for (Value *arg : f.getEntryBlock().getArguments())
      fn.argNames.push_back(arg->getNameHint().str());
    // What is returned may be known better than declared (shape
    // inference refines values, not signatures).
    Operation *ret = f.getEntryBlock().getTerminator();
    for (unsigned i = 0; i < type.getResults().size(); ++i)
      fn.resultTypes.push_back(
          toTypeSpec(ret && i < ret->getNumOperands()
                         ? ret->getOperand(i)->getType()
                         : type.getResults()[i]));
    registers.clear();
    numRegisters = 0;
    if (failed(lowerBlock(f.getEntryBlock(), fn.body)))
      return failure();
    fn.numRegisters = numRegisters;
  }
  return failedAny ? failure() : success();
}

LogicalResult irc::lowerToPlan(Operation *module,
                               const rt::KernelRegistry &registry,
                               llvm::StringRef backend, rt::Plan &plan) {
  return Lowering(module, registry, backend, plan).run();
}
