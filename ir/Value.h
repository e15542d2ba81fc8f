//===- Value.h - SSA values and their use lists -----------------*- C++ -*-===//
//
// A Value is an operation result or a block argument. Each value keeps an
// exact intrusive list of the operand slots (OpOperand) that use it, so
// replaceAllUsesWith touches only real uses and use counts are never stale.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_VALUE_H
#define IRC_IR_VALUE_H

#include "ir/Location.h"
#include "ir/Types.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/iterator_range.h"
#include <iterator>

namespace irc {
class Block;
class Operation;
class Value;

/// One operand slot of an operation, linked into its value's use list.
class OpOperand {
public:
  OpOperand(Operation *owner, Value *value) : owner(owner) { set(value); }
  OpOperand(const OpOperand &) = delete;
  OpOperand &operator=(const OpOperand &) = delete;
  ~OpOperand() { removeFromCurrent(); }

  Value *get() const { return value; }
  void set(Value *v);
  Operation *getOwner() const { return owner; }
  unsigned getOperandNumber() const;
  OpOperand *getNextUse() const { return next; }

private:
  friend class Value;
  void removeFromCurrent();
  Value *value = nullptr;
  Operation *owner;
  OpOperand *next = nullptr;
  OpOperand **prevNext = nullptr;
};

/// Forward iterator over the uses of a value.
class UseIterator {
public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = OpOperand;
  using difference_type = std::ptrdiff_t;
  using pointer = OpOperand *;
  using reference = OpOperand &;

  explicit UseIterator(OpOperand *use = nullptr) : use(use) {}
  OpOperand &operator*() const { return *use; }
  OpOperand *operator->() const { return use; }
  UseIterator &operator++() {
    use = use->getNextUse();
    return *this;
  }
  UseIterator operator++(int) {
    UseIterator tmp = *this;
    ++*this;
    return tmp;
  }
  bool operator==(const UseIterator &o) const { return use == o.use; }
  bool operator!=(const UseIterator &o) const { return use != o.use; }

private:
  OpOperand *use;
};

class Value {
public:
  enum class Kind : uint8_t { OpResult, BlockArgument };

  Value(const Value &) = delete;
  Value &operator=(const Value &) = delete;

  Kind getKind() const { return kind; }
  Type getType() const { return type; }
  void setType(Type t) { type = t; }
  Context &getContext() const { return type.getContext(); }

  /// The operation defining this value, or null for a block argument.
  Operation *getDefiningOp() const;
  /// The block that holds the definition.
  Block *getParentBlock() const;
  Location getLoc() const;

  bool use_empty() const { return firstUse == nullptr; }
  bool hasOneUse() const { return firstUse && !firstUse->getNextUse(); }
  unsigned getNumUses() const;
  llvm::iterator_range<UseIterator> getUses() const {
    return {UseIterator(firstUse), UseIterator()};
  }
  /// Operations using this value (one entry per use).
  auto getUsers() const {
    return llvm::map_range(getUses(),
                           [](OpOperand &u) { return u.getOwner(); });
  }

  /// Points every use of this value at `v` instead.
  void replaceAllUsesWith(Value *v);
  /// Points the uses for which `pred` holds at `v` instead.
  void replaceUsesWithIf(Value *v, llvm::function_ref<bool(OpOperand &)> pred);

  /// The source-level name (`%x` in text, a TorchScript variable name); the
  /// printer keeps it when it is unique and numbers values without one.
  llvm::StringRef getNameHint() const { return nameHint; }
  /// Sets the hint (copied into the context).
  void setNameHint(llvm::StringRef name);
  /// Gives this value the same hint as `other`, without a copy.
  void shareNameHint(const Value &other) { nameHint = other.nameHint; }

protected:
  Value(Kind kind, Type type, unsigned index)
      : type(type), kind(kind), index(index) {}

private:
  friend class OpOperand;
  Type type;
  OpOperand *firstUse = nullptr;
  llvm::StringRef nameHint;
  Kind kind;

protected:
  /// Result or argument number (kept here, in what would be padding).
  uint32_t index;
};

/// A result of an operation. Results are stored right after their
/// operation, so the owner is found from the result number.
class OpResult : public Value {
public:
  OpResult(unsigned index, Type type) : Value(Kind::OpResult, type, index) {}
  inline Operation *getOwner() const; // defined in Operation.h
  unsigned getResultNumber() const { return index; }
  static bool classof(const Value *v) { return v->getKind() == Kind::OpResult; }
};

class BlockArgument : public Value {
public:
  BlockArgument(Block *owner, unsigned index, Type type)
      : Value(Kind::BlockArgument, type, index), owner(owner) {}
  Block *getOwner() const { return owner; }
  unsigned getArgNumber() const { return index; }
  void setArgNumber(unsigned i) { index = i; }
  static bool classof(const Value *v) {
    return v->getKind() == Kind::BlockArgument;
  }

private:
  Block *owner;
};

} // namespace irc

#endif // IRC_IR_VALUE_H
