//===- Builder.h - Creating operations at an insertion point ----*- C++ -*-===//
#ifndef IRC_IR_BUILDER_H
#define IRC_IR_BUILDER_H

#include "ir/Block.h"
#include "ir/Context.h"
#include "ir/Region.h"

namespace irc {

class Builder {
public:
  explicit Builder(Context &ctx) : ctx(ctx) {}
  virtual ~Builder() = default;

  Context &getContext() const { return ctx; }

  // Insertion point.
  void setInsertionPoint(Block *block, Block::iterator pos) {
    this->block = block;
    this->pos = pos;
  }
  void setInsertionPoint(Operation *op) {
    setInsertionPoint(op->getBlock(), Block::iterator(op));
  }
  void setInsertionPointAfter(Operation *op) {
    setInsertionPoint(op->getBlock(), std::next(Block::iterator(op)));
  }
  void setInsertionPointToStart(Block *b) { setInsertionPoint(b, b->begin()); }
  void setInsertionPointToEnd(Block *b) { setInsertionPoint(b, b->end()); }
  Block *getInsertionBlock() const { return block; }
  Block::iterator getInsertionPoint() const { return pos; }

  /// Inserts a detached op at the insertion point.
  virtual Operation *insert(Operation *op);

  /// Creates an op at the insertion point with explicit result types.
  Operation *create(Location loc, OpId id, llvm::ArrayRef<Type> resultTypes,
                    llvm::ArrayRef<Value *> operands,
                    llvm::ArrayRef<NamedAttribute> attrs = {});
  /// Creates a single-result op whose result type comes from the op's shape
  /// rule (an unranked tensor of unknown dtype when it has none).
  Operation *createInferred(Location loc, OpId id,
                            llvm::ArrayRef<Value *> operands);
  /// `constant` op producing `value` with type `type`.
  Value *createConstant(Location loc, Attribute value, Type type);
  Value *createIntConstant(Location loc, int64_t v);
  Value *createFloatConstant(Location loc, double v);
  Value *createBoolConstant(Location loc, bool v);

  /// A tensor constant of `type` holding `data`: inline (`dense`) when it
  /// has at most `kInlineElements` elements, else a new blob in the weight
  /// store referred to by name, so large tensors print by reference.
  Attribute getTensorAttr(Type type, llvm::ArrayRef<char> data);
  static constexpr int64_t kInlineElements = 16;

  /// Clones `op` at the insertion point.
  Operation *clone(Operation &op, IRMapping &map);

  NamedAttribute getNamedAttr(llvm::StringRef name, Attribute value) {
    return {ctx.intern(name), value};
  }

protected:
  Context &ctx;
  Block *block = nullptr;
  Block::iterator pos;
};

} // namespace irc

#endif // IRC_IR_BUILDER_H
