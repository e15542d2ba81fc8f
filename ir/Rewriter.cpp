//===- Rewriter.cpp -------------------------------------------------------===//
#include "ir/Rewriter.h"

using namespace irc;

Operation *Rewriter::insert(Operation *op) {
  Builder::insert(op);
  if (listener)
    op->walk([&](Operation *nested) { listener->notifyOpInserted(nested); });
  return op;
}

void Rewriter::replaceAllUsesWith(Value *from, Value *to) {
  if (listener)
    for (Operation *user : from->getUsers())
      listener->notifyOpModified(user);
  from->replaceAllUsesWith(to);
}

void Rewriter::replaceOp(Operation *op, llvm::ArrayRef<Value *> newValues) {
  assert(newValues.size() == op->getNumResults() &&
         "one replacement per result");
  for (unsigned i = 0; i < newValues.size(); ++i)
    replaceAllUsesWith(op->getResult(i), newValues[i]);
  eraseOp(op);
}

void Rewriter::morphIntoConstant(Operation *op, Attribute value) {
  if (listener) {
    // Users may fold now; the operands' defining ops may be dead.
    for (Operation *user : op->getResult(0)->getUsers())
      listener->notifyOpModified(user);
    for (Value *v : op->getOperands())
      if (Operation *def = v->getDefiningOp())
        listener->notifyOpModified(def);
  }
  op->morphIntoConstant(value);
  if (listener)
    listener->notifyOpModified(op);
}

void Rewriter::eraseOp(Operation *op) {
  assert(op->use_empty() && "erasing an op whose results are used");
  if (listener) {
    op->walk([&](Operation *nested) { listener->notifyOpErased(nested); });
    // The defining ops of the operands may now be dead.
    for (Value *v : op->getOperands())
      if (Operation *def = v->getDefiningOp())
        listener->notifyOpModified(def);
  }
  if (!erased) {
    op->erase();
    return;
  }
  op->remove();
  op->dropAllReferences();
  erased->push_back(op);
}

void Rewriter::moveOpBefore(Operation *op, Operation *before) {
  op->moveBefore(before);
  if (listener)
    listener->notifyOpModified(op);
}

void Rewriter::moveOpAfter(Operation *op, Operation *after) {
  op->moveAfter(after);
  if (listener)
    listener->notifyOpModified(op);
}

void Rewriter::modifyOpInPlace(Operation *op, llvm::function_ref<void()> fn) {
  fn();
  if (listener)
    listener->notifyOpModified(op);
}

void Rewriter::inlineBlockBefore(Block &source, Operation *before,
                                 llvm::ArrayRef<Value *> argValues) {
  assert(argValues.size() == source.getNumArguments() &&
         "one value per block argument");
  for (unsigned i = 0; i < argValues.size(); ++i)
    replaceAllUsesWith(source.getArgument(i), argValues[i]);
  llvm::SmallVector<Operation *, 8> moved;
  for (Operation &op : source)
    moved.push_back(&op);
  before->getBlock()->splice(Block::iterator(before), source);
  if (listener)
    for (Operation *op : moved)
      listener->notifyOpModified(op);
}
