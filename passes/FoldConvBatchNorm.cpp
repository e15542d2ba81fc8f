//===- FoldConvBatchNorm.cpp - fold-conv-bn -------------------------------===//
//
// Matches: an eval-mode aten.batch_norm (`training` a constant false,
// constant eps, running_mean and running_var, weight and bias constant or
// none) whose input is the only use of an aten.conv1d, aten.conv2d,
// aten.conv3d (or their str-padding overloads) or
// aten.conv_transpose2d.input with a constant weight and a constant or none
// bias: PyTorch's FoldConvBatchNorm, on the frozen graph rather than on
// module calls, so functional batch_norm and conv1d + BatchNorm1d fold too.
// Produces: the conv with a folded weight and bias, W' = W * gamma / sqrt(var
// + eps) per output channel and b' = (b - mean) * gamma / sqrt(var + eps) +
// beta, computed in double and stored in the weight's dtype as new module
// consts (`@self.conv1.weight.folded`); the batch_norm is erased.
//
//===----------------------------------------------------------------------===//
#include "ir/Module.h"
#include "passes/ConstantTensors.h"
#include "passes/Pass.h"
#include "passes/PatternRewrite.h"

using namespace irc;

namespace {
struct FoldConvBatchNorm : RewritePattern {
  FoldConvBatchNorm() : RewritePattern(OpId::AtenBatchNorm) {}

  LogicalResult matchAndRewrite(Operation *bn, Rewriter &rw) const override {
    Value *input = bn->getOperand(0);
    Operation *conv = input->getDefiningOp();
    if (!conv || !isOnlyDataUse(input, bn))
      return failure();
    // The transposed conv's weight is (I, O / groups, k...): output
    // channels index dim 1 within each group.
    bool transposed = conv->is(OpId::AtenConvTranspose2dInput);
    unsigned rank;
    if (conv->is(OpId::AtenConv1d) || conv->is(OpId::AtenConv1dPadding))
      rank = 3;
    else if (conv->is(OpId::AtenConv2d) || conv->is(OpId::AtenConv2dPadding) ||
             transposed)
      rank = 4;
    else if (conv->is(OpId::AtenConv3d))
      rank = 5;
    else
      return failure();
    int64_t groups = 1;
    if (transposed && !matchConstantInt(conv->getOperand(6), groups))
      return failure();
    std::optional<ConstantTensor> weight =
        matchConstantTensor(conv->getOperand(1));
    if (!weight || weight->getType().getRank() != rank)
      return failure();
    return foldBatchNormInto(rw, conv, bn, *weight, transposed ? 1 : 0,
                             transposed ? groups : 1);
  }
};

class FoldConvBatchNormPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "fold-conv-bn"; }

  LogicalResult run(Operation *module) override {
    PatternList patterns;
    patterns.push_back(std::make_unique<FoldConvBatchNorm>());
    for (FuncOp func : getFunctions(module))
      numFolded +=
          applyPatternsGreedily(func.getOperation(), patterns).numRewritten;
    return success();
  }

private:
  Statistic numFolded{*this, "num-folded",
                      "Batch norms folded into a convolution"};
};
} // namespace

std::unique_ptr<Pass> irc::createFoldConvBatchNormPass() {
  return std::make_unique<FoldConvBatchNormPass>();
}
