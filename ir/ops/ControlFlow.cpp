//===- ControlFlow.cpp - prim.if, prim.loop, prim.yield -------------------===//
//
// prim.if: one bool operand; then and else regions of one argument-less
// block each, ending in prim.yield of the op's result types.
// prim.loop: operands (max_trip_count: i64, initial_condition: bool,
// carried...); one body block with arguments (iteration: i64, carried...)
// ending in prim.yield (condition: bool, carried...); results are the final
// carried values. This is TorchScript's prim::If and prim::Loop.
// Yielded and initial values may be more precise than the result types
// (isRefinementOf), which is how infer-shapes leaves joined types.
//
//===----------------------------------------------------------------------===//
#include "ir/Module.h"
#include "ir/ops/OpHooks.h"

using namespace irc;

static LogicalResult verifyYieldTypes(Operation *op, Block &block,
                                      llvm::StringRef regionName,
                                      llvm::ArrayRef<Type> expected) {
  Operation *yield = &block.back();
  if (yield->getNumOperands() != expected.size())
    return op->emitOpError()
           << regionName << " yields " << yield->getNumOperands()
           << " values, expected " << expected.size();
  // A yielded value may be more precise than the result (infer-shapes joins
  // the branches' types into the result).
  for (unsigned i = 0; i < expected.size(); ++i)
    if (!isRefinementOf(yield->getOperand(i)->getType(), expected[i]))
      return op->emitOpError()
             << regionName << " yields " << yield->getOperand(i)->getType()
             << " as value #" << i << ", expected " << expected[i];
  return success();
}

static LogicalResult verifyBody(Operation *op, Region &region,
                                llvm::StringRef name) {
  if (region.getNumBlocks() != 1)
    return op->emitOpError()
           << name << " region must have exactly one block, got "
           << region.getNumBlocks();
  Block &block = region.front();
  if (block.empty() || !block.back().is(OpId::PrimYield))
    return op->emitOpError() << name << " region must end with 'prim.yield'";
  return success();
}

LogicalResult irc::verifyIf(Operation *op) {
  if (op->getNumOperands() != 1 || !op->getOperand(0)->getType().isBool())
    return op->emitOpError() << "expected one bool condition operand";
  llvm::SmallVector<Type, 4> results;
  for (Value *r : op->getResults())
    results.push_back(r->getType());
  const char *names[] = {"then", "else"};
  for (unsigned i = 0; i < 2; ++i) {
    if (failed(verifyBody(op, op->getRegion(i), names[i])))
      return failure();
    Block &block = op->getRegion(i).front();
    if (block.getNumArguments())
      return op->emitOpError() << names[i] << " region takes no arguments";
    if (failed(verifyYieldTypes(op, block, names[i], results)))
      return failure();
  }
  return success();
}

LogicalResult irc::verifyLoop(Operation *op) {
  if (op->getNumOperands() < 2 || !op->getOperand(0)->getType().isInt() ||
      !op->getOperand(1)->getType().isBool())
    return op->emitOpError()
           << "expected operands (i64 max_trip_count, bool condition, "
              "carried...)";
  unsigned numCarried = op->getNumOperands() - 2;
  if (op->getNumResults() != numCarried)
    return op->emitOpError() << "has " << op->getNumResults() << " results but "
                             << numCarried << " carried values";
  llvm::SmallVector<Type, 4> carried;
  for (unsigned i = 0; i < numCarried; ++i) {
    // The carried type is the result's; the initial value may be more
    // precise.
    carried.push_back(op->getResult(i)->getType());
    if (!isRefinementOf(op->getOperand(i + 2)->getType(), carried.back()))
      return op->emitOpError() << "result #" << i << " has type "
                               << carried.back() << " but its initial value is "
                               << op->getOperand(i + 2)->getType();
  }
  if (failed(verifyBody(op, op->getRegion(0), "body")))
    return failure();
  Block &body = op->getRegion(0).front();
  if (body.getNumArguments() != numCarried + 1 ||
      !body.getArgument(0)->getType().isInt())
    return op->emitOpError() << "body must take (i64 iteration, carried...)";
  for (unsigned i = 0; i < numCarried; ++i)
    if (body.getArgument(i + 1)->getType() != carried[i])
      return op->emitOpError() << "body argument #" << i + 1 << " has type "
                               << body.getArgument(i + 1)->getType()
                               << ", expected " << carried[i];
  llvm::SmallVector<Type, 4> yielded{getBoolType(op->getContext())};
  yielded.append(carried.begin(), carried.end());
  return verifyYieldTypes(op, body, "body", yielded);
}

LogicalResult irc::verifyYield(Operation *op) {
  Operation *parent = op->getParentOp();
  if (!parent || (!parent->is(OpId::PrimIf) && !parent->is(OpId::PrimLoop) &&
                  !parent->is(OpId::XnnPartition) &&
                  !parent->is(OpId::VkPartition)))
    return op->emitOpError() << "must be inside 'prim.if', 'prim.loop', "
                                "'xnn.partition' or 'vk.partition'";
  return success();
}

LogicalResult irc::verifyPartition(Operation *op) {
  if (failed(verifyBody(op, op->getRegion(0), "body")))
    return failure();
  Block &body = op->getRegion(0).front();
  if (body.getNumArguments() != op->getNumOperands())
    return op->emitOpError()
           << "body takes " << body.getNumArguments() << " arguments, expected "
           << op->getNumOperands() << " (one per operand)";
  for (unsigned i = 0; i < op->getNumOperands(); ++i)
    if (!isRefinementOf(op->getOperand(i)->getType(),
                        body.getArgument(i)->getType()))
      return op->emitOpError()
             << "operand #" << i << " has type " << op->getOperand(i)->getType()
             << " but the body's argument is "
             << body.getArgument(i)->getType();
  llvm::SmallVector<Type, 4> results;
  for (Value *r : op->getResults())
    results.push_back(r->getType());
  return verifyYieldTypes(op, body, "body", results);
}
