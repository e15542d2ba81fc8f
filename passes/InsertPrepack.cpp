//===- InsertPrepack.cpp - insert-prepack ---------------------------------===//
//
// Matches, in every function (inside prim.if and prim.loop regions too):
// - linear written another way, as PyTorch's FuseLinear does:
//   aten.matmul(x, t(W)) -> aten.linear(x, W); aten.addmm(b, x, t(W)) with
//   beta = alpha = 1 and a 1-D b -> aten.linear(x, W, b); and
//   aten.add(_).Tensor(aten.matmul(x, t(W)), b) with alpha 1, a 1-D b and
//   no other use of the product -> aten.linear(x, W, b). t(W) is aten.t or
//   aten.transpose.int(W, 0, 1) of a 2-D W;
// - aten.conv2d, aten.conv2d.padding ('valid', or 'same' with stride 1 and
//   an even total padding d * (k - 1) per dim), aten.conv_transpose2d.input
//   (constant output_padding < stride, which XNNPACK needs) and aten.linear
//   with a 4-D (conv) or 2-D (linear) weight whose dtype is f32 or unknown, and
//   an input that is not known to be another dtype;
// - with backend=vulkan also aten.gru.input and aten.lstm.input with
//   `train` constant false.
// Produces: a prepack op and a run op of the backend (xnn.* for cpu, vk.*
// for vulkan) right where the op was, with no clamp bounds (fuse-clamp adds
// them). An op inside a branch stays inside it: unlike PyTorch's rewriter,
// nothing is hoisted out of a prim.if.
//
//===----------------------------------------------------------------------===//
#include "ir/Module.h"
#include "passes/Pass.h"
#include "passes/PatternRewrite.h"

using namespace irc;

namespace {

enum class Backend { Cpu, Vulkan };

bool isFloatOrUnknown(Type t) {
  if (!t.isTensor())
    return false;
  DType d = t.getDType();
  return d == DType::F32 || d == DType::Unknown;
}

bool hasRank(Value *v, unsigned rank) {
  Type t = v->getType();
  return t.isTensor() && t.hasRank() && t.getRank() == rank;
}

bool isIntConstant(Value *v, int64_t expected) {
  int64_t x;
  return matchConstantInt(v, x) && x == expected;
}

/// W when `v` is t(W) or transpose(W, 0, 1) of a 2-D W, else null.
Value *transposedWeight(Value *v) {
  Operation *def = v->getDefiningOp();
  if (!def)
    return nullptr;
  int64_t d0, d1;
  bool swaps = def->is(OpId::AtenT) ||
               (def->is(OpId::AtenTransposeInt) &&
                matchConstantInt(def->getOperand(1), d0) &&
                matchConstantInt(def->getOperand(2), d1) &&
                ((d0 == 0 && d1 == 1) || (d0 == 1 && d1 == 0) ||
                 (d0 == -1 && d1 == -2) || (d0 == -2 && d1 == -1)));
  return swaps && hasRank(def->getOperand(0), 2) ? def->getOperand(0) : nullptr;
}

/// matmul(x, t(W)) -> linear(x, W, none); addmm(b, x, t(W)) -> linear(x,
/// W, b); add(_)(matmul(x, t(W)), b) -> linear(x, W, b).
struct FuseLinear : RewritePattern {
  explicit FuseLinear(Pass::Statistic &count) : count(count) {}

