//===- Verifier.cpp - IR verification -------------------------------------===//
//
// One pre-order walk checks each op against its table entry (name, region
// count, schema, op verifier, shape rule) and SSA dominance: a definition
// must be in an enclosing block and earlier there, which the blocks' cached
// op order answers in O(1), so the walk stays linear in the IR size.
//
//===----------------------------------------------------------------------===//
#include "ir/Verifier.h"
#include "ir/Block.h"
#include "ir/Context.h"
#include "ir/Region.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace irc;

static LogicalResult verifySchema(Operation *op, const Schema &schema) {
  unsigned numParams = schema.params.size();
  unsigned numOperands = op->getNumOperands();
  if (schema.variadic ? numOperands < numParams - 1 : numOperands != numParams)
    return op->emitOpError()
           << "expected " << (schema.variadic ? "at least " : "")
           << (schema.variadic ? numParams - 1 : numParams) << " operand"
           << (numParams == 1 ? "" : "s") << ", got " << numOperands;
  // Type variables inside lists and dicts first: a value outside may refine
  // them.
  SchemaBindings elements;
  for (unsigned i = 0; i < numOperands; ++i)
    collectElementBindings(schema.params[std::min(i, numParams - 1)].type,
                           op->getOperand(i)->getType(), elements);
  for (unsigned i = 0; i < schema.results.size() && i < op->getNumResults();
       ++i)
    collectElementBindings(schema.results[i], op->getResult(i)->getType(),
                           elements);
  SchemaBindings vars;
  for (unsigned i = 0; i < numOperands; ++i) {
    const SchemaParam &p = schema.params[std::min(i, numParams - 1)];
    Type t = op->getOperand(i)->getType();
    if (matchSchemaType(p.type, t, vars, &elements))
      continue;
    std::string expected;
    llvm::raw_string_ostream os(expected);
    p.type.print(os, /*withAlias=*/false);
    return op->emitOpError() << "operand #" << i << " ('" << p.name
                             << "') must be " << expected << ", got " << t;
  }
  if (op->getNumResults() != schema.results.size())
    return op->emitOpError()
           << "expected " << schema.results.size() << " result"
           << (schema.results.size() == 1 ? "" : "s") << ", got "
           << op->getNumResults();
  for (unsigned i = 0; i < schema.results.size(); ++i) {
    Type t = op->getResult(i)->getType();
    if (matchSchemaType(schema.results[i], t, vars, &elements))
      continue;
    std::string expected;
    llvm::raw_string_ostream os(expected);
    schema.results[i].print(os, /*withAlias=*/false);
    return op->emitOpError()
           << "result #" << i << " must be " << expected << ", got " << t;
  }
  return success();
}

static LogicalResult verifyShapes(Operation *op, InferFn infer) {
  llvm::SmallVector<Type, 1> inferred;
  if (failed(infer(op, inferred)))
    return failure();
  for (unsigned i = 0; i < inferred.size() && i < op->getNumResults(); ++i) {
    Type declared = op->getResult(i)->getType();
    if (inferred[i] && !areCompatible(declared, inferred[i]))
      return op->emitOpError() << "result #" << i << " has type " << declared
                               << " but the operands give " << inferred[i];
  }
  return success();
}

static LogicalResult verifyOpItself(Operation *op) {
  const OpInfo *info = op->getInfo();
  if (!info) {
    if (op->getContext().allowsUnregisteredOps())
      return success();
    return op->emitError() << "unregistered operation '" << op->getName()
                           << "'";
  }
  if (op->getNumRegions() != info->numRegions)
    return op->emitOpError() << "expected " << info->numRegions
                             << " regions, got " << op->getNumRegions();
  if (op->hasTrait(Terminator) && op->getBlock() &&
      &op->getBlock()->back() != op)
    return op->emitOpError() << "must be the last operation in its block";
  if (!info->schema.empty() && failed(verifySchema(op, info->schema)))
    return failure();
  if (info->verify && failed(info->verify(op)))
    return failure();
  if (info->infer && failed(verifyShapes(op, info->infer)))
    return failure();
  return success();
}

/// True when `v` may be used by `user`: `v` is defined in a block that
/// encloses the user without crossing an IsolatedFromAbove op and, for an op
/// result, by an op that comes before the user (or its ancestor) there.
static bool dominates(Value *v, Operation *user) {
  Block *defBlock = v->getParentBlock();
  if (!defBlock)
    return false; // a detached op's result
  Operation *defOp = v->getDefiningOp();
  for (Operation *a = user; a;) {
    if (a->getBlock() == defBlock)
      return !defOp || (defOp != a && defOp->isBeforeInBlock(a));
    Operation *parent = a->getParentOp();
    if (!parent || parent->hasTrait(IsolatedFromAbove))
      return false;
    a = parent;
  }
  return false;
}

/// Verifies `op`, then what is nested in it, in pre-order.
static LogicalResult verifyRecursively(Operation *op) {
  // Schemas, op verifiers and shape rules read operand types: reject null
  // operands before running them.
  for (OpOperand &operand : op->getOpOperands())
    if (!operand.get())
      return op->emitOpError()
             << "operand #" << operand.getOperandNumber() << " is null";
  if (failed(verifyOpItself(op)))
    return failure();
  for (OpOperand &operand : op->getOpOperands()) {
    Value *v = operand.get();
    if (dominates(v, op))
      continue;
    InFlightDiagnostic d = op->emitOpError();
    d << "operand #" << operand.getOperandNumber();
    if (!v->getNameHint().empty())
      d << " ('%" << v->getNameHint() << "')";
    d << " does not dominate this use";
    d.attachNote(v->getLoc(), "operand defined here");
    return failure();
  }
  for (unsigned i = 0; i < op->getNumRegions(); ++i)
    for (Block &block : op->getRegion(i))
      for (Operation &nested : block.opsPrefetched())
        if (failed(verifyRecursively(&nested)))
          return failure();
  return success();
}

LogicalResult irc::verify(Operation *op) { return verifyRecursively(op); }
