//===- ConstantTensors.cpp - Compile-time tensor math for passes ----------===//
#include "passes/ConstantTensors.h"
#include "backends/lowering/Lowering.h"
#include "ir/Module.h"
#include "ir/WeightStore.h"
#include "runtime/Error.h"
#include <cmath>

using namespace irc;

std::optional<ConstantTensor> irc::matchConstantTensor(Value *v) {
  Operation *def = v->getDefiningOp();
  // Freeze gives a field declared `Tensor?` (BatchNorm's running stats) as
  // prim.unchecked_cast of the constant.
  while (def && def->is(OpId::PrimUncheckedCast)) {
    v = def->getOperand(0);
    def = v->getDefiningOp();
  }
  if (!def || !def->is(OpId::Constant))
    return std::nullopt;
  Attribute a = def->getAttr("value");
  ConstantTensor c;
  if (a && a.is(Attribute::Kind::SymbolRef)) {
    Operation *module = def->getParentOfType(OpId::Module);
    Operation *target = module ? lookupSymbol(module, a.getString()) : nullptr;
    if (!target || !target->is(OpId::ModuleConst))
      return std::nullopt;
    c.moduleConst = target;
    a = target->getAttr("value");
  }
  if (!a || !a.isElements())
    return std::nullopt;
  Type type = a.getElementsType();
  if (!type.hasStaticShape() || !toRuntimeDType(type.getDType()))
    return std::nullopt;
  c.elements = a;
  return c;
}

std::optional<rt::Tensor> irc::readConstantTensor(const ConstantTensor &c) {
  std::optional<llvm::ArrayRef<char>> data = c.elements.getRawData();
  Type type = c.getType();
  std::optional<rt::DType> dtype = toRuntimeDType(type.getDType());
  if (!data || !dtype)
    return std::nullopt;
  rt::Shape shape(type.getShape().begin(), type.getShape().end());
  // A view: the IR keeps the bytes alive longer than the pass needs them.
  std::shared_ptr<const void> owner(std::shared_ptr<void>(), data->data());
  return rt::Tensor::wrap(*dtype, shape, data->data(), owner);
}

namespace {
/// A symbol name based on `base` that no module symbol and no blob uses.
std::string uniqueName(Operation *module, llvm::StringRef base) {
  WeightStore &store = module->getContext().getWeightStore();
  std::string name = base.str();
  for (unsigned i = 1; lookupSymbol(module, name) || store.contains(name); ++i)
    name = (base + "." + llvm::Twine(i)).str();
  return name;
}

/// Adds `const @name = value` after `after` or before the function holding
/// `rw`'s insertion point; returns `constant @name` at the insertion point.
Value *createModuleConst(Rewriter &rw, Location loc, llvm::StringRef name,
                         Attribute value, Operation *after) {
  Context &ctx = rw.getContext();
  Operation *func =
      rw.getInsertionBlock()->getParentOp()->is(OpId::Func)
          ? rw.getInsertionBlock()->getParentOp()
          : rw.getInsertionBlock()->getParentOp()->getParentOfType(OpId::Func);
  // Module consts sit outside the rewritten function: a plain builder, so the
  // greedy driver's worklist never sees them.
  Builder b(ctx);
  if (after)
    b.setInsertionPointAfter(after);
  else
    b.setInsertionPoint(func);
  Type type = value.getElementsType();
  b.create(loc, OpId::ModuleConst, {}, {},
           {b.getNamedAttr("sym_name", getStringAttr(ctx, name)),
            b.getNamedAttr("type", getTypeAttr(type)),
            b.getNamedAttr("value", value)});
  return rw.createConstant(loc, getSymbolRefAttr(ctx, name), type);
}

Operation *moduleOf(Rewriter &rw) {
  Operation *parent = rw.getInsertionBlock()->getParentOp();
  return parent->getParentOfType(OpId::Module);
}
} // namespace

Value *irc::createReshapedConstant(Rewriter &rw, Location loc,
                                   const ConstantTensor &c, Type type,
                                   llvm::StringRef suffix) {
  Attribute a = c.elements;
  Attribute reshaped;
  if (a.is(Attribute::Kind::Blob)) {
    reshaped = getBlobAttr(type, a.getString(), a.getBlobOffset());
  } else if (std::optional<llvm::ArrayRef<char>> data = a.getRawData()) {
    reshaped = getDenseAttr(type, *data);
  } else {
    reshaped = getElidedDenseAttr(type);
  }
  if (!c.moduleConst)
    return rw.createConstant(loc, reshaped, type);
  Operation *module = moduleOf(rw);
  std::string name =
      uniqueName(module, (getSymbolName(c.moduleConst) + suffix).str());
  return createModuleConst(rw, loc, name, reshaped, c.moduleConst);
}

