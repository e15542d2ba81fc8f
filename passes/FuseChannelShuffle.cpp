//===- FuseChannelShuffle.cpp - fuse-channel-shuffle ----------------------===//
//
// Matches: the channel shuffle written out as views, as ShuffleNet does,
//   %v = aten.view(%x, [N, g, C/g, ...])      (or aten.reshape)
//   %t = aten.transpose.int(%v, 1, 2)         (or 2, 1)
//   %c = aten.contiguous(%t, 0)               (optional before a reshape)
//   %y = aten.view(%c, [N, C, ...])           (or aten.reshape)
// where %x has a static shape (N, C, ...) with 1 < g < C, %y has %x's shape,
// and %v, %t and %c have no other use.
// Produces: %y = aten.channel_shuffle(%x, g), one op a backend can run in
// place of a 5-d transpose (XNNPACK's channel shuffle on NHWC data). With
// 1 < g < C the transpose is not contiguous, so the original %y is a new
// tensor like channel_shuffle's, never an alias of %x.
//
//===----------------------------------------------------------------------===//
#include "ir/Module.h"
#include "passes/Pass.h"
#include "passes/PatternRewrite.h"

using namespace irc;

namespace {
bool isReshape(Operation *op) {
  return op && (op->is(OpId::AtenView) || op->is(OpId::AtenReshape));
}

/// The static shape of `v`, or none.
std::optional<llvm::ArrayRef<int64_t>> staticShape(Value *v) {
  Type t = v->getType();
  if (!t.isTensor() || !t.hasStaticShape())
    return std::nullopt;
  return t.getShape();
}

struct FuseChannelShuffle : RewritePattern {
  explicit FuseChannelShuffle(OpId id) : RewritePattern(id) {}

  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    // Walk up from the final reshape.
    Operation *def = op->getOperand(0)->getDefiningOp();
    if (def && def->is(OpId::AtenContiguous)) {
      Attribute format = getConstantValue(def->getOperand(1));
      if (!format || !format.is(Attribute::Kind::Int) || format.getInt() != 0 ||
          !def->getResult(0)->hasOneUse())
        return failure();
      def = def->getOperand(0)->getDefiningOp();
    } else if (!op->is(OpId::AtenReshape)) {
      return failure(); // a view of the transpose fails at run time
    }
    Operation *transpose = def;
    if (!transpose || !transpose->is(OpId::AtenTransposeInt) ||
        !transpose->getResult(0)->hasOneUse())
      return failure();
    int64_t d0, d1;
    if (!matchConstantInt(transpose->getOperand(1), d0) ||
        !matchConstantInt(transpose->getOperand(2), d1) ||
        std::min(d0, d1) != 1 || std::max(d0, d1) != 2)
      return failure();
    Operation *split = transpose->getOperand(0)->getDefiningOp();
    if (!isReshape(split) || !split->getResult(0)->hasOneUse())
      return failure();
    Value *x = split->getOperand(0);
    auto in = staticShape(x), grouped = staticShape(split->getResult(0)),
         out = staticShape(op->getResult(0));
    if (!in || !grouped || !out || *in != *out || in->size() < 3 ||
        grouped->size() != in->size() + 1)
      return failure();
    const int64_t c = (*in)[1], g = (*grouped)[1];
    if (g <= 1 || g >= c || (*grouped)[0] != (*in)[0] ||
        g * (*grouped)[2] != c ||
        !std::equal(in->begin() + 2, in->end(), grouped->begin() + 3))
      return failure();
    rw.setInsertionPoint(op);
    Location loc = op->getLoc();
    Operation *shuffle =
        rw.create(loc, OpId::AtenChannelShuffle, {op->getResult(0)->getType()},
                  {x, rw.createIntConstant(loc, g)});
    rw.replaceOp(op, {shuffle->getResult(0)});
    return success();
  }
};

class FuseChannelShufflePass : public Pass {
public:
  llvm::StringRef getArgument() const override {
    return "fuse-channel-shuffle";
  }

  LogicalResult run(Operation *module) override {
    PatternList patterns;
    patterns.push_back(std::make_unique<FuseChannelShuffle>(OpId::AtenView));
    patterns.push_back(std::make_unique<FuseChannelShuffle>(OpId::AtenReshape));
    for (FuncOp func : getFunctions(module))
      numFused +=
          applyPatternsGreedily(func.getOperation(), patterns).numRewritten;
    return success();
  }

private:
  Statistic numFused{*this, "num-fused",
                     "Channel shuffles written as views made one op"};
};
} // namespace

std::unique_ptr<Pass> irc::createFuseChannelShufflePass() {
  return std::make_unique<FuseChannelShufflePass>();
}
