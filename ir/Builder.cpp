//===- Builder.cpp --------------------------------------------------------===//
#include "ir/Builder.h"

using namespace irc;

Operation *Builder::insert(Operation *op) {
  if (block)
    block->insert(pos, op);
  return op;
}

Operation *Builder::create(Location loc, OpId id,
                           llvm::ArrayRef<Type> resultTypes,
                           llvm::ArrayRef<Value *> operands,
                           llvm::ArrayRef<NamedAttribute> attrs) {
  return insert(Operation::create(ctx, loc, id, resultTypes, operands, attrs));
}

Operation *Builder::createInferred(Location loc, OpId id,
                                   llvm::ArrayRef<Value *> operands) {
  const OpInfo &info = ctx.getOpInfo(id);
  Type unknown = getUnrankedTensorType(ctx);
  Operation *op = Operation::create(ctx, loc, id, {unknown}, operands);
  llvm::SmallVector<Type, 1> types;
  if (info.infer && succeeded(info.infer(op, types)) && types.size() == 1 &&
      types[0])
    op->getResult(0)->setType(types[0]);
  return insert(op);
}

Value *Builder::createConstant(Location loc, Attribute value, Type type) {
  return create(loc, OpId::Constant, {type}, {}, {getNamedAttr("value", value)})
      ->getResult(0);
}

Value *Builder::createIntConstant(Location loc, int64_t v) {
  return createConstant(loc, getIntAttr(ctx, v), getIntType(ctx));
}
Value *Builder::createFloatConstant(Location loc, double v) {
  return createConstant(loc, getFloatAttr(ctx, v), getFloatType(ctx));
}
Value *Builder::createBoolConstant(Location loc, bool v) {
  return createConstant(loc, getBoolAttr(ctx, v), getBoolType(ctx));
}

Attribute Builder::getTensorAttr(Type type, llvm::ArrayRef<char> data) {
  if (type.getNumElements() <= kInlineElements)
    return getDenseAttr(type, data);
  WeightStore &store = ctx.getWeightStore();
  std::string name;
  for (size_t i = store.size();; ++i) {
    name = "const." + std::to_string(i);
    if (!store.contains(name))
      break;
  }
  store.addCopy(name, data);
  return getBlobAttr(type, name);
}

Operation *Builder::clone(Operation &op, IRMapping &map) {
  return insert(op.clone(map));
}
