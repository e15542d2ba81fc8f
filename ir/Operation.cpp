//===- Operation.cpp - Operations, values and use lists -------------------===//
#include "ir/Operation.h"
#include "ir/AsmPrinter.h"
#include "ir/Block.h"
#include "ir/Context.h"
#include "ir/Region.h"
#include "ir/detail/Storage.h"
#include <algorithm>
#include <type_traits>

using namespace irc;
using llvm::ArrayRef;
using llvm::StringRef;

//===----------------------------------------------------------------------===//
// Values and uses
//===----------------------------------------------------------------------===//

void OpOperand::set(Value *v) {
  if (v == value)
    return;
  removeFromCurrent();
  value = v;
  if (!v)
    return;
  next = v->firstUse;
  if (next)
    next->prevNext = &next;
  prevNext = &v->firstUse;
  v->firstUse = this;
}

void OpOperand::removeFromCurrent() {
  if (!prevNext)
    return;
  *prevNext = next;
  if (next)
    next->prevNext = prevNext;
  next = nullptr;
  prevNext = nullptr;
  value = nullptr;
}

unsigned OpOperand::getOperandNumber() const {
  return unsigned(this - owner->getOpOperands().data());
}

Operation *Value::getDefiningOp() const {
  if (auto *r = llvm::dyn_cast<OpResult>(this))
    return r->getOwner();
  return nullptr;
}

Block *Value::getParentBlock() const {
  if (auto *r = llvm::dyn_cast<OpResult>(this))
    return r->getOwner()->getBlock();
  return llvm::cast<BlockArgument>(this)->getOwner();
}

Location Value::getLoc() const {
  if (Operation *op = getDefiningOp())
    return op->getLoc();
  if (Operation *parent = getParentBlock()->getParentOp())
    return parent->getLoc();
  return getUnknownLoc(getContext());
}

void Value::setNameHint(StringRef name) {
  nameHint = name.empty() ? StringRef() : getContext().saveString(name);
}

unsigned Value::getNumUses() const {
  return unsigned(std::distance(getUses().begin(), getUses().end()));
}

void Value::replaceAllUsesWith(Value *v) {
  assert(v != this && "replacing a value with itself");
  while (firstUse)
    firstUse->set(v);
}

void Value::replaceUsesWithIf(Value *v,
                              llvm::function_ref<bool(OpOperand &)> pred) {
  for (OpOperand &use : llvm::make_early_inc_range(getUses()))
    if (pred(use))
      use.set(v);
}

//===----------------------------------------------------------------------===//
// Operation
//===----------------------------------------------------------------------===//

Operation::Operation(const OperationName *opName, Location loc)
    : opName(opName), loc(loc) {}

Operation::~Operation() {
  assert(!parent && "deleting an operation that is still in a block");
  freeOperands();
}

void Operation::allocateOperands(ArrayRef<Value *> values) {
  numOperands = values.size();
  if (values.empty())
    return;
  operands = static_cast<OpOperand *>(
      ::operator new(sizeof(OpOperand) * values.size()));
  for (unsigned i = 0; i < values.size(); ++i)
    new (&operands[i]) OpOperand(this, values[i]);
}

void Operation::freeOperands() {
  for (unsigned i = 0; i < numOperands; ++i)
    operands[i].~OpOperand();
  if (operands != inlineOperands())
    ::operator delete(operands);
  operands = nullptr;
  numOperands = 0;
}

Operation *Operation::create(Context &ctx, Location loc, StringRef name,
                             ArrayRef<Type> resultTypes,
                             ArrayRef<Value *> operands,
                             ArrayRef<NamedAttribute> attrs,
                             unsigned numRegions) {
  return createImpl(ctx.getOperationName(name), loc, resultTypes, operands,
                    attrs, numRegions);
}

