//===- FuseClamp.cpp - fuse-clamp -----------------------------------------===//
//
// Matches: an activation with constant bounds, aten.relu(_) (0, none),
// aten.relu6(_) (0, 6), aten.hardtanh(_) (min, max), aten.clamp(_) (min
// and/or max), aten.clamp_min(_) and aten.clamp_max(_), applied to the
// result of a run op (xnn.conv2d_run, xnn.conv_transpose2d_run,
// xnn.linear_run and their vk.* forms) when no other op reads that result's
// data (shape checks may read its rank and sizes) and its packed parameters
// come from a prepack op whose bounds are constant.
// Produces: the run op with packed parameters whose bounds are the
// intersection of the old bounds and the activation's; the activation is
// gone. When other run ops share the prepack op, this run gets its own copy
// (fold-prepack later packs each distinct set of parameters once). Bounds
// that would leave an empty range (min >= max, which XNNPACK rejects) are
// not fused. Unlike PyTorch 1.13, linear and conv_transpose2d fuse too.
//
//===----------------------------------------------------------------------===//
#include "ir/Module.h"
#include "ir/Packed.h"
#include "passes/ConstantTensors.h"
#include "passes/Pass.h"
#include "passes/PatternRewrite.h"
#include <cmath>
#include <limits>

using namespace irc;

namespace {

bool isRunOp(Operation *op) {
  switch (op->getId()) {
  case OpId::XnnConv2dRun:
  case OpId::XnnConvTranspose2dRun:
  case OpId::XnnLinearRun:
  case OpId::VkConv2dRun:
  case OpId::VkConvTranspose2dRun:
  case OpId::VkLinearRun:
    return true;
  default:
    return false;
  }
}

/// A bound: a constant number, or none for unbounded. False when `v` is
/// not constant.
bool matchBound(Value *v, double &out, double unbounded) {
  Attribute a = getConstantValue(v);
  if (!a)
    return false;
  if (a.is(Attribute::Kind::None))
    out = unbounded;
  else if (a.is(Attribute::Kind::Float))
    out = a.getFloat();
  else if (a.is(Attribute::Kind::Int))
    out = double(a.getInt());
  else
    return false;
  return true;
}

/// The bounds `act` clamps to, when they are constant.
bool activationBounds(Operation *act, double &lo, double &hi) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  lo = -inf;
  hi = inf;
  switch (act->getId()) {
  case OpId::AtenRelu:
  case OpId::AtenRelu_:
    lo = 0;
    return true;
  case OpId::AtenRelu6:
  case OpId::AtenRelu6_:
    lo = 0;
    hi = 6;
    return true;
  case OpId::AtenHardtanh:
  case OpId::AtenHardtanh_:
  case OpId::AtenClamp:
  case OpId::AtenClamp_:
    return matchBound(act->getOperand(1), lo, -inf) &&
           matchBound(act->getOperand(2), hi, inf);
  case OpId::AtenClampMin:
  case OpId::AtenClampMin_:
    return matchBound(act->getOperand(1), lo, -inf) && !std::isinf(lo);
  case OpId::AtenClampMax:
  case OpId::AtenClampMax_:
    return matchBound(act->getOperand(1), hi, inf) && !std::isinf(hi);
  default:
    return false;
  }
}

struct FuseActivation : RewritePattern {
  FuseActivation(Pass::Statistic &fused, Pass::Statistic &copied)
      : fused(fused), copied(copied) {}

  LogicalResult matchAndRewrite(Operation *act, Rewriter &rw) const override {
    double lo, hi;
    if (act->getNumOperands() == 0 || !activationBounds(act, lo, hi))
      return failure();
    Value *y = act->getOperand(0);
    Operation *run = y->getDefiningOp();
    // Shape checks (BatchNorm's input.dim()) may still read the result's
    // rank or sizes, which the clamp does not change.
    if (!run || !isRunOp(run) || !isOnlyDataUse(y, act))
      return failure();
    Value *params = run->getOperand(1);
    Operation *prepack = params->getDefiningOp();
    if (!prepack || !isPrepackOp(prepack))
      return failure();
    unsigned minIndex = prepack->getNumOperands() - 2;
    double oldLo, oldHi;
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (!matchBound(prepack->getOperand(minIndex), oldLo, -inf) ||
        !matchBound(prepack->getOperand(minIndex + 1), oldHi, inf))
      return failure();
    lo = std::max(lo, oldLo);
    hi = std::min(hi, oldHi);
    if (!(lo < hi))
      return failure();
    Context &ctx = rw.getContext();
    Location loc = act->getLoc();
    auto bound = [&](double v) {
      return std::isinf(v)
                 ? rw.createConstant(loc, getNoneAttr(ctx), getNoneType(ctx))
                 : rw.createFloatConstant(loc, v);
    };
    // A prepack shared with other run ops is copied for this one.
    if (!params->hasOneUse()) {
      rw.setInsertionPoint(run);
      IRMapping map;
      prepack = rw.clone(*prepack, map);
      rw.modifyOpInPlace(run,
                         [&] { run->setOperand(1, prepack->getResult(0)); });
      ++copied;
    }
    rw.setInsertionPoint(prepack);
    Value *newLo = bound(lo), *newHi = bound(hi);
    rw.modifyOpInPlace(prepack, [&] {
      prepack->setOperand(minIndex, newLo);
      prepack->setOperand(minIndex + 1, newHi);
    });
    rw.replaceOp(act, {y});
    ++fused;
    return success();
  }
  Pass::Statistic &fused, &copied;
};

class FuseClampPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "fuse-clamp"; }

  LogicalResult run(Operation *module) override {
    PatternList patterns;
    patterns.push_back(std::make_unique<FuseActivation>(numFused, numCopied));
    GreedyRewriteConfig config;
    config.fold = false;
    for (Operation &func : module->getRegion(0).front())
      if (func.is(OpId::Func))
        applyPatternsGreedily(&func, patterns, config);
    return success();
  }

private:
  Statistic numFused{*this, "num-fused",
                     "Activations folded into packed clamp bounds"};
  Statistic numCopied{*this, "num-copied",
                      "Prepack ops copied because other runs share them"};
};
} // namespace

std::unique_ptr<Pass> irc::createFuseClampPass() {
  return std::make_unique<FuseClampPass>();
}
