//===- XnnpackPartition.cpp - xnnpack-partition ---------------------------===//
//
// Matches: runs of consecutive ops of a block that XNNPACK can execute on
// float32 tensors of static shape (whyNotXnnpack says which and why not):
// the xnn.*_run ops with folded parameters; add/sub/mul/div (Tensor and
// Scalar, in-place forms, _add_relu); relu, relu6, hardtanh, clamp,
// clamp_min/max, hardswish, hardsigmoid, sigmoid, tanh, leaky_relu;
// max_pool2d, avg_pool2d, adaptive_avg_pool2d to 1x1 and mean over H and W;
// softmax over the last dim; constant pad; view/reshape/flatten/contiguous
// that keep the memory order; cat; chunk/split with their prim.list_unpack.
// Constants (and lists of them) in between do not break a run.
// Produces: one `xnn.partition` per run with at least one op that computes,
// holding the run's ops and copies of the constants they use; values made
// inside and used outside become its results. An in-place op joins only when
// every alias of the tensor it writes is made earlier in the run and read
// once, by the next op of a chain of in-place ops ending at it.
//
//===----------------------------------------------------------------------===//
#include "passes/XnnpackPartition.h"
#include "ir/Module.h"
#include "passes/Partitioning.h"
#include "passes/Pass.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"

using namespace irc;

