//===- UnrollConstantLoops.cpp - unroll-constant-loops
//----------------------===//
//
// Matches: a prim.loop that is a for-loop with a constant trip count N,
// 0 <= N <= max-trip-count: its initial condition is the constant true and
// its body yields the constant true as the next condition.
// Produces: N copies of the body in sequence before the loop, each with the
// iteration number as a constant and the previous copy's carried values; the
// loop's results become the last copy's values. Inner loops are unrolled
// first. While-loops and larger or unknown trip counts are left alone.
//
//===----------------------------------------------------------------------===//
#include "ir/Rewriter.h"
#include "passes/Pass.h"

using namespace irc;

namespace {
bool isConstantTrue(Value *v) {
  Attribute a = getConstantValue(v);
  return a && a.is(Attribute::Kind::Bool) && a.getBool();
}

class UnrollConstantLoopsPass : public Pass {
public:
  llvm::StringRef getArgument() const override {
    return "unroll-constant-loops";
  }

  LogicalResult run(Operation *module) override {
    llvm::SmallVector<Operation *, 8> loops;
    module->walk([&](Operation *op) {
      if (op->is(OpId::PrimLoop))
        loops.push_back(op); // post-order: inner loops first
    });
    for (Operation *loop : loops)
      if (tryUnroll(loop))
        ++numUnrolled;
    return success();
  }

private:
  bool tryUnroll(Operation *loop) {
    int64_t trip;
    Block &body = loop->getRegion(0).front();
    Operation *yield = body.getTerminator();
    if (!matchConstantInt(loop->getOperand(0), trip) || trip > maxTripCount ||
        !isConstantTrue(loop->getOperand(1)) ||
        !isConstantTrue(yield->getOperand(0)))
      return false;
    Rewriter rewriter(loop->getContext());
    rewriter.setInsertionPoint(loop);
    auto carried = llvm::to_vector<4>(loop->getOperands());
    carried.erase(carried.begin(), carried.begin() + 2);
    for (int64_t i = 0; i < trip; ++i) {
      IRMapping map;
      map.map(body.getArgument(0),
              rewriter.createIntConstant(loop->getLoc(), i));
      for (unsigned j = 0; j < carried.size(); ++j)
        map.map(body.getArgument(j + 1), carried[j]);
      for (Operation &op : body)
        if (&op != yield)
          rewriter.clone(op, map);
      for (unsigned j = 0; j < carried.size(); ++j)
        carried[j] = map.lookupOrDefault(yield->getOperand(j + 1));
    }
    rewriter.replaceOp(loop, carried);
    return true;
  }

  IntOption maxTripCount{*this, "max-trip-count",
                         "Largest trip count to unroll", 16};
  Statistic numUnrolled{*this, "num-unrolled", "Loops unrolled"};
};
} // namespace

std::unique_ptr<Pass> irc::createUnrollConstantLoopsPass() {
  return std::make_unique<UnrollConstantLoopsPass>();
}
