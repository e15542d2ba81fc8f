//===- Conv1dToConv2d.cpp - conv1d-to-conv2d ------------------------------===//
//
// Matches: aten.conv1d and aten.conv1d.padding (str padding) whose stride,
// dilation and (int) padding are constant one-element lists. PyTorch's
// transformConv1dToConv2d, which lets backends with only a 2-d convolution run
// 1-d ones. Produces: aten.unsqueeze(x, -2) -> aten.conv2d (or
// aten.conv2d.padding with the same str) with stride [1, s], padding [0, p],
// dilation [1, d] -> aten.squeeze.dim(y, -2). Dim -2 rather than PyTorch's 2
// also serves an unbatched (C, L) input. A constant (O, I, K) weight becomes an
// (O, I, 1, K) constant over the same bytes (a module const `@<name>.conv2d`
// referring to the same blob); any other weight gets aten.unsqueeze(w, 2).
// Result types are inferred; the squeeze keeps the conv1d's type.
//
//===----------------------------------------------------------------------===//
#include "ir/Module.h"
#include "passes/ConstantTensors.h"
#include "passes/Pass.h"
#include "passes/PatternRewrite.h"

using namespace irc;

namespace {
/// A constant one-element int list (`constant [2]` or a prim.list_construct
/// of one constant; the verifier keeps plain ints out of int[1] operands).
bool matchOneInt(Value *v, int64_t &out) {
  llvm::SmallVector<int64_t, 2> list;
  if (!matchConstantIntList(v, list) || list.size() != 1)
    return false;
  out = list[0];
  return true;
}

struct Conv1dToConv2d : RewritePattern {
  explicit Conv1dToConv2d(OpId id) : RewritePattern(id) {}

  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    // (input, weight, bias, stride, padding, dilation, groups)
    bool strPadding = op->is(OpId::AtenConv1dPadding);
    int64_t stride, padding = 0, dilation;
    if (!matchOneInt(op->getOperand(3), stride) ||
        !matchOneInt(op->getOperand(5), dilation) ||
        (!strPadding && !matchOneInt(op->getOperand(4), padding)))
      return failure();
    Context &ctx = rw.getContext();
    Location loc = op->getLoc();
    rw.setInsertionPoint(op);
    auto intList = [&](int64_t a, int64_t b) {
      return rw.createConstant(
          loc, getListAttr(ctx, {getIntAttr(ctx, a), getIntAttr(ctx, b)}),
          getListType(getIntType(ctx)));
    };
    Value *minusTwo = rw.createIntConstant(loc, -2);
    Value *input = rw.createInferred(loc, OpId::AtenUnsqueeze,
                                     {op->getOperand(0), minusTwo})
                       ->getResult(0);
    Value *weight;
    std::optional<ConstantTensor> w = matchConstantTensor(op->getOperand(1));
    if (w && w->getType().getRank() == 3) {
      llvm::ArrayRef<int64_t> s = w->getType().getShape();
      Type type =
          getTensorType(ctx, {s[0], s[1], 1, s[2]}, w->getType().getDType());
      weight = createReshapedConstant(rw, loc, *w, type, ".conv2d");
    } else {
      weight =
          rw.createInferred(loc, OpId::AtenUnsqueeze,
                            {op->getOperand(1), rw.createIntConstant(loc, 2)})
              ->getResult(0);
    }
    Value *paddingValue = strPadding ? op->getOperand(4) : intList(0, padding);
    Value *conv =
        rw.createInferred(
              loc, strPadding ? OpId::AtenConv2dPadding : OpId::AtenConv2d,
              {input, weight, op->getOperand(2), intList(1, stride),
               paddingValue, intList(1, dilation), op->getOperand(6)})
            ->getResult(0);
    Operation *squeeze =
        rw.createInferred(loc, OpId::AtenSqueezeDim, {conv, minusTwo});
    Type type = op->getResult(0)->getType();
    if (!isRefinementOf(squeeze->getResult(0)->getType(), type))
      squeeze->getResult(0)->setType(type);
    rw.replaceOp(op, {squeeze->getResult(0)});
    return success();
  }
};

class Conv1dToConv2dPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "conv1d-to-conv2d"; }

  LogicalResult run(Operation *module) override {
    PatternList patterns;
    patterns.push_back(std::make_unique<Conv1dToConv2d>(OpId::AtenConv1d));
    patterns.push_back(
        std::make_unique<Conv1dToConv2d>(OpId::AtenConv1dPadding));
    for (FuncOp func : getFunctions(module))
      numRewritten +=
          applyPatternsGreedily(func.getOperation(), patterns).numRewritten;
    return success();
  }

private:
  Statistic numRewritten{*this, "num-rewritten",
                         "conv1d ops turned into conv2d"};
};
} // namespace

std::unique_ptr<Pass> irc::createConv1dToConv2dPass() {
  return std::make_unique<Conv1dToConv2dPass>();
}