  /// Whether `op` is add(_)(matmul, b) with alpha 1 and a 1-D b.
  static bool isBiasAdd(Operation *op) {
    if (!op->is(OpId::AtenAddTensor) && !op->is(OpId::AtenAdd_Tensor))
      return false;
    Operation *mm = op->getOperand(0)->getDefiningOp();
    return mm && mm->is(OpId::AtenMatmul) && mm->getResult(0)->hasOneUse() &&
           isIntConstant(op->getOperand(2), 1) && hasRank(op->getOperand(1), 1);
  }

  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    Value *x = nullptr, *w = nullptr, *b = nullptr;
    if (op->is(OpId::AtenMatmul)) {
      // A product whose only user adds a bias is rewritten with the add.
      Value *product = op->getResult(0);
      if (product->hasOneUse() &&
          isBiasAdd(product->getUses().begin()->getOwner()))
        return failure();
      w = transposedWeight(op->getOperand(1));
      x = op->getOperand(0);
    } else if (op->is(OpId::AtenAddmm)) {
      if (!isIntConstant(op->getOperand(3), 1) ||
          !isIntConstant(op->getOperand(4), 1) ||
          !hasRank(op->getOperand(0), 1))
        return failure();
      b = op->getOperand(0);
      x = op->getOperand(1);
      w = transposedWeight(op->getOperand(2));
    } else if (isBiasAdd(op)) {
      Operation *mm = op->getOperand(0)->getDefiningOp();
      b = op->getOperand(1);
      x = mm->getOperand(0);
      w = transposedWeight(mm->getOperand(1));
    } else {
      return failure();
    }
    if (!w)
      return failure();
    if (!b)
      b = rw.createConstant(op->getLoc(), getNoneAttr(rw.getContext()),
                            getNoneType(rw.getContext()));
    Operation *linear = rw.create(op->getLoc(), OpId::AtenLinear,
                                  {op->getResult(0)->getType()}, {x, w, b});
    rw.replaceOp(op, {linear->getResult(0)});
    ++count;
    return success();
  }
  Pass::Statistic &count;
};

/// The operands of a prepack op, taken from the aten op's operands by
/// index; -1 is a new `none` (the clamp bounds).
struct Rewrite {
  OpId aten;
  OpId prepack[2], run[2]; // by Backend
  unsigned weight;         // the weight operand
  unsigned weightRank;
  llvm::SmallVector<int, 9> prepackOperands;
};

const Rewrite Rewrites[] = {
    {OpId::AtenConv2d,
     {OpId::XnnConv2dPrepack, OpId::VkConv2dPrepack},
     {OpId::XnnConv2dRun, OpId::VkConv2dRun},
     1,
     4,
     {1, 2, 3, 4, 5, 6, -1, -1}},
    {OpId::AtenConv2dPadding,
     {OpId::XnnConv2dPrepack, OpId::VkConv2dPrepack},
     {OpId::XnnConv2dRun, OpId::VkConv2dRun},
     1,
     4,
     {1, 2, 3, 4, 5, 6, -1, -1}},
    // conv_transpose2d.input is (..., output_padding, groups, dilation);
    // the prepack takes (..., output_padding, dilation, groups).
    {OpId::AtenConvTranspose2dInput,
     {OpId::XnnConvTranspose2dPrepack, OpId::VkConvTranspose2dPrepack},
     {OpId::XnnConvTranspose2dRun, OpId::VkConvTranspose2dRun},
     1,
     4,
     {1, 2, 3, 4, 5, 7, 6, -1, -1}},
    {OpId::AtenLinear,
     {OpId::XnnLinearPrepack, OpId::VkLinearPrepack},
     {OpId::XnnLinearRun, OpId::VkLinearRun},
     1,
     2,
     {1, 2, -1, -1}},
};