Operation *Operation::createImpl(const OperationName *opName, Location loc,
                                 ArrayRef<Type> resultTypes,
                                 ArrayRef<Value *> operands,
                                 ArrayRef<NamedAttribute> attrs,
                                 unsigned numRegions) {
  // Sorted by name; a later entry for a name wins.
  llvm::SmallVector<NamedAttribute, 4> sorted;
  for (const NamedAttribute &a : attrs) {
    auto it = llvm::lower_bound(
        sorted, a.name,
        [](const NamedAttribute &x, StringRef n) { return x.name < n; });
    if (it != sorted.end() && it->name == a.name)
      it->value = a.value;
    else
      sorted.insert(it, NamedAttribute{opName->ctx->intern(a.name), a.value});
  }
  // One allocation: [Operation][OpResult x N][OpOperand x M][attrs x K].
  static_assert(alignof(OpResult) <= alignof(Operation) &&
                    alignof(OpOperand) <= alignof(OpResult) &&
                    alignof(NamedAttribute) <= alignof(OpOperand),
                "trailing storage must stay aligned");
  static_assert(std::is_trivially_destructible_v<NamedAttribute>,
                "inline attributes are never destroyed");
  void *mem = opName->ctx->getImpl().ops.allocate(
      allocationSize(resultTypes.size(), operands.size(), sorted.size()));
  auto *op = new (mem) Operation(opName, loc);
  if (op->hasTrait(InPlace))
    ++opName->ctx->numInPlaceOps;
  op->numResults = resultTypes.size();
  OpResult *results = op->resultsBegin();
  for (unsigned i = 0; i < resultTypes.size(); ++i)
    new (&results[i]) OpResult(i, resultTypes[i]);
  op->operands = op->inlineOperands();
  op->numOperands = op->numInlineOperands = operands.size();
  for (unsigned i = 0; i < operands.size(); ++i)
    new (&op->operands[i]) OpOperand(op, operands[i]);
  op->numInlineAttrs = sorted.size();
  op->storeAttrs(sorted);
  for (unsigned i = 0; i < numRegions; ++i)
    op->regions.push_back(std::make_unique<Region>(op));
  return op;
}

Operation *Operation::create(Context &ctx, Location loc, OpId id,
                             ArrayRef<Type> resultTypes,
                             ArrayRef<Value *> operands,
                             ArrayRef<NamedAttribute> attrs) {
  return createImpl(ctx.getOperationName(id), loc, resultTypes, operands, attrs,
                    ctx.getOpInfo(id).numRegions);
}

void Operation::destroy() {
  assert(!parent && "destroying an operation that is still in a block");
  dropAllReferences();
  if (hasTrait(InPlace))
    --opName->ctx->numInPlaceOps;
  size_t size = allocationSize(numResults, numInlineOperands, numInlineAttrs);
  Context &ctx = getContext();
  this->~Operation();
  ctx.getImpl().ops.deallocate(this, size);
}

void Operation::remove() {
  if (!parent)
    return;
  parent->ops.remove(*this);
  parent = nullptr;
}

void Operation::erase() {
  assert(use_empty() && "erasing an operation whose results are used");
  remove();
  destroy();
}

bool Operation::isSideEffectFree() const {
  if (hasTrait(NoSideEffects))
    return true;
  if (!hasTrait(RecursivelyPure))
    return false;
  for (const auto &region : regions)
    for (Block &block : *region)
      for (Operation &op : block)
        if (!op.hasTrait(Terminator) && !op.isSideEffectFree())
          return false;
  return true;
}

Region *Operation::getParentRegion() const {
  return parent ? parent->getParent() : nullptr;
}

Operation *Operation::getParentOp() const {
  return parent ? parent->getParentOp() : nullptr;
}

Operation *Operation::getParentOfType(OpId id) const {
  for (const Operation *op = this; op; op = op->getParentOp())
    if (op->is(id))
      return const_cast<Operation *>(op);
  return nullptr;
}

void Operation::setOperands(ArrayRef<Value *> values) {
  if (values.size() == numOperands) {
    for (unsigned i = 0; i < values.size(); ++i)
      operands[i].set(values[i]);
    return;
  }
  llvm::SmallVector<Value *, 4> copy(values.begin(), values.end());
  freeOperands();
  allocateOperands(copy);
}

llvm::SmallVector<Value *, 2> Operation::getResults() const {
  llvm::SmallVector<Value *, 2> out;
  for (unsigned i = 0; i < numResults; ++i)
    out.push_back(getResult(i));
  return out;
}

bool Operation::use_empty() const {
  for (unsigned i = 0; i < numResults; ++i)
    if (!getResult(i)->use_empty())
      return false;
  return true;
}

