//===- Region.h - A list of blocks owned by an operation --------*- C++ -*-===//
//
// irc's structured control flow uses single-block regions (prim.if's then and
// else, prim.loop's body, a func's body); the API and text form allow more
// blocks, and each op's verifier says how many it accepts.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_REGION_H
#define IRC_IR_REGION_H

#include "ir/Block.h"
#include <memory>
#include <vector>

namespace irc {

class Region {
public:
  explicit Region(Operation *owner) : owner(owner) {}
  ~Region();

  Operation *getParentOp() const { return owner; }
  bool empty() const { return blocks.empty(); }
  unsigned getNumBlocks() const { return blocks.size(); }
  Block &front() { return *blocks.front(); }
  Block &getBlock(unsigned i) { return *blocks[i]; }
  /// Appends a new empty block.
  Block &emplaceBlock();
  /// Moves all blocks of `other` into this (empty) region.
  void takeBody(Region &other);
  void dropAllReferences();
  /// Clones the blocks of this region into `dest`, remapping through `map`.
  void cloneInto(Region &dest, IRMapping &map) const;

  auto begin() {
    return llvm::pointee_iterator<decltype(blocks.begin())>(blocks.begin());
  }
  auto end() {
    return llvm::pointee_iterator<decltype(blocks.end())>(blocks.end());
  }

private:
  Operation *owner;
  std::vector<std::unique_ptr<Block>> blocks;
};

} // namespace irc

#endif // IRC_IR_REGION_H
