//===- RemoveDropout.cpp - remove-dropout ---------------------------------===//
//
// Matches: aten.dropout, aten.feature_dropout, aten.alpha_dropout and
// aten.feature_alpha_dropout, and their in-place forms, whose `train`
// operand is the constant false, anywhere in a function (in prim.if and
// prim.loop regions too): PyTorch's removeDropout, which covers the first
// four. In eval mode each is the identity.
// Produces: nothing; uses of the result become uses of the input (the same
// tensor, which the in-place forms return). Dropout in training mode or
// with a `train` known only at run time is left alone, and so is one whose
// input type is less precise than its result's (users rely on the latter).
//
//===----------------------------------------------------------------------===//
#include "ir/Module.h"
#include "passes/Pass.h"
#include "passes/PatternRewrite.h"

using namespace irc;

namespace {
struct RemoveEvalDropout : RewritePattern {
  explicit RemoveEvalDropout(OpId id) : RewritePattern(id) {}

  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    // (input, p, train)
    Attribute train = getConstantValue(op->getOperand(2));
    if (!train || !train.is(Attribute::Kind::Bool) || train.getBool())
      return failure();
    Value *input = op->getOperand(0);
    if (!isRefinementOf(input->getType(), op->getResult(0)->getType()))
      return failure();
    rw.replaceOp(op, {input});
    return success();
  }
};

class RemoveDropoutPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "remove-dropout"; }

  LogicalResult run(Operation *module) override {
    PatternList patterns;
    for (OpId id :
         {OpId::AtenDropout, OpId::AtenDropout_, OpId::AtenFeatureDropout,
          OpId::AtenFeatureDropout_, OpId::AtenAlphaDropout,
          OpId::AtenAlphaDropout_, OpId::AtenFeatureAlphaDropout,
          OpId::AtenFeatureAlphaDropout_})
      patterns.push_back(std::make_unique<RemoveEvalDropout>(id));
    for (FuncOp func : getFunctions(module))
      numRemoved +=
          applyPatternsGreedily(func.getOperation(), patterns).numRewritten;
    return success();
  }

private:
  Statistic numRemoved{*this, "num-removed", "Eval-mode dropouts removed"};
};
} // namespace

std::unique_ptr<Pass> irc::createRemoveDropoutPass() {
  return std::make_unique<RemoveDropoutPass>();
}