Attribute Operation::getAttr(StringRef name) const {
  for (const NamedAttribute &a : getAttrs())
    if (a.name == name)
      return a.value;
  return Attribute();
}

void Operation::morphIntoConstant(Attribute value) {
  assert(numResults == 1 && regions.empty() && "not a one-result op");
  Context &ctx = getContext();
  if (hasTrait(InPlace))
    --ctx.numInPlaceOps;
  freeOperands();
  opName = ctx.getOperationName(OpId::Constant);
  NamedAttribute attr{ctx.intern("value"), value};
  storeAttrs(attr);
}

void Operation::storeAttrs(ArrayRef<NamedAttribute> sorted) {
  NamedAttribute *dest = inlineAttrs();
  if (sorted.size() > numInlineAttrs)
    dest = getContext().getImpl().allocator.Allocate<NamedAttribute>(
        sorted.size());
  std::uninitialized_copy(sorted.begin(), sorted.end(), dest);
  attrs = dest;
  numAttrs = sorted.size();
}

void Operation::setAttr(StringRef name, Attribute value) {
  llvm::SmallVector<NamedAttribute, 4> updated(getAttrs().begin(),
                                               getAttrs().end());
  auto it = llvm::lower_bound(
      updated, name,
      [](const NamedAttribute &a, StringRef n) { return a.name < n; });
  if (it != updated.end() && it->name == name)
    it->value = value;
  else
    updated.insert(it, NamedAttribute{getContext().intern(name), value});
  storeAttrs(updated);
}

void Operation::removeAttr(StringRef name) {
  llvm::SmallVector<NamedAttribute, 4> updated(getAttrs().begin(),
                                               getAttrs().end());
  llvm::erase_if(updated,
                 [&](const NamedAttribute &a) { return a.name == name; });
  storeAttrs(updated);
}

bool Operation::isBeforeInBlock(const Operation *other) const {
  assert(parent && parent == other->parent && "ops in different blocks");
  if (!parent->orderValid) {
    unsigned i = 0;
    for (Operation &op : parent->ops) {
      op.orderIndex = i;
      i += Block::kOrderStride;
    }
    parent->orderValid = true;
  }
  return orderIndex < other->orderIndex;
}

void Operation::moveBefore(Operation *other) {
  remove();
  other->getBlock()->insert(Block::iterator(other), this);
}

void Operation::moveAfter(Operation *other) {
  remove();
  other->getBlock()->insert(std::next(Block::iterator(other)), this);
}

void Operation::dropAllReferences() {
  for (OpOperand &o : getOpOperands())
    o.set(nullptr);
  for (auto &region : regions)
    region->dropAllReferences();
}

void Operation::walk(llvm::function_ref<void(Operation *)> fn) {
  for (auto &region : regions)
    for (Block &block : *region)
      for (Operation &op : block.opsPrefetched())
        op.walk(fn);
  fn(this);
}

void Operation::walkPreOrder(llvm::function_ref<void(Operation *)> fn) {
  fn(this);
  for (auto &region : regions)
    for (Block &block : *region) {
      OpStream stream;
      for (Operation &op : block) {
        stream.step(&op);
        op.walkPreOrder(fn);
      }
    }
}

Operation *Operation::clone(IRMapping &map) const {
  llvm::SmallVector<Value *, 4> newOperands;
  for (Value *v : getOperands())
    newOperands.push_back(map.lookupOrDefault(v));
  llvm::SmallVector<Type, 2> types;
  for (unsigned i = 0; i < numResults; ++i)
    types.push_back(getResult(i)->getType());
  Operation *op =
      createImpl(opName, loc, types, newOperands, getAttrs(), regions.size());
  for (unsigned i = 0; i < numResults; ++i) {
    op->getResult(i)->shareNameHint(*getResult(i));
    map.map(getResult(i), op->getResult(i));
  }
  for (unsigned i = 0; i < regions.size(); ++i)
    regions[i]->cloneInto(*op->regions[i], map);
  return op;
}

Operation *Operation::clone() const {
  IRMapping map;
  return clone(map);
}

