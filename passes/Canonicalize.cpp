//===- Canonicalize.cpp - canonicalize ------------------------------------===//
//
// Runs the greedy rewrite driver with every op's folder plus these patterns:
//  - prim.if on a constant condition: the taken region replaces the op;
//  - prim.loop that never runs (constant trip count <= 0 or constant false
//    initial condition): its results become the initial values;
//  - aten._convolution (what traced models call) with a constant
//    `transposed` and 1- or 2-element stride (or a 3-D or 4-D weight, which
//    decides when known) becomes aten.conv1d, aten.conv2d or
//    aten.conv_transpose2d.input, as PyTorch's replaceConvolutionWithAtenConv
//    does;
//  - only in functions without in-place ops, where values cannot change
//    under an alias:
//    - aten.add.Scalar(x, 0, alpha) and aten.mul.Scalar(x, 1) become x when
//      the result type equals x's and x's dtype is known and not bool
//      (so no type promotion; as in PyTorch, -0.0 + 0 gives 0.0);
//    - aten.len.t and aten.__getitem__.t (constant index in range) of a
//      prim.list_construct fold to the length or the element.
// Folders evaluate int/float/bool arithmetic and comparisons with Python's
// rules. Dead side-effect-free ops, including dead loops, are erased.
//
//===----------------------------------------------------------------------===//
#include "ir/Region.h"
#include "passes/Pass.h"
#include "passes/PatternRewrite.h"
#include <cmath>

using namespace irc;

namespace {
struct FoldConstantIf : RewritePattern {
  FoldConstantIf() : RewritePattern(OpId::PrimIf) {}
  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    Attribute cond = getConstantValue(op->getOperand(0));
    if (!cond || !cond.is(Attribute::Kind::Bool))
      return failure();
    Block &taken = op->getRegion(cond.getBool() ? 0 : 1).front();
    Operation *yield = taken.getTerminator();
    auto results = llvm::to_vector<4>(yield->getOperands());
    rw.eraseOp(yield);
    rw.inlineBlockBefore(taken, op, {});
    rw.replaceOp(op, results);
    return success();
  }
};

struct FoldLoopNeverRuns : RewritePattern {
  FoldLoopNeverRuns() : RewritePattern(OpId::PrimLoop) {}
  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    int64_t trip;
    Attribute cond = getConstantValue(op->getOperand(1));
    bool never = (matchConstantInt(op->getOperand(0), trip) && trip <= 0) ||
                 (cond && cond.is(Attribute::Kind::Bool) && !cond.getBool());
    if (!never)
      return failure();
    auto inits = llvm::to_vector<4>(op->getOperands());
    rw.replaceOp(op, llvm::ArrayRef<Value *>(inits).drop_front(2));
    return success();
  }
};

/// aten.add.Scalar(x, 0, alpha) -> x and aten.mul.Scalar(x, 1) -> x.
struct FoldTensorIdentity : RewritePattern {
  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    bool isAdd = op->is(OpId::AtenAddScalar);
    if (!isAdd && !op->is(OpId::AtenMulScalar))
      return failure();
    Value *x = op->getOperand(0);
    DType dt = x->getType().getDType();
    if (op->getResult(0)->getType() != x->getType() || dt == DType::Unknown ||
        dt == DType::Bool)
      return failure();
    Attribute other = getConstantValue(op->getOperand(1));
    int64_t identity = isAdd ? 0 : 1;
    bool matches =
        other &&
        ((other.is(Attribute::Kind::Int) && other.getInt() == identity) ||
         (other.is(Attribute::Kind::Float) && isFloatDType(dt) &&
          other.getFloat() == double(identity)));
    // alpha scales a zero: any finite constant keeps it zero.
    if (isAdd) {
      Attribute alpha = getConstantValue(op->getOperand(2));
      matches &= alpha && (alpha.is(Attribute::Kind::Int) ||
                           (alpha.is(Attribute::Kind::Float) &&
                            std::isfinite(alpha.getFloat())));
    }
    if (!matches)
      return failure();
    rw.replaceOp(op, {x});
    return success();
  }
};

