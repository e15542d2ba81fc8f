//===- UnpackPrepacked.cpp - unpack-prepacked -----------------------------===//
//
// Matches: prepacked.conv2d_clamp_run, prepacked.conv2d_transpose_clamp_run
// and prepacked.linear_clamp_run whose context is a module constant: the
// XNNPACK contexts that PyTorch's optimize_for_mobile folds into a model,
// imported with their `__getstate__` tuple, which holds the unpacked
// weights and parameters.
// Produces: the equivalent aten ops on those weights (aten.conv2d,
// aten.conv_transpose2d.input, aten.linear), followed by the clamp the
// context applied: aten.relu for (0, none), aten.hardtanh for two bounds,
// aten.clamp for one other bound. A model optimized by PyTorch then runs on
// any backend, and irc's own mobile passes can prepack it again.
//
//===----------------------------------------------------------------------===//
#include "ir/Module.h"
#include "passes/Pass.h"
#include "passes/PatternRewrite.h"

using namespace irc;

namespace {
/// The state tuple of the context object `v` refers to, if it is a
/// module constant.
llvm::ArrayRef<Attribute> contextState(Value *v) {
  Operation *def = v->getDefiningOp();
  if (!def || !def->is(OpId::Constant))
    return {};
  Attribute ref = def->getAttr("value");
  Operation *module = def->getParentOfType(OpId::Module);
  if (!ref || !ref.is(Attribute::Kind::SymbolRef) || !module)
    return {};
  Operation *c = lookupSymbol(module, ref.getString());
  Attribute object =
      c && c->is(OpId::ModuleConst) ? c->getAttr("value") : Attribute();
  if (!object || !object.is(Attribute::Kind::Object) ||
      !object.hasObjectState())
    return {};
  return object.getObjectState();
}

struct UnpackRun : RewritePattern {
  /// `paramCount`: the parameters of the state tuple before (min, max).
  UnpackRun(OpId run, OpId aten, unsigned paramCount)
      : RewritePattern(run), aten(aten), paramCount(paramCount) {}

  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    llvm::ArrayRef<Attribute> state = contextState(op->getOperand(1));
    if (state.size() != paramCount + 2)
      return failure();
    Context &ctx = op->getContext();
    Location loc = op->getLoc();
    Operation *module = op->getParentOfType(OpId::Module);
    // Each state element as a value of the type the aten op takes.
    llvm::SmallVector<Value *, 8> values{op->getOperand(0)};
    for (unsigned i = 0; i < paramCount; ++i) {
      Attribute a = state[i];
      Type type;
      switch (a.getKind()) {
      case Attribute::Kind::SymbolRef: {
        Operation *c = lookupSymbol(module, a.getString());
        if (!c || !c->is(OpId::ModuleConst))
          return failure();
        type = c->getAttr("type").getTypeValue();
        break;
      }
      case Attribute::Kind::None:
        type = getNoneType(ctx);
        break;
      case Attribute::Kind::List:
        type = getListType(getIntType(ctx));
        break;
      case Attribute::Kind::Int:
        type = getIntType(ctx);
        break;
      default:
        return failure();
      }
      values.push_back(rw.createConstant(loc, a, type));
    }
    // The conv_transpose context holds (..., output_padding, dilation,
    // groups); aten.conv_transpose2d.input takes (..., output_padding,
    // groups, dilation).
    if (aten == OpId::AtenConvTranspose2dInput)
      std::swap(values[6], values[7]);
    Type type = op->getResult(0)->getType();
    Value *result = rw.create(loc, aten, {type}, values)->getResult(0);
    Attribute min = state[paramCount], max = state[paramCount + 1];
    auto scalar = [&](Attribute a) -> Value * {
      if (a.is(Attribute::Kind::None))
        return rw.createConstant(loc, a, getNoneType(ctx));
      return rw.createConstant(loc, a,
                               a.is(Attribute::Kind::Int) ? getIntType(ctx)
                                                          : getFloatType(ctx));
    };
    auto isZero = [](Attribute a) {
      return (a.is(Attribute::Kind::Float) && a.getFloat() == 0.0) ||
             (a.is(Attribute::Kind::Int) && a.getInt() == 0);
    };
    bool noMin = min.is(Attribute::Kind::None);
    bool noMax = max.is(Attribute::Kind::None);
    if (!noMin && isZero(min) && noMax)
      result = rw.create(loc, OpId::AtenRelu, {type}, {result})->getResult(0);
    else if (!noMin && !noMax)
      result = rw.create(loc, OpId::AtenHardtanh, {type},
                         {result, scalar(min), scalar(max)})
                   ->getResult(0);
    else if (!noMin || !noMax)
      result = rw.create(loc, OpId::AtenClamp, {type},
                         {result, scalar(min), scalar(max)})
                   ->getResult(0);
    rw.replaceOp(op, {result});
    return success();
  }

  OpId aten;
  unsigned paramCount;
};

class UnpackPrepackedPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "unpack-prepacked"; }

  LogicalResult run(Operation *module) override {
    PatternList patterns;
    patterns.push_back(std::make_unique<UnpackRun>(
        OpId::PrepackedConv2dClampRun, OpId::AtenConv2d, 6));
    patterns.push_back(
        std::make_unique<UnpackRun>(OpId::PrepackedConv2dTransposeClampRun,
                                    OpId::AtenConvTranspose2dInput, 7));
    patterns.push_back(std::make_unique<UnpackRun>(
        OpId::PrepackedLinearClampRun, OpId::AtenLinear, 2));
    GreedyRewriteConfig config;
    for (Operation &func : module->getRegion(0).front())
      if (func.is(OpId::Func))
        numUnpacked +=
            applyPatternsGreedily(&func, patterns, config).numRewritten;
    return success();
  }

private:
  Statistic numUnpacked{*this, "num-unpacked",
                        "Prepacked ops turned into aten ops"};
};
} // namespace

std::unique_ptr<Pass> irc::createUnpackPrepackedPass() {
  return std::make_unique<UnpackPrepackedPass>();
}