namespace {

/// Memory order of 4-d values is NHWC inside a partition; a shape is in the
/// same order either way when it has one channel or one pixel.
bool plainOrder(llvm::ArrayRef<int64_t> s) {
  return s.size() != 4 || s[1] == 1 || s[2] * s[3] == 1;
}

std::string binaryReason(Operation *op) {
  llvm::StringRef name = op->getName();
  Type result = op->getResult(0)->getType();
  bool addOrSub = name.startswith("aten.add") || name.startswith("aten.sub") ||
                  name.startswith("aten._add_relu");
  if (addOrSub && op->getNumOperands() > 2) {
    std::optional<double> alpha = constantDouble(op->getOperand(2));
    if (!alpha || *alpha != 1.0)
      return "alpha is not the constant 1";
  }
  if (result.getShape().size() > 6)
    return "more than 6 dims";
  for (unsigned i = 0; i < 2; ++i) {
    Value *v = op->getOperand(i);
    if (!v->getType().isTensor()) {
      if (i == 1 && constantDouble(v))
        continue;
      return "operand is not a tensor or a constant number";
    }
    if (!isF32Static(v->getType()))
      return "operand is not a non-empty float32 tensor of static shape";
    llvm::ArrayRef<int64_t> s = v->getType().getShape();
    if (result.getShape().size() != 4 || s.size() == 4 || isConstantValue(v))
      continue;
    llvm::SmallVector<int64_t, 4> aligned(4 - s.size(), 1);
    aligned.append(s.begin(), s.end());
    if (aligned[1] != 1 && aligned[2] * aligned[3] != 1)
      return "a lower-rank operand broadcasts over both channels and pixels";
  }
  return "";
}

std::string unaryReason(Operation *op) {
  llvm::StringRef name = op->getName();
  for (unsigned i = 1; i < op->getNumOperands(); ++i)
    if (!isNoneConstant(op->getOperand(i)) &&
        !constantDouble(op->getOperand(i)))
      return "its bounds or slope are not constant numbers";
  if (name.startswith("aten.elu")) {
    for (unsigned i = 2; i < op->getNumOperands(); ++i)
      if (constantDouble(op->getOperand(i)) != 1.0)
        return "scale or input_scale other than 1";
  }
  if (name.startswith("aten.clamp") || name.startswith("aten.hardtanh")) {
    double lo = -INFINITY, hi = INFINITY;
    bool isMax = name.startswith("aten.clamp_max");
    if (name.startswith("aten.hardtanh"))
      lo = -1, hi = 1;
    if (op->getNumOperands() > 1 && constantDouble(op->getOperand(1)))
      (isMax ? hi : lo) = *constantDouble(op->getOperand(1));
    if (op->getNumOperands() > 2 && constantDouble(op->getOperand(2)))
      hi = *constantDouble(op->getOperand(2));
    if (!(lo < hi))
      return "an empty clamp range";
  }
  return "";
}

std::string poolReason(Operation *op) {
  llvm::SmallVector<int64_t, 2> k, s, p, d;
  Type in = op->getOperand(0)->getType(), out = op->getResult(0)->getType();
  if (in.getShape().size() != 4)
    return "input is not 4-d (batched NCHW)";
  if (!matchConstantIntList(op->getOperand(1), k) ||
      !matchConstantIntList(op->getOperand(2), s) ||
      !matchConstantIntList(op->getOperand(3), p) || k.size() != 2 ||
      (s.size() != 2 && !s.empty()) || p.size() != 2)
    return "kernel, stride or padding are not constant pairs";
  if (k[0] * k[1] == 1)
    return "a 1x1 window (XNNPACK rejects it)";
  if (op->getName() == "aten.max_pool2d") {
    if (!matchConstantIntList(op->getOperand(4), d) || d.size() != 2)
      return "dilation is not a constant pair";
    // Dilated windows with only ceil_mode's extra bottom/right padding
    // give the right values (test/unit/XnnpackPartitionTest.cpp).
    if ((d[0] != 1 || d[1] != 1) && (p[0] || p[1]))
      return "a dilated window over padding (XNNPACK reads outside it)";
    return "";
  }
  // avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad,
  // divisor_override)
  if (s.empty())
    s = k;
  if (!isNoneConstant(op->getOperand(6)))
    return "a divisor_override";
  Attribute include = getConstantValue(op->getOperand(5));
  if ((p[0] || p[1]) &&
      (!include || !include.is(Attribute::Kind::Bool) || include.getBool()))
    return "padding counted in the average (XNNPACK excludes it)";
  for (int i = 0; i < 2; ++i)
    if (out.getShape()[2 + i] !=
        (in.getShape()[2 + i] + 2 * p[i] - k[i]) / s[i] + 1)
      return "a ceil_mode window";
  return "";
}

/// Why XNNPACK cannot run `op` in a partition, or "" when it can. Lists and
/// chunks are judged with their users.
std::string reason(Operation *op) {
  llvm::StringRef name = op->getName();
  if (op->getNumRegions())
    return "control flow";
  for (Value *r : op->getResults())
    if (r->getType().isTensor() && !isF32Static(r->getType()))
      return "result is not a non-empty float32 tensor of static shape";
  if (std::optional<std::string> r = listOpReason(op, reason))
    return *r;
  if (name == "xnn.conv2d_run" || name == "xnn.conv_transpose2d_run" ||
      name == "xnn.linear_run") {
    if (std::string r = tensorOpReason(op); !r.empty())
      return r;
    Attribute params = op->getOperand(1)->getDefiningOp()->getAttr("value");
    if (!params || (!params.is(Attribute::Kind::Object) &&
                    !params.is(Attribute::Kind::SymbolRef)))
      return "packed parameters are not folded (run fold-prepack)";
    size_t rank = op->getOperand(0)->getType().getShape().size();
    if (name == "xnn.linear_run" && (rank == 4 || rank == 0))
      return "linear over the last dim of a 4-d tensor (W, not channels)";
    if (name != "xnn.linear_run" && rank != 4)
      return "input is not 4-d (batched NCHW)";
    return "";
  }
  if (isBinaryArithmetic(name))
    return binaryReason(op);
  if (isActivation(name)) {
    if (std::string r = tensorOpReason(op); !r.empty())
      return r;
    return unaryReason(op);
  }
  if (std::string r = tensorOpReason(op); !r.empty())
    return r;
  if (name == "aten.max_pool2d" || name == "aten.avg_pool2d")
    return poolReason(op);
  Type in = op->getNumOperands() ? op->getOperand(0)->getType() : Type();
  Type out = op->getNumResults() ? op->getResult(0)->getType() : Type();
  if (name == "aten.adaptive_avg_pool2d") {
    llvm::SmallVector<int64_t, 2> size;
    if (in.getShape().size() != 4 ||
        !matchConstantIntList(op->getOperand(1), size) || size.size() != 2 ||
        size[0] != 1 || size[1] != 1)
      return "not a 4-d input pooled to 1x1";
    return "";
  }
  if (name == "aten.mean.dim") {
    llvm::SmallVector<int64_t, 2> dims;
    if (in.getShape().size() != 4 ||
        !matchConstantIntList(op->getOperand(1), dims) || dims.size() != 2)
      return "not a mean over H and W of a 4-d input";
    for (int64_t &d : dims)
      d = d < 0 ? d + 4 : d;
    llvm::sort(dims);
    if (dims[0] != 2 || dims[1] != 3 || !isNoneConstant(op->getOperand(3)))
      return "not a mean over H and W of a 4-d input";
    return "";
  }
  if (name == "aten.softmax.int") {
    int64_t dim = 0, rank = int64_t(in.getShape().size());
    if (rank == 4 || rank == 0 || !matchConstantInt(op->getOperand(1), dim) ||
        (dim != -1 && dim != rank - 1) || !isNoneConstant(op->getOperand(2)))
      return "not a softmax over the last dim of a tensor that is not 4-d";
    return "";
  }
  if (name == "aten.channel_shuffle") {
    int64_t groups = 0;
    if (in.getShape().size() != 4)
      return "not a 4-d input";
    if (!matchConstantInt(op->getOperand(1), groups) || groups < 2 ||
        in.getShape()[1] % groups)
      return "groups do not split the channels in two or more";
    return "";
  }
  if (name == "aten.pad") {
    llvm::SmallVector<int64_t, 8> pads;
    Attribute mode = getConstantValue(op->getOperand(2));
    if (!mode || !mode.is(Attribute::Kind::String) ||
        mode.getString() != "constant")
      return "a padding mode other than constant";
    if (!matchConstantIntList(op->getOperand(1), pads) ||
        llvm::any_of(pads, [](int64_t p) { return p < 0; }))
      return "negative padding";
    return "";
  }
  if (isReshapeOp(op)) {
    if (in.getShape() != out.getShape() &&
        (!plainOrder(in.getShape()) || !plainOrder(out.getShape())))
      return "a reshape that moves data between NHWC and NCHW order";
    return "";
  }
  return "XNNPACK has no lowering for this op";
}

PartitionTarget xnnpackTarget() { return {OpId::XnnPartition, reason}; }

} // namespace

std::string irc::whyNotXnnpack(Operation *op) {
  return whyNotInPartition(op, xnnpackTarget());
}

std::unique_ptr<Pass> irc::createXnnpackPartitionPass() {
  return std::make_unique<PartitionPass>("xnnpack-partition", xnnpackTarget());
}
