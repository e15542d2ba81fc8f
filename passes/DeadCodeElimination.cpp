//===- DeadCodeElimination.cpp - dce --------------------------------------===//
//
// Matches: ops whose results are all unused and that have no side effects
// (NoSideEffects or Pure in the op table; prim.if and prim.loop when every
// op in their regions has none), terminators excepted.
// Produces: the same IR without them. Blocks are walked backwards and nested
// regions before their op, so a whole dead chain goes in one walk.
//
//===----------------------------------------------------------------------===//
#include "ir/Region.h"
#include "passes/Pass.h"

using namespace irc;

namespace {
class DCEPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "dce"; }

  LogicalResult run(Operation *module) override {
    for (Block &block : module->getRegion(0))
      eraseDeadOps(block);
    return success();
  }

private:
  void eraseDeadOps(Block &block) {
    OpStream stream(OpStream::Backward);
    for (auto it = block.getOperations().rbegin(),
              e = block.getOperations().rend();
         it != e;) {
      // Step past the op first: erasing it invalidates only its iterator.
      Operation *op = &*it++;
      if (it != e)
        stream.step(&*it);
      for (unsigned i = 0; i < op->getNumRegions(); ++i)
        for (Block &nested : op->getRegion(i))
          eraseDeadOps(nested);
      if (op->getNumResults() && op->use_empty() && !op->hasTrait(Terminator) &&
          op->isSideEffectFree()) {
        op->erase();
        ++numErased;
      }
    }
  }

  Statistic numErased{*this, "num-erased", "Operations erased"};
};
} // namespace

std::unique_ptr<Pass> irc::createDCEPass() {
  return std::make_unique<DCEPass>();
}
