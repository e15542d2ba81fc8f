//===- Module.cpp ---------------------------------------------------------===//
#include "ir/Module.h"

using namespace irc;
using llvm::StringRef;

FuncOp FuncOp::create(Context &ctx, Location loc, StringRef name,
                      Type functionType) {
  Operation *op = Operation::create(
      ctx, loc, OpId::Func, {}, {},
      {{ctx.intern("function_type"), getTypeAttr(functionType)},
       {ctx.intern("sym_name"), getStringAttr(ctx, name)}});
  Block &entry = op->getRegion(0).emplaceBlock();
  for (Type t : functionType.getInputs())
    entry.addArgument(t);
  return FuncOp(op);
}

StringRef FuncOp::getName() const {
  return op->getAttr("sym_name").getString();
}
Type FuncOp::getFunctionType() const {
  return op->getAttr("function_type").getTypeValue();
}
void FuncOp::setFunctionType(Type t) {
  op->setAttr("function_type", getTypeAttr(t));
}
bool FuncOp::isPrivate() const {
  Attribute v = op->getAttr("sym_visibility");
  return v && v.is(Attribute::Kind::String) && v.getString() == "private";
}
void FuncOp::setPrivate(bool p) {
  if (p)
    op->setAttr("sym_visibility", getStringAttr(op->getContext(), "private"));
  else
    op->removeAttr("sym_visibility");
}

Module::Module(Context &ctx, Location loc)
    : op(Operation::create(ctx, loc, OpId::Module, {}, {})) {
  op->getRegion(0).emplaceBlock();
}

Module &Module::operator=(Module &&o) {
  if (this != &o) {
    if (op)
      op->destroy();
    op = o.op;
    o.op = nullptr;
  }
  return *this;
}

Module::~Module() {
  if (op)
    op->destroy();
}

StringRef irc::getSymbolName(Operation *op) {
  if (!op->is(OpId::Func) && !op->is(OpId::ModuleConst))
    return {};
  Attribute a = op->getAttr("sym_name");
  return a && a.is(Attribute::Kind::String) ? a.getString() : StringRef();
}

Operation *irc::lookupSymbol(Operation *module, StringRef name) {
  for (Operation &child : module->getRegion(0).front())
    if (getSymbolName(&child) == name)
      return &child;
  return nullptr;
}

Operation *Module::lookupSymbol(StringRef name) const {
  return irc::lookupSymbol(op, name);
}

llvm::SmallVector<FuncOp, 4> irc::getFunctions(Operation *module) {
  llvm::SmallVector<FuncOp, 4> out;
  for (Operation &child : module->getRegion(0).front())
    if (child.is(OpId::Func))
      out.push_back(&child);
  return out;
}

llvm::SmallVector<FuncOp, 4> Module::getFunctions() const {
  return irc::getFunctions(op);
}

SymbolTable::SymbolTable(Operation *module) {
  for (Operation &child : module->getRegion(0).front())
    if (StringRef name = getSymbolName(&child); !name.empty())
      table.try_emplace(name, &child);
}

bool irc::hasInPlaceOps(Operation *root) {
  if (root->getContext().getNumInPlaceOps() == 0)
    return false;
  bool found = false;
  root->walk([&](Operation *op) { found |= op->hasTrait(InPlace); });
  return found;
}

Attribute irc::getConstantValue(Value *v) {
  Operation *def = v->getDefiningOp();
  if (!def || !def->is(OpId::Constant))
    return Attribute();
  Attribute a = def->getAttr("value");
  // A reference to a module-level constant is not itself the value.
  return a && !a.is(Attribute::Kind::SymbolRef) ? a : Attribute();
}

bool irc::matchConstantInt(Value *v, int64_t &out) {
  Attribute a = getConstantValue(v);
  if (!a || !a.is(Attribute::Kind::Int))
    return false;
  out = a.getInt();
  return true;
}

bool irc::matchConstantIntList(Value *v, llvm::SmallVectorImpl<int64_t> &out) {
  out.clear();
  if (Attribute a = getConstantValue(v)) {
    if (!a.is(Attribute::Kind::List))
      return false;
    for (Attribute e : a.getList()) {
      if (!e.is(Attribute::Kind::Int))
        return false;
      out.push_back(e.getInt());
    }
    return true;
  }
  Operation *def = v->getDefiningOp();
  if (!def || !def->is(OpId::PrimListConstruct))
    return false;
  for (Value *e : def->getOperands()) {
    int64_t x;
    if (!matchConstantInt(e, x))
      return false;
    out.push_back(x);
  }
  return true;
}