/// aten.len.t / aten.__getitem__.t of a prim.list_construct.
struct FoldListAccess : RewritePattern {
  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    if (!op->is(OpId::AtenLen) && !op->is(OpId::AtenGetItem))
      return failure();
    Operation *list = op->getOperand(0)->getDefiningOp();
    if (!list || !list->is(OpId::PrimListConstruct))
      return failure();
    int64_t n = list->getNumOperands();
    if (op->is(OpId::AtenLen)) {
      rw.replaceOp(op, {rw.createIntConstant(op->getLoc(), n)});
      return success();
    }
    int64_t index;
    if (!matchConstantInt(op->getOperand(1), index) || index < -n || index >= n)
      return failure(); // out of range raises at run time: keep it
    rw.replaceOp(op, {list->getOperand(index < 0 ? index + n : index)});
    return success();
  }
};

/// The number of elements of a list value built by prim.list_construct or
/// a constant, or -1.
static int64_t knownListSize(Value *list) {
  if (Attribute a = getConstantValue(list))
    return a.is(Attribute::Kind::List) ? int64_t(a.getList().size()) : -1;
  Operation *def = list->getDefiningOp();
  return def && def->is(OpId::PrimListConstruct) ? def->getNumOperands() : -1;
}

struct ConvolutionToConv : RewritePattern {
  explicit ConvolutionToConv(OpId root) : RewritePattern(root) {}
  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    // (input, weight, bias, stride, padding, dilation, transposed,
    //  output_padding, groups, benchmark, deterministic, cudnn_enabled[,
    //  allow_tf32])
    Attribute transposed = getConstantValue(op->getOperand(6));
    if (!transposed || !transposed.is(Attribute::Kind::Bool))
      return failure();
    // As in PyTorch, the weight's rank gives the number of spatial dims; a
    // one-element stride list is expanded to them (a 4-D weight with
    // stride [1] is a conv2d).
    Type weight = op->getOperand(1)->getType();
    int64_t dims = weight.hasRank() ? int64_t(weight.getRank()) - 2
                                    : knownListSize(op->getOperand(3));
    auto operand = [&](unsigned i) { return op->getOperand(i); };
    llvm::SmallVector<Value *, 8> operands{operand(0), operand(1), operand(2),
                                           operand(3), operand(4)};
    OpId id;
    if (!transposed.getBool() && (dims == 1 || dims == 2)) {
      id = dims == 1 ? OpId::AtenConv1d : OpId::AtenConv2d;
      operands.append({operand(5), operand(8)});
    } else if (transposed.getBool() && dims == 2) {
      id = OpId::AtenConvTranspose2dInput;
      operands.append({operand(7), operand(8), operand(5)});
    } else {
      return failure();
    }
    Operation *conv = rw.create(op->getLoc(), id,
                                {op->getResult(0)->getType()}, operands);
    rw.replaceOp(op, {conv->getResult(0)});
    return success();
  }
};

class CanonicalizePass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "canonicalize"; }

  LogicalResult run(Operation *module) override {
    PatternList safe, all;
    for (PatternList *list : {&safe, &all}) {
      list->push_back(std::make_unique<FoldConstantIf>());
      list->push_back(std::make_unique<FoldLoopNeverRuns>());
      for (OpId id : {OpId::Aten_Convolution, OpId::Aten_ConvolutionDeprecated})
        list->push_back(std::make_unique<ConvolutionToConv>(id));
    }
    all.push_back(std::make_unique<FoldTensorIdentity>());
    all.push_back(std::make_unique<FoldListAccess>());
    GreedyRewriteConfig config;
    config.verifyFixpoint = verifyFixpoint;
    for (Operation &func : module->getRegion(0).front()) {
      if (!func.is(OpId::Func))
        continue;
      GreedyRewriteStats stats = applyPatternsGreedily(
          &func, hasInPlaceOps(&func) ? safe : all, config);
      numFolded += stats.numFolded;
      numRewritten += stats.numRewritten;
      numErased += stats.numErased;
      if (!stats.converged)
        return func.emitError() << "canonicalize did not reach a fixpoint in "
                                   "one scan: a pattern changed IR that the "
                                   "rewriter was not told about";
    }
    return success();
  }

private:
  BoolOption verifyFixpoint{
      *this, "verify-fixpoint",
      "Scan again and fail if that changes anything (a pattern bug)", false};
  Statistic numFolded{*this, "num-folded", "Operations folded"};
  Statistic numRewritten{*this, "num-rewritten", "Patterns applied"};
  Statistic numErased{*this, "num-erased", "Dead operations erased"};
};
} // namespace

std::unique_ptr<Pass> irc::createCanonicalizePass() {
  return std::make_unique<CanonicalizePass>();
}
