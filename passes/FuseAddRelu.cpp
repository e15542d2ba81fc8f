//===- FuseAddRelu.cpp - fuse-add-relu ------------------------------------===//
//
// Matches: aten.relu or aten.relu_ whose operand is the only use of an
// aten.add.Tensor or aten.add.Scalar, and aten.relu_ whose operand is the
// only use of aten.add_.Tensor or aten.add_.Scalar: PyTorch's FuseAddRelu,
// whose patterns name `aten::add` without an overload and so take the
// Scalar form too. An in-place add followed by an out-of-place relu is left
// alone, as in PyTorch: the add's target must keep the unclamped sum; so is
// an in-place pair with anything but constants between them (which could
// read the unclamped sum).
// Produces: aten._add_relu.Tensor / .Scalar(a, b, alpha) for the
// out-of-place add, aten._add_relu_.Tensor / .Scalar(a, b, alpha) (which
// writes into `a`, as add_ did) for the in-place one, with the relu's
// result type.
//
//===----------------------------------------------------------------------===//
#include "ir/Block.h"
#include "ir/Module.h"
#include "passes/Pass.h"
#include "passes/PatternRewrite.h"

using namespace irc;

namespace {
struct FuseAddRelu : RewritePattern {
  explicit FuseAddRelu(OpId relu) : RewritePattern(relu) {}

  LogicalResult matchAndRewrite(Operation *relu, Rewriter &rw) const override {
    Value *sum = relu->getOperand(0);
    Operation *add = sum->getDefiningOp();
    if (!add || !sum->hasOneUse())
      return failure();
    bool inPlaceRelu = relu->is(OpId::AtenRelu_);
    OpId fused;
    if (add->is(OpId::AtenAddTensor))
      fused = OpId::Aten_AddReluTensor;
    else if (add->is(OpId::AtenAddScalar))
      fused = OpId::Aten_AddReluScalar;
    else if (add->is(OpId::AtenAdd_Tensor) && inPlaceRelu)
      fused = OpId::Aten_AddRelu_Tensor;
    else if (add->is(OpId::AtenAdd_Scalar) && inPlaceRelu)
      fused = OpId::Aten_AddRelu_Scalar;
    else
      return failure();
    // An in-place add writes `a` before the relu runs: only constants may
    // come between them, so that nothing reads the unclamped `a`. An
    // out-of-place add's operands may change after it: fuse at the add.
    bool inPlaceAdd = fused == OpId::Aten_AddRelu_Tensor ||
                      fused == OpId::Aten_AddRelu_Scalar;
    if (inPlaceAdd) {
      if (add->getBlock() != relu->getBlock())
        return failure();
      for (auto it = std::next(Block::iterator(add));
           it != Block::iterator(relu); ++it)
        if (!it->hasTrait(ConstantLike))
          return failure();
    }
    rw.setInsertionPoint(inPlaceAdd ? relu : add);
    auto operands = llvm::to_vector<3>(add->getOperands());
    Operation *op = rw.create(relu->getLoc(), fused,
                              {relu->getResult(0)->getType()}, operands);
    rw.replaceOp(relu, {op->getResult(0)});
    rw.eraseOp(add);
    return success();
  }
};

class FuseAddReluPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "fuse-add-relu"; }

  LogicalResult run(Operation *module) override {
    PatternList patterns;
    patterns.push_back(std::make_unique<FuseAddRelu>(OpId::AtenRelu));
    patterns.push_back(std::make_unique<FuseAddRelu>(OpId::AtenRelu_));
    for (FuncOp func : getFunctions(module))
      numFused +=
          applyPatternsGreedily(func.getOperation(), patterns).numRewritten;
    return success();
  }

private:
  Statistic numFused{*this, "num-fused", "add + relu pairs fused"};
};
} // namespace

std::unique_ptr<Pass> irc::createFuseAddReluPass() {
  return std::make_unique<FuseAddReluPass>();
}
