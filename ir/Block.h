//===- Block.h - A list of operations with arguments ------------*- C++ -*-===//
#ifndef IRC_IR_BLOCK_H
#define IRC_IR_BLOCK_H

#include "ir/OpStream.h"
#include "ir/Operation.h"
#include "llvm/ADT/iterator_range.h"
#include "llvm/ADT/simple_ilist.h"

namespace irc {

class Block {
public:
  using OpList = llvm::simple_ilist<Operation>;
  using iterator = OpList::iterator;

  Block() = default;
  Block(const Block &) = delete;
  Block &operator=(const Block &) = delete;
  /// Destroys the operations; values they define must not be used outside.
  ~Block();

  Region *getParent() const { return parent; }
  Operation *getParentOp() const;

  // Arguments.
  BlockArgument *addArgument(Type type, llvm::StringRef nameHint = "");
  /// Removes argument `i`, which must be unused.
  void eraseArgument(unsigned i);
  unsigned getNumArguments() const { return arguments.size(); }
  BlockArgument *getArgument(unsigned i) const { return arguments[i].get(); }
  llvm::SmallVector<Value *, 4> getArguments() const;

  // Operations.
  OpList &getOperations() { return ops; }
  iterator begin() { return ops.begin(); }
  iterator end() { return ops.end(); }
  bool empty() const { return ops.empty(); }
  Operation &front() { return ops.front(); }
  Operation &back() { return ops.back(); }
  void push_back(Operation *op) { insert(end(), op); }
  void push_front(Operation *op) { insert(begin(), op); }
  /// Inserts a detached operation before `pos`.
  void insert(iterator pos, Operation *op);
  /// The last op if it is a terminator, else null.
  Operation *getTerminator();

  /// The ops, for a loop that walks a block which may not fit in the cache
  /// and may erase the op it is given: each step finds the next op before
  /// the body runs (like llvm::make_early_inc_range) and streams the memory
  /// from it on into the cache (OpStream), so that the misses of the ops
  /// ahead overlap the body's work.
  auto opsPrefetched() {
    return llvm::make_range(PrefetchIterator(begin(), end()),
                            PrefetchIterator(end(), end()));
  }

  /// Moves every operation of `other` before `pos` in this block.
  void splice(iterator pos, Block &other);

  /// Unlinks the operands of every nested op (before a bulk delete).
  void dropAllReferences();

private:
  /// Hands out the op it points at and steps past it; a range-for derefs
  /// each position once.
  class PrefetchIterator {
  public:
    PrefetchIterator(iterator it, iterator end) : it(it), end(end) {}
    Operation &operator*() {
      Operation &op = *it++;
      if (it != end)
        stream.step(&*it);
      return op;
    }
    PrefetchIterator &operator++() { return *this; }
    bool operator!=(const PrefetchIterator &o) const { return it != o.it; }

  private:
    iterator it, end;
    OpStream stream;
  };

  friend class Region;
  friend class Operation;
  Region *parent = nullptr;
  /// Whether the ops' orderIndex values are current. Indices are spaced
  /// kOrderStride apart so that ops inserted later usually fit between.
  static constexpr unsigned kOrderStride = 16;
  mutable bool orderValid = true;
  llvm::SmallVector<std::unique_ptr<BlockArgument>, 2> arguments;
  OpList ops;
};

} // namespace irc

#endif // IRC_IR_BLOCK_H
