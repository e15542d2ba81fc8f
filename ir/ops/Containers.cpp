//===- Containers.cpp - list, tuple, dict and object ops ------------------===//
#include "ir/Module.h"
#include "ir/ops/OpHooks.h"

using namespace irc;

LogicalResult irc::verifyListUnpack(Operation *op) {
  if (op->getNumOperands() != 1 || !op->getOperand(0)->getType().isList())
    return op->emitOpError() << "expected one list operand";
  Type element = op->getOperand(0)->getType().getElementType();
  // A result may be more precise than the element type (infer-shapes types
  // the pieces of aten.chunk).
  for (Value *r : op->getResults())
    if (!isRefinementOf(r->getType(), element))
      return op->emitOpError()
             << "result type " << r->getType()
             << " does not match the list element type " << element;
  return success();
}

LogicalResult irc::verifyTupleConstruct(Operation *op) {
  llvm::SmallVector<Type, 4> members;
  for (Value *v : op->getOperands())
    members.push_back(v->getType());
  Type expected = getTupleType(op->getContext(), members);
  if (op->getNumResults() != 1 || op->getResult(0)->getType() != expected)
    return op->emitOpError() << "expected one result of type " << expected;
  return success();
}

LogicalResult irc::verifyTupleUnpack(Operation *op) {
  if (op->getNumOperands() != 1 || !op->getOperand(0)->getType().isTuple())
    return op->emitOpError() << "expected one tuple operand";
  auto members = op->getOperand(0)->getType().getTupleTypes();
  if (members.size() != op->getNumResults())
    return op->emitOpError() << "unpacks " << op->getNumResults()
                             << " values from a tuple of " << members.size();
  for (unsigned i = 0; i < members.size(); ++i)
    if (op->getResult(i)->getType() != members[i])
      return op->emitOpError()
             << "result #" << i << " has type " << op->getResult(i)->getType()
             << ", expected " << members[i];
  return success();
}

LogicalResult irc::verifyTupleIndex(Operation *op) {
  if (op->getNumOperands() != 2 || !op->getOperand(0)->getType().isTuple() ||
      !op->getOperand(1)->getType().isInt() || op->getNumResults() != 1)
    return op->emitOpError() << "expected (tuple, i64) operands and one result";
  auto members = op->getOperand(0)->getType().getTupleTypes();
  Type result = op->getResult(0)->getType();
  int64_t index;
  if (!matchConstantInt(op->getOperand(1), index)) {
    if (llvm::all_of(members, [&](Type t) { return t == result; }))
      return success();
    return op->emitOpError()
           << "with a non-constant index needs all members to have the "
              "result type";
  }
  int64_t n = members.size();
  if (index < -n || index >= n)
    return op->emitOpError()
           << "index " << index << " is out of range for a tuple of " << n;
  Type member = members[index < 0 ? index + n : index];
  if (member != result)
    return op->emitOpError() << "result type " << result
                             << " does not match member type " << member;
  return success();
}

LogicalResult
irc::foldTupleUnpack(Operation *op, llvm::ArrayRef<Attribute>,
                     llvm::SmallVectorImpl<OpFoldResult> &results) {
  Operation *def = op->getOperand(0)->getDefiningOp();
  if (!def || !def->is(OpId::PrimTupleConstruct))
    return failure();
  for (Value *v : def->getOperands())
    results.push_back(v);
  return success();
}

LogicalResult
irc::foldTupleIndex(Operation *op, llvm::ArrayRef<Attribute> operands,
                    llvm::SmallVectorImpl<OpFoldResult> &results) {
  Operation *def = op->getOperand(0)->getDefiningOp();
  if (!def || !def->is(OpId::PrimTupleConstruct) || !operands[1])
    return failure();
  int64_t n = def->getNumOperands(), index = operands[1].getInt();
  if (index < -n || index >= n)
    return failure();
  results.push_back(def->getOperand(index < 0 ? index + n : index));
  return success();
}

// prim.dict_construct's operands alternate keys and values, which no schema
// expresses.
LogicalResult irc::verifyDictConstruct(Operation *op) {
  if (op->getNumResults() != 1 || !op->getResult(0)->getType().isDict())
    return op->emitOpError() << "expected one dict result";
  if (op->getNumOperands() % 2)
    return op->emitOpError()
           << "expected alternating keys and values, got an odd number of "
              "operands ("
           << op->getNumOperands() << ")";
  Type dict = op->getResult(0)->getType();
  Type key = dict.getDictKeyType(), value = dict.getDictValueType();
  for (unsigned i = 0; i < op->getNumOperands(); i += 2) {
    if (!isRefinementOf(op->getOperand(i)->getType(), key))
      return op->emitOpError()
             << "key #" << i / 2 << " has type " << op->getOperand(i)->getType()
             << ", expected the result's key type " << key;
    if (!isRefinementOf(op->getOperand(i + 1)->getType(), value))
      return op->emitOpError()
             << "value #" << i / 2 << " has type "
             << op->getOperand(i + 1)->getType()
             << ", expected the result's value type " << value;
  }
  return success();
}

/// The op's `name` attribute (attribute or method name), or an empty string.
static llvm::StringRef getNameAttr(Operation *op) {
  Attribute name = op->getAttr("name");
  return name && name.is(Attribute::Kind::String) ? name.getString() : "";
}

static bool isObject(Value *v) {
  return v->getType().getKind() == Type::Kind::Object;
}

LogicalResult irc::verifyGetAttr(Operation *op) {
  if (getNameAttr(op).empty())
    return op->emitOpError() << "requires a non-empty 'name' string attribute";
  if (op->getNumOperands() != 1 || !isObject(op->getOperand(0)) ||
      op->getNumResults() != 1)
    return op->emitOpError() << "expected one object operand and one result";
  return success();
}

LogicalResult irc::verifySetAttr(Operation *op) {
  if (getNameAttr(op).empty())
    return op->emitOpError() << "requires a non-empty 'name' string attribute";
  if (op->getNumOperands() != 2 || !isObject(op->getOperand(0)) ||
      op->getNumResults() != 0)
    return op->emitOpError()
           << "expected an object and a value operand and no result";
  return success();
}

LogicalResult irc::verifyCallMethod(Operation *op) {
  if (getNameAttr(op).empty())
    return op->emitOpError() << "requires a non-empty 'name' string attribute";
  if (op->getNumOperands() == 0 || !isObject(op->getOperand(0)))
    return op->emitOpError() << "expected the object as operand #0";
  return success();
}

LogicalResult irc::verifyCreateObject(Operation *op) {
  if (op->getNumOperands() != 0 || op->getNumResults() != 1 ||
      !isObject(op->getResult(0)))
    return op->emitOpError() << "expected no operands and one object result";
  return success();
}

LogicalResult irc::verifyUncheckedCast(Operation *op) {
  if (op->getNumOperands() != 1 || op->getNumResults() != 1)
    return op->emitOpError() << "expected one operand and one result";
  return success();
}

LogicalResult irc::verifyIsInstance(Operation *op) {
  Attribute types = op->getAttr("types");
  if (!types || !types.is(Attribute::Kind::List) || types.getList().empty() ||
      !llvm::all_of(types.getList(),
                    [](Attribute t) { return t.is(Attribute::Kind::Type); }))
    return op->emitOpError()
           << "requires a 'types' attribute: a non-empty list of types";
  return success();
}
