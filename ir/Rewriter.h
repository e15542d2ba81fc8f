//===- Rewriter.h - IR mutation that keeps use lists exact ------*- C++ -*-===//
//
// Passes change IR through a Rewriter so that use lists stay exact and a
// listener (the greedy rewrite driver's worklist) hears of every inserted,
// modified and erased op.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_REWRITER_H
#define IRC_IR_REWRITER_H

#include "ir/Builder.h"
#include <vector>

namespace irc {

class RewriterListener {
public:
  virtual ~RewriterListener() = default;
  virtual void notifyOpInserted(Operation *op) {}
  /// Called before `op` (and everything nested in it) is deleted.
  virtual void notifyOpErased(Operation *op) {}
  virtual void notifyOpModified(Operation *op) {}
};

class Rewriter : public Builder {
public:
  explicit Rewriter(Context &ctx, RewriterListener *listener = nullptr)
      : Builder(ctx), listener(listener) {}

  Operation *insert(Operation *op) override;

  /// Points every use of `from` at `to`.
  void replaceAllUsesWith(Value *from, Value *to);
  /// Replaces each result of `op` with the matching value, then erases it.
  void replaceOp(Operation *op, llvm::ArrayRef<Value *> newValues);
  /// Turns `op`, which has one result and no regions, into a constant of
  /// `value` in place (Operation::morphIntoConstant).
  void morphIntoConstant(Operation *op, Attribute value);
  /// Erases `op`, whose results must be unused.
  void eraseOp(Operation *op);
  /// From now on, erased ops are unlinked and handed to `sink` instead of
  /// being deleted, so that pointers to them (a worklist's) stay valid until
  /// the owner of `sink` destroys them.
  void deferErasure(std::vector<Operation *> *sink) { erased = sink; }
  void moveOpBefore(Operation *op, Operation *before);
  void moveOpAfter(Operation *op, Operation *after);
  /// Runs `fn`, which changes `op` in place (operands, attributes).
  void modifyOpInPlace(Operation *op, llvm::function_ref<void()> fn);
  /// Moves the ops of `source` before `before`, replacing uses of the
  /// block's arguments with `argValues`; `source` is left empty.
  void inlineBlockBefore(Block &source, Operation *before,
                         llvm::ArrayRef<Value *> argValues);

private:
  RewriterListener *listener;
  std::vector<Operation *> *erased = nullptr;
};

} // namespace irc

#endif // IRC_IR_REWRITER_H
