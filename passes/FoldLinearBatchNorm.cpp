//===- FoldLinearBatchNorm.cpp - fold-linear-bn ---------------------------===//
//
// Matches: an eval-mode aten.batch_norm (`training` a constant false,
// constant eps, running_mean and running_var, weight and bias constant or
// none) whose input is the only use of an aten.linear with a constant
// (O, I) weight and a constant or none bias, when the linear's result is
// known to be 2-D (N, O): batch_norm then normalizes dim 1, the linear's
// output features (nn.Linear followed by nn.BatchNorm1d). An unknown rank
// or a 3-D result (where BatchNorm1d would normalize dim 1, not the
// features) is left alone. PyTorch has no such fold.
// Produces: the linear with W'[o, :] = W[o, :] * gamma[o] / sqrt(var[o] +
// eps) and b' = (b - mean) * gamma / sqrt(var + eps) + beta, computed in
// double and stored in the weight's dtype as new module consts; the
// batch_norm is erased.
//
//===----------------------------------------------------------------------===//
#include "ir/Module.h"
#include "passes/ConstantTensors.h"
#include "passes/Pass.h"
#include "passes/PatternRewrite.h"

using namespace irc;

namespace {
struct FoldLinearBatchNorm : RewritePattern {
  FoldLinearBatchNorm() : RewritePattern(OpId::AtenBatchNorm) {}

  LogicalResult matchAndRewrite(Operation *bn, Rewriter &rw) const override {
    Value *input = bn->getOperand(0);
    Operation *linear = input->getDefiningOp();
    if (!linear || !linear->is(OpId::AtenLinear) || !isOnlyDataUse(input, bn))
      return failure();
    Type type = input->getType();
    if (!type.isTensor() || !type.hasRank() || type.getRank() != 2)
      return failure();
    std::optional<ConstantTensor> weight =
        matchConstantTensor(linear->getOperand(1));
    if (!weight || weight->getType().getRank() != 2)
      return failure();
    return foldBatchNormInto(rw, linear, bn, *weight, 0, 1);
  }
};

class FoldLinearBatchNormPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "fold-linear-bn"; }

  LogicalResult run(Operation *module) override {
    PatternList patterns;
    patterns.push_back(std::make_unique<FoldLinearBatchNorm>());
    for (FuncOp func : getFunctions(module))
      numFolded +=
          applyPatternsGreedily(func.getOperation(), patterns).numRewritten;
    return success();
  }

private:
  Statistic numFolded{*this, "num-folded",
                      "Batch norms folded into a linear layer"};
};
} // namespace

std::unique_ptr<Pass> irc::createFoldLinearBatchNormPass() {
  return std::make_unique<FoldLinearBatchNormPass>();
}