Value *irc::materializeTensor(Rewriter &rw, Location loc, const rt::Tensor &t,
                              DType dtype, llvm::StringRef baseName,
                              Operation *after) {
  Context &ctx = rw.getContext();
  rt::Tensor converted = t.to(*toRuntimeDType(dtype));
  llvm::ArrayRef<char> bytes(static_cast<const char *>(converted.rawData()),
                             size_t(converted.numel()) *
                                 rt::elementSize(converted.dtype()));
  Type type = getTensorType(ctx, converted.sizes(), dtype);
  std::string name = uniqueName(moduleOf(rw), baseName);
  Attribute value;
  if (type.getNumElements() <= Builder::kInlineElements) {
    value = getDenseAttr(type, bytes);
  } else {
    ctx.getWeightStore().addCopy(name, bytes);
    value = getBlobAttr(type, name);
  }
  return createModuleConst(rw, loc, name, value, after);
}

std::optional<BatchNormFold> irc::matchEvalBatchNorm(Operation *bn) {
  // (input, weight, bias, running_mean, running_var, training, momentum,
  //  eps, cudnn_enabled)
  Attribute training = getConstantValue(bn->getOperand(5));
  Attribute eps = getConstantValue(bn->getOperand(7));
  if (!training || !training.is(Attribute::Kind::Bool) || training.getBool() ||
      !eps || !(eps.is(Attribute::Kind::Float) || eps.is(Attribute::Kind::Int)))
    return std::nullopt;
  double epsValue =
      eps.is(Attribute::Kind::Float) ? eps.getFloat() : double(eps.getInt());
  // Each parameter as doubles; none gives `fallback` (weight 1, bias 0).
  auto read = [](Value *v, std::optional<double> fallback,
                 std::vector<double> &out) -> std::optional<ConstantTensor> {
    Attribute a = getConstantValue(lookThroughCasts(v));
    if (fallback && a && a.is(Attribute::Kind::None))
      return ConstantTensor();
    std::optional<ConstantTensor> c = matchConstantTensor(v);
    if (!c || !isFloatDType(c->getType().getDType()))
      return std::nullopt;
    std::optional<rt::Tensor> t = readConstantTensor(*c);
    if (!t || t->dim() != 1)
      return std::nullopt;
    rt::Tensor d = t->to(rt::DType::F64);
    out.assign(d.data<double>(), d.data<double>() + d.numel());
    return c;
  };
  BatchNormFold fold;
  std::vector<double> gamma, var;
  std::optional<ConstantTensor> mean;
  try {
    if (!read(bn->getOperand(1), 1.0, gamma) ||
        !read(bn->getOperand(2), 0.0, fold.beta) ||
        !(mean = read(bn->getOperand(3), std::nullopt, fold.mean)) ||
        !read(bn->getOperand(4), std::nullopt, var))
      return std::nullopt;
  } catch (const rt::Error &) {
    return std::nullopt;
  }
  size_t channels = fold.mean.size();
  if (var.size() != channels)
    return std::nullopt;
  if (gamma.empty())
    gamma.assign(channels, 1.0);
  if (fold.beta.empty())
    fold.beta.assign(channels, 0.0);
  if (gamma.size() != channels || fold.beta.size() != channels)
    return std::nullopt;
  fold.scale.resize(channels);
  for (size_t c = 0; c < channels; ++c)
    fold.scale[c] = gamma[c] / std::sqrt(var[c] + epsValue);
  fold.meanConst = *mean;
  return fold;
}