/// The constant padding that conv2d.padding's `mode` means for `op`, or
/// null when it cannot be expressed as symmetric padding.
Value *explicitPadding(Operation *op, Rewriter &rw) {
  Attribute mode = getConstantValue(op->getOperand(4));
  if (!mode || !mode.is(Attribute::Kind::String))
    return nullptr;
  llvm::SmallVector<Attribute, 2> pad;
  Context &ctx = rw.getContext();
  if (mode.getString() == "valid") {
    pad.assign(2, getIntAttr(ctx, 0));
  } else if (mode.getString() == "same") {
    // PyTorch pads d * (k - 1) in total, the odd element at the end; only an
    // even total is symmetric. 'same' requires stride 1.
    llvm::SmallVector<int64_t, 2> stride, dilation;
    Type w = op->getOperand(1)->getType();
    if (!matchConstantIntList(op->getOperand(3), stride) ||
        !matchConstantIntList(op->getOperand(5), dilation) ||
        !w.hasStaticShape() ||
        llvm::any_of(stride, [](int64_t s) { return s != 1; }))
      return nullptr;
    for (unsigned i = 0; i < 2; ++i) {
      int64_t d = dilation.size() == 1  ? dilation[0]
                  : i < dilation.size() ? dilation[i]
                                        : -1;
      int64_t total = d * (w.getShape()[2 + i] - 1);
      if (d < 0 || total % 2)
        return nullptr;
      pad.push_back(getIntAttr(ctx, total / 2));
    }
  } else {
    return nullptr;
  }
  return rw.createConstant(op->getLoc(), getListAttr(ctx, pad),
                           getListType(getIntType(ctx)));
}

/// XNNPACK's deconvolution wants output_padding < stride in each dim (aten
/// also allows output_padding < dilation): both must be constant.
bool outputPaddingFits(Operation *op) {
  llvm::SmallVector<int64_t, 2> stride, outputPadding;
  if (!matchConstantIntList(op->getOperand(3), stride) ||
      !matchConstantIntList(op->getOperand(5), outputPadding))
    return false;
  auto at = [](llvm::ArrayRef<int64_t> xs, unsigned i) {
    return xs.size() == 1 ? xs[0] : xs[i];
  };
  if (stride.empty() || outputPadding.empty() || stride.size() > 2 ||
      outputPadding.size() > 2)
    return false;
  for (unsigned i = 0; i < 2; ++i)
    if (at(outputPadding, i) >= at(stride, i))
      return false;
  return true;
}

struct InsertConvLinear : RewritePattern {
  InsertConvLinear(const Rewrite &r, Backend backend, Pass::Statistic &count)
      : RewritePattern(r.aten), r(r), backend(backend), count(count) {}

  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    if (!hasRank(op->getOperand(r.weight), r.weightRank) ||
        !isFloatOrUnknown(op->getOperand(r.weight)->getType()) ||
        !isFloatOrUnknown(op->getOperand(0)->getType()))
      return failure();
    Context &ctx = rw.getContext();
    Location loc = op->getLoc();
    if (op->is(OpId::AtenConvTranspose2dInput) && !outputPaddingFits(op))
      return failure();
    Value *padding = nullptr;
    if (op->is(OpId::AtenConv2dPadding) && !(padding = explicitPadding(op, rw)))
      return failure();
    Value *none = nullptr;
    llvm::SmallVector<Value *, 9> operands;
    for (int i : r.prepackOperands) {
      if (i < 0) {
        if (!none)
          none = rw.createConstant(loc, getNoneAttr(ctx), getNoneType(ctx));
        operands.push_back(none);
      } else {
        operands.push_back(padding && i == 4 ? padding : op->getOperand(i));
      }
    }
    OpId prepackId = r.prepack[int(backend)];
    const Schema &schema = ctx.getOpInfo(prepackId).schema;
    Type packedType = getOpaqueType(ctx, schema.results[0].spelling);
    Operation *prepack = rw.create(loc, prepackId, {packedType}, operands);
    Operation *run =
        rw.create(loc, r.run[int(backend)], {op->getResult(0)->getType()},
                  {op->getOperand(0), prepack->getResult(0)});
    rw.replaceOp(op, {run->getResult(0)});
    ++count;
    return success();
  }

  const Rewrite &r;
  Backend backend;
  Pass::Statistic &count;
};

