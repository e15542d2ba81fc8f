//===- Operation.h - The generic operation ----------------------*- C++ -*-===//
//
// An Operation has a name (`aten.conv2d`), operands, results, sorted named
// attributes, regions and a location. Every op points at the context's
// OperationName record for its name, which holds the OpInfo table entry of
// registered ops (unregistered ones, allowed only on request, have none).
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_OPERATION_H
#define IRC_IR_OPERATION_H

#include "ir/Attributes.h"
#include "ir/Diagnostics.h"
#include "ir/OpDefinition.h"
#include "ir/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/ilist_node.h"
#include "llvm/Support/Casting.h"
#include <memory>

namespace irc {
class Block;
class Region;

/// An op name with its table entry (null when unregistered) and context;
/// one per name in a context, shared by every op of that name.
struct OperationName {
  Context *ctx;
  llvm::StringRef name;
  const OpInfo *info;
};

/// Maps values (and blocks) of cloned IR to their copies.
class IRMapping {
public:
  void map(Value *from, Value *to) { values[from] = to; }
  Value *lookupOrDefault(Value *v) const {
    auto it = values.find(v);
    return it == values.end() ? v : it->second;
  }
  Value *lookupOrNull(Value *v) const { return values.lookup(v); }

private:
  llvm::DenseMap<Value *, Value *> values;
};

/// The operands of an operation, seen as values.
class OperandRange {
public:
  explicit OperandRange(llvm::ArrayRef<OpOperand> ops) : ops(ops) {}
  using iterator =
      llvm::mapped_iterator<const OpOperand *, Value *(*)(const OpOperand &)>;
  iterator begin() const { return iterator(ops.begin(), &get); }
  iterator end() const { return iterator(ops.end(), &get); }
  size_t size() const { return ops.size(); }
  bool empty() const { return ops.empty(); }
  Value *operator[](size_t i) const { return ops[i].get(); }

private:
  static Value *get(const OpOperand &o) { return o.get(); }
  llvm::ArrayRef<OpOperand> ops;
};

class Operation : public llvm::ilist_node<Operation> {
public:
  /// Creates a detached operation. `name` must be registered unless the
  /// context allows unregistered ops.
  static Operation *create(Context &ctx, Location loc, llvm::StringRef name,
                           llvm::ArrayRef<Type> resultTypes,
                           llvm::ArrayRef<Value *> operands,
                           llvm::ArrayRef<NamedAttribute> attrs = {},
                           unsigned numRegions = 0);
  static Operation *create(Context &ctx, Location loc, OpId id,
                           llvm::ArrayRef<Type> resultTypes,
                           llvm::ArrayRef<Value *> operands,
                           llvm::ArrayRef<NamedAttribute> attrs = {});

  Operation(const Operation &) = delete;
  Operation &operator=(const Operation &) = delete;

  /// Deletes a detached operation (and everything nested in it).
  void destroy();
  /// Unlinks from the parent block and deletes. Results must be unused.
  void erase();
  /// Unlinks from the parent block without deleting.
  void remove();

  Context &getContext() const { return *opName->ctx; }
  llvm::StringRef getName() const { return opName->name; }
  OpId getId() const { return info() ? info()->id : OpId::Unregistered; }
  bool is(OpId id) const { return getId() == id; }
  const OpInfo *getInfo() const { return info(); }
  bool isRegistered() const { return info() != nullptr; }
  bool hasTrait(OpTrait t) const { return info() && info()->hasTrait(t); }
  /// True when the op and everything nested in it has no side effects.
  bool isSideEffectFree() const;

  Location getLoc() const { return loc; }
  void setLoc(Location l) { loc = l; }

  Block *getBlock() const { return parent; }
  Region *getParentRegion() const;
  Operation *getParentOp() const;
  /// The closest ancestor (or this op) with the given id.
  Operation *getParentOfType(OpId id) const;

  // Operands.
  unsigned getNumOperands() const { return numOperands; }
  Value *getOperand(unsigned i) const { return operands[i].get(); }
  void setOperand(unsigned i, Value *v) { operands[i].set(v); }
  OperandRange getOperands() const {
    return OperandRange({operands, numOperands});
  }
  llvm::MutableArrayRef<OpOperand> getOpOperands() {
    return {operands, numOperands};
  }
  /// Replaces all operands (the count may change).
  void setOperands(llvm::ArrayRef<Value *> values);

  // Results.
  unsigned getNumResults() const { return numResults; }
  Value *getResult(unsigned i) const { return &resultsBegin()[i]; }
  llvm::SmallVector<Value *, 2> getResults() const;
  bool use_empty() const;

  // Attributes, kept sorted by name.
  llvm::ArrayRef<NamedAttribute> getAttrs() const { return {attrs, numAttrs}; }
  Attribute getAttr(llvm::StringRef name) const;
  void setAttr(llvm::StringRef name, Attribute value);
  void removeAttr(llvm::StringRef name);