std::optional<std::pair<Value *, Value *>> irc::foldBatchNormIntoWeights(
    Rewriter &rw, Location loc, const BatchNormFold &bn,
    const ConstantTensor &weight, const std::optional<ConstantTensor> &bias,
    unsigned outDim, int64_t groups) {
  Type wType = weight.getType();
  DType dtype = wType.getDType();
  if (!isFloatDType(dtype) || wType.getRank() <= outDim || groups < 1)
    return std::nullopt;
  llvm::ArrayRef<int64_t> shape = wType.getShape();
  int64_t channels = int64_t(bn.scale.size());
  // The weight as (outer, out channels of a group, inner) blocks: for a
  // transposed conv, dim 0 holds groups * (in channels per group).
  int64_t outer = 1, inner = 1;
  for (unsigned d = 0; d < outDim; ++d)
    outer *= shape[d];
  for (unsigned d = outDim + 1; d < shape.size(); ++d)
    inner *= shape[d];
  int64_t perGroup = shape[outDim];
  if (outer % groups || perGroup * groups != channels)
    return std::nullopt;
  int64_t outerPerGroup = outer / groups;
  rt::Tensor w, b;
  try {
    std::optional<rt::Tensor> wIn = readConstantTensor(weight);
    if (!wIn)
      return std::nullopt;
    w = wIn->to(rt::DType::F64, /*copy=*/true);
    double *wd = w.mutableData<double>();
    for (int64_t o = 0; o < outer; ++o) {
      int64_t group = o / outerPerGroup;
      for (int64_t j = 0; j < perGroup; ++j) {
        double s = bn.scale[group * perGroup + j];
        double *block = wd + (o * perGroup + j) * inner;
        for (int64_t i = 0; i < inner; ++i)
          block[i] *= s;
      }
    }
    b = rt::Tensor::zeros(rt::DType::F64, {channels});
    double *bd = b.mutableData<double>();
    if (bias) {
      std::optional<rt::Tensor> bIn = readConstantTensor(*bias);
      if (!bIn || bIn->numel() != channels)
        return std::nullopt;
      rt::Tensor b64 = bIn->to(rt::DType::F64);
      std::copy(b64.data<double>(), b64.data<double>() + channels, bd);
    }
    // PyTorch's (b - mean) * rsqrt(var + eps) * gamma + beta.
    for (int64_t c = 0; c < channels; ++c)
      bd[c] = (bd[c] - bn.mean[c]) * bn.scale[c] + bn.beta[c];
  } catch (const rt::Error &) {
    return std::nullopt;
  }
  // Names after the weight's and bias's module consts.
  std::string wName = weight.moduleConst
                          ? getSymbolName(weight.moduleConst).str() + ".folded"
                          : std::string("folded.weight");
  std::string bName;
  if (bias && bias->moduleConst)
    bName = getSymbolName(bias->moduleConst).str() + ".folded";
  else if (!weight.moduleConst)
    bName = "folded.bias";
  else if (llvm::StringRef(wName).endswith(".weight.folded"))
    bName = llvm::StringRef(wName).drop_back(14).str() + ".bias.folded";
  else
    bName = getSymbolName(weight.moduleConst).str() + ".bias.folded";
  DType bDType = bias ? bias->getType().getDType() : dtype;
  if (!isFloatDType(bDType))
    bDType = dtype;
  Value *newW = materializeTensor(rw, loc, w, dtype, wName, weight.moduleConst);
  // The folded bias goes after the bias it replaces, else after the folded
  // weight.
  Operation *after = bias && bias->moduleConst ? bias->moduleConst : nullptr;
  if (!after && weight.moduleConst)
    after = lookupSymbol(moduleOf(rw),
                         newW->getDefiningOp()->getAttr("value").getString());
  Value *newB = materializeTensor(rw, loc, b, bDType, bName, after);
  return std::make_pair(newW, newB);
}

void irc::eraseIfUnused(Rewriter &rw, Value *v) {
  Operation *def = v->getDefiningOp();
  if (def && def->is(OpId::Constant) && v->use_empty())
    rw.eraseOp(def);
}

Value *irc::lookThroughCasts(Value *v) {
  while (Operation *def = v->getDefiningOp()) {
    if (!def->is(OpId::PrimUncheckedCast))
      break;
    v = def->getOperand(0);
  }
  return v;
}

bool irc::isOnlyDataUse(Value *v, Operation *user) {
  for (OpOperand &use : v->getUses()) {
    Operation *other = use.getOwner();
    if (other == user)
      continue;
    // What these read (rank, sizes, dtype, device) a fold keeps.
    if (!other->is(OpId::AtenDim) && !other->is(OpId::AtenSize) &&
        !other->is(OpId::AtenSizeInt) && !other->is(OpId::AtenLenTensor) &&
        !other->is(OpId::PrimDType) && !other->is(OpId::PrimDevice))
      return false;
  }
  return true;
}

LogicalResult irc::foldBatchNormInto(Rewriter &rw, Operation *op, Operation *bn,
                                     const ConstantTensor &weight,
                                     unsigned outDim, int64_t groups) {
  std::optional<ConstantTensor> bias;
  Attribute none = getConstantValue(lookThroughCasts(op->getOperand(2)));
  if (!none || !none.is(Attribute::Kind::None)) {
    bias = matchConstantTensor(op->getOperand(2));
    if (!bias)
      return failure();
  }
  std::optional<BatchNormFold> fold = matchEvalBatchNorm(bn);
  if (!fold)
    return failure();
  rw.setInsertionPoint(op);
  auto folded = foldBatchNormIntoWeights(rw, op->getLoc(), *fold, weight, bias,
                                         outDim, groups);
  if (!folded)
    return failure();
  Value *oldWeight = op->getOperand(1), *oldBias = op->getOperand(2);
  rw.modifyOpInPlace(op, [&] {
    op->setOperand(1, folded->first);
    op->setOperand(2, folded->second);
  });
  rw.replaceOp(bn, {bn->getOperand(0)});
  eraseIfUnused(rw, oldWeight);
  eraseIfUnused(rw, oldBias);
  return success();
}