/// aten.gru.input(x, hx, params, has_biases, num_layers, dropout, train,
/// bidirectional, batch_first) and aten.lstm.input (hx a list [h, c]) in
/// eval mode -> vk.gru/lstm_prepack(params, flags...) + vk.*_run.
struct InsertRnn : RewritePattern {
  InsertRnn(OpId aten, Pass::Statistic &count)
      : RewritePattern(aten), count(count) {}

  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    Attribute train = getConstantValue(op->getOperand(6));
    if (!train || !train.is(Attribute::Kind::Bool) || train.getBool() ||
        !isFloatOrUnknown(op->getOperand(0)->getType()))
      return failure();
    Context &ctx = rw.getContext();
    Location loc = op->getLoc();
    bool lstm = op->is(OpId::AtenLstmInput);
    llvm::SmallVector<Value *, 7> prepackOperands;
    for (unsigned i = 2; i < 9; ++i)
      prepackOperands.push_back(op->getOperand(i));
    OpId prepackId = lstm ? OpId::VkLstmPrepack : OpId::VkGruPrepack;
    Type packedType =
        getOpaqueType(ctx, ctx.getOpInfo(prepackId).schema.results[0].spelling);
    Value *packed =
        rw.create(loc, prepackId, {packedType}, prepackOperands)->getResult(0);
    llvm::SmallVector<Value *, 4> runOperands{op->getOperand(0)};
    if (!lstm) {
      runOperands.push_back(op->getOperand(1));
    } else {
      // The state list [h, c]: its elements, or an unpack of it.
      Value *hx = op->getOperand(1);
      Operation *list = hx->getDefiningOp();
      if (list && list->is(OpId::PrimListConstruct) &&
          list->getNumOperands() == 2) {
        runOperands.append({list->getOperand(0), list->getOperand(1)});
      } else {
        Type element = hx->getType().getElementType();
        Operation *unpack =
            rw.create(loc, OpId::PrimListUnpack, {element, element}, {hx});
        runOperands.append({unpack->getResult(0), unpack->getResult(1)});
      }
    }
    runOperands.push_back(packed);
    llvm::SmallVector<Type, 3> types;
    for (Value *v : op->getResults())
      types.push_back(v->getType());
    Operation *run = rw.create(loc, lstm ? OpId::VkLstmRun : OpId::VkGruRun,
                               types, runOperands);
    rw.replaceOp(op, run->getResults());
    ++count;
    return success();
  }
  Pass::Statistic &count;
};

class InsertPrepackPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "insert-prepack"; }

  LogicalResult run(Operation *module) override {
    Backend b = backend == "vulkan" ? Backend::Vulkan : Backend::Cpu;
    PatternList patterns;
    patterns.push_back(std::make_unique<FuseLinear>(numFusedLinear));
    for (const Rewrite &r : Rewrites)
      patterns.push_back(std::make_unique<InsertConvLinear>(
          r, b, r.aten == OpId::AtenLinear ? numLinear : numConv));
    if (b == Backend::Vulkan) {
      patterns.push_back(
          std::make_unique<InsertRnn>(OpId::AtenGruInput, numRnn));
      patterns.push_back(
          std::make_unique<InsertRnn>(OpId::AtenLstmInput, numRnn));
    }
    GreedyRewriteConfig config;
    config.fold = false;
    for (Operation &func : module->getRegion(0).front())
      if (func.is(OpId::Func))
        applyPatternsGreedily(&func, patterns, config);
    return success();
  }

private:
  ChoiceOption backend{*this,
                       "backend",
                       "The backend whose ops to insert: cpu (xnn.*) or "
                       "vulkan (vk.*)",
                       {"cpu", "vulkan"}};
  Statistic numFusedLinear{*this, "num-fused-linear",
                           "matmul/addmm/add forms turned into aten.linear"};
  Statistic numConv{*this, "num-conv",
                    "conv2d and conv_transpose2d ops prepacked"};
  Statistic numLinear{*this, "num-linear", "linear ops prepacked"};
  Statistic numRnn{*this, "num-rnn", "GRU and LSTM ops prepacked (vulkan)"};
};
} // namespace

std::unique_ptr<Pass> irc::createInsertPrepackPass() {
  return std::make_unique<InsertPrepackPass>();
}