  /// Turns this op, which has one result and no regions, into
  /// `constant value` in place: its result, uses and location stay. A fold
  /// then allocates nothing and walks no use list, and the constant stays
  /// where the op was in memory (like SelectionDAG's MorphNodeTo).
  void morphIntoConstant(Attribute value);

  // Regions.
  unsigned getNumRegions() const { return regions.size(); }
  Region &getRegion(unsigned i) const { return *regions[i]; }

  /// True when this op comes before `other`, which is in the same block.
  /// Amortized O(1): the block numbers its ops when first asked after a
  /// change.
  bool isBeforeInBlock(const Operation *other) const;

  /// Moves this op (detaching it if needed) right before/after `other`.
  void moveBefore(Operation *other);
  void moveAfter(Operation *other);
  /// Unlinks every operand of this op and of the ops nested in it.
  void dropAllReferences();

  /// Post-order walk over this op and everything nested in it.
  void walk(llvm::function_ref<void(Operation *)> fn);
  /// Pre-order walk.
  void walkPreOrder(llvm::function_ref<void(Operation *)> fn);

  /// Deep copy; values defined outside are remapped through `map`, and the
  /// copies of this op's results and nested values are added to it.
  Operation *clone(IRMapping &map) const;
  Operation *clone() const;

  InFlightDiagnostic emitError() const;
  /// An error prefixed with `'name' op `.
  InFlightDiagnostic emitOpError() const;
  InFlightDiagnostic emitWarning() const;
  InFlightDiagnostic emitRemark() const;

  /// Prints this op in the text form (for debugging and diagnostics).
  void print(llvm::raw_ostream &os) const;

private:
  Operation(const OperationName *opName, Location loc);
  ~Operation();
  const OpInfo *info() const { return opName->info; }
  /// Sets the attributes to `sorted` (sorted by name, unique): in the op's
  /// own allocation when they fit there, else in the context (ops keep a
  /// pointer, not a vector; replaced arrays are freed with the context, as
  /// attributes rarely change after an op is made).
  void storeAttrs(llvm::ArrayRef<NamedAttribute> sorted);
  static Operation *createImpl(const OperationName *opName, Location loc,
                               llvm::ArrayRef<Type> resultTypes,
                               llvm::ArrayRef<Value *> operands,
                               llvm::ArrayRef<NamedAttribute> attrs,
                               unsigned numRegions);

  friend class Block;
  /// Results, operands and attributes live in the same allocation as the
  /// op, after it (one allocation per op, from the context's OpAllocator),
  /// so that reading a constant's value does not miss the cache a second
  /// time. OpOperands are linked into use lists by address: when the operand
  /// count changes they move to a heap array.
  void allocateOperands(llvm::ArrayRef<Value *> values);
  void freeOperands();
  OpResult *resultsBegin() const {
    return reinterpret_cast<OpResult *>(const_cast<Operation *>(this) + 1);
  }
  OpOperand *inlineOperands() const {
    return reinterpret_cast<OpOperand *>(resultsBegin() + numResults);
  }
  NamedAttribute *inlineAttrs() const {
    return reinterpret_cast<NamedAttribute *>(inlineOperands() +
                                              numInlineOperands);
  }
  /// Bytes of the op's allocation: the op, its results and the operands and
  /// attributes it was created with.
  static size_t allocationSize(unsigned numResults, unsigned numOperands,
                               unsigned numAttrs) {
    return sizeof(Operation) + sizeof(OpResult) * numResults +
           sizeof(OpOperand) * numOperands + sizeof(NamedAttribute) * numAttrs;
  }

  // The fields every walk reads (the list links, in the base class, then
  // the name, regions, counts, operands and parent) fill the op's first 64
  // bytes: a walk over a block that is not in cache loads one or two cache
  // lines per op for them, not two or three.
  const OperationName *opName;
  llvm::SmallVector<std::unique_ptr<Region>, 0> regions;
  unsigned numResults = 0;
  unsigned numOperands = 0;
  OpOperand *operands = nullptr;
  Block *parent = nullptr;
  Location loc;
  const NamedAttribute *attrs = nullptr;
  unsigned numAttrs = 0;
  unsigned numInlineOperands = 0;
  /// Attributes the op's allocation has room for.
  unsigned numInlineAttrs = 0;
  /// Position in the parent block, valid while the block's order is.
  mutable unsigned orderIndex = 0;
};

llvm::raw_ostream &operator<<(llvm::raw_ostream &os, const Operation &op);

inline Operation *OpResult::getOwner() const {
  // Results follow their operation in memory: step back over the results
  // before this one, then over the operation.
  return reinterpret_cast<Operation *>(const_cast<OpResult *>(this - index)) -
         1;
}

} // namespace irc

#endif // IRC_IR_OPERATION_H
