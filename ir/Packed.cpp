//===- Packed.cpp - Fields of packed parameters ---------------------------===//
#include "ir/Packed.h"
#include "ir/Context.h"

using namespace irc;

const OpInfo *irc::getPrepackOp(Type type) {
  if (!type || type.getKind() != Type::Kind::Opaque)
    return nullptr;
  llvm::StringRef name = type.getName();
  if (!name.consume_back("_params"))
    return nullptr;
  const OpInfo *info = type.getContext().lookupOp((name + "_prepack").str());
  return info && info->schema.results.size() == 1 ? info : nullptr;
}

bool irc::isPrepackOp(Operation *op) {
  if (op->getNumResults() != 1)
    return false;
  const OpInfo *info = getPrepackOp(op->getResult(0)->getType());
  return info && info->id == op->getId();
}

/// A field given as an attribute of a module constant: symbols name other
/// module constants (the weights).
static PackedField fieldOf(Attribute a, Operation *module) {
  if (a.is(Attribute::Kind::SymbolRef)) {
    Operation *c = module ? lookupSymbol(module, a.getString()) : nullptr;
    if (!c || !c->is(OpId::ModuleConst))
      return {};
    return {c->getAttr("type").getTypeValue(), c->getAttr("value")};
  }
  if (a.isElements())
    return {a.getElementsType(), a};
  return {Type(), a};
}

bool irc::getPackedFields(Value *params,
                          llvm::SmallVectorImpl<PackedField> &out) {
  out.clear();
  Operation *def = params->getDefiningOp();
  if (!def)
    return false;
  if (isPrepackOp(def)) {
    for (Value *v : def->getOperands()) {
      Attribute value = getConstantValue(v);
      if (!value)
        if (Operation *d = v->getDefiningOp(); d && d->is(OpId::Constant))
          value = fieldOf(d->getAttr("value"), d->getParentOfType(OpId::Module))
                      .value;
      out.push_back({v->getType(), value});
    }
    return true;
  }
  if (!def->is(OpId::Constant))
    return false;
  Attribute ref = def->getAttr("value");
  Operation *module = def->getParentOfType(OpId::Module);
  if (!ref.is(Attribute::Kind::SymbolRef) || !module)
    return false;
  Operation *c = lookupSymbol(module, ref.getString());
  const OpInfo *prepack = getPrepackOp(params->getType());
  if (!c || !c->is(OpId::ModuleConst) || !prepack)
    return false;
  Attribute object = c->getAttr("value");
  if (!object.is(Attribute::Kind::Object) || object.hasObjectState() ||
      object.getObjectFields().size() != prepack->schema.params.size())
    return false;
  for (const NamedAttribute &f : object.getObjectFields())
    out.push_back(fieldOf(f.value, module));
  return true;
}

bool irc::getIntsOf(Attribute attr, llvm::SmallVectorImpl<int64_t> &out) {
  out.clear();
  if (!attr)
    return false;
  if (attr.is(Attribute::Kind::Int)) {
    out.push_back(attr.getInt());
    return true;
  }
  if (!attr.is(Attribute::Kind::List))
    return false;
  for (Attribute e : attr.getList()) {
    if (!e.is(Attribute::Kind::Int))
      return false;
    out.push_back(e.getInt());
  }
  return true;
}