InFlightDiagnostic Operation::emitError() const {
  return InFlightDiagnostic(getContext(), loc, Severity::Error);
}
InFlightDiagnostic Operation::emitOpError() const {
  InFlightDiagnostic d = emitError();
  d << '\'' << getName() << "' op ";
  return d;
}
InFlightDiagnostic Operation::emitWarning() const {
  return InFlightDiagnostic(getContext(), loc, Severity::Warning);
}
InFlightDiagnostic Operation::emitRemark() const {
  return InFlightDiagnostic(getContext(), loc, Severity::Remark);
}

void Operation::print(llvm::raw_ostream &os) const { printOp(this, os); }

llvm::raw_ostream &irc::operator<<(llvm::raw_ostream &os, const Operation &op) {
  op.print(os);
  return os;
}

//===----------------------------------------------------------------------===//
// Block and Region
//===----------------------------------------------------------------------===//

Block::~Block() {
  dropAllReferences();
  OpStream stream;
  while (!ops.empty()) {
    Operation &op = ops.front();
    stream.step(&op);
    ops.remove(op);
    op.parent = nullptr;
    op.destroy();
  }
}

Operation *Block::getParentOp() const {
  return parent ? parent->getParentOp() : nullptr;
}

BlockArgument *Block::addArgument(Type type, StringRef nameHint) {
  arguments.push_back(
      std::make_unique<BlockArgument>(this, arguments.size(), type));
  arguments.back()->setNameHint(nameHint);
  return arguments.back().get();
}

void Block::eraseArgument(unsigned i) {
  assert(arguments[i]->use_empty() && "erasing a used block argument");
  arguments.erase(arguments.begin() + i);
  for (unsigned j = i; j < arguments.size(); ++j)
    arguments[j]->setArgNumber(j);
}

llvm::SmallVector<Value *, 4> Block::getArguments() const {
  llvm::SmallVector<Value *, 4> out;
  for (const auto &a : arguments)
    out.push_back(a.get());
  return out;
}

void Block::insert(iterator pos, Operation *op) {
  assert(!op->parent && "inserting an operation that is already in a block");
  op->parent = this;
  ops.insert(pos, *op);
  if (!orderValid)
    return;
  // Keep the cached order when there is room for an index between the new
  // op's neighbours: appending, as the parser and builders do, always fits.
  iterator it(op);
  int64_t lo = it == begin() ? -1 : int64_t(std::prev(it)->orderIndex);
  int64_t hi = pos == end() ? lo + 2 * kOrderStride : int64_t(pos->orderIndex);
  if (hi - lo < 2 || hi > int64_t(UINT32_MAX)) {
    orderValid = false;
    return;
  }
  op->orderIndex = unsigned(lo + (hi - lo) / 2);
}

Operation *Block::getTerminator() {
  if (ops.empty() || !ops.back().hasTrait(Terminator))
    return nullptr;
  return &ops.back();
}

void Block::splice(iterator pos, Block &other) {
  for (Operation &op : other.ops)
    op.parent = this;
  ops.splice(pos, other.ops);
  orderValid = false;
}

void Block::dropAllReferences() {
  for (Operation &op : opsPrefetched())
    op.dropAllReferences();
}

Region::~Region() {
  // Blocks may use each other's values: unlink everything before deleting.
  dropAllReferences();
}

Block &Region::emplaceBlock() {
  blocks.push_back(std::make_unique<Block>());
  blocks.back()->parent = this;
  return *blocks.back();
}

void Region::takeBody(Region &other) {
  assert(blocks.empty() && "taking a body into a non-empty region");
  blocks = std::move(other.blocks);
  other.blocks.clear();
  for (auto &b : blocks)
    b->parent = this;
}

void Region::dropAllReferences() {
  for (auto &b : blocks)
    b->dropAllReferences();
}

void Region::cloneInto(Region &dest, IRMapping &map) const {
  for (const auto &block : blocks) {
    Block &nb = dest.emplaceBlock();
    for (unsigned i = 0; i < block->getNumArguments(); ++i) {
      BlockArgument *arg = block->getArgument(i);
      BlockArgument *copy = nb.addArgument(arg->getType());
      copy->shareNameHint(*arg);
      map.map(arg, copy);
    }
  }
  // Clone ops after all block arguments exist.
  for (unsigned b = 0; b < blocks.size(); ++b)
    for (Operation &op : *blocks[b])
      dest.getBlock(b).push_back(op.clone(map));
}
