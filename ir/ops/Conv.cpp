//===- Conv.cpp - Shape rules of convolution, linear algebra, pooling -----===//
#include "ir/Packed.h"
#include "ir/ops/ShapeUtils.h"

using namespace irc;

/// Output size of a window op along one dim, or kDynamic. Computed in 128
/// bits: the parameters are user constants and may be absurd.
static int64_t windowOutput(int64_t in, int64_t kernel, int64_t stride,
                            int64_t pad, int64_t dilation, bool ceilMode) {
  if (!isStatic(in) || !isStatic(kernel))
    return kDynamic;
  __int128 span =
      __int128(in) + 2 * __int128(pad) - __int128(dilation) * (kernel - 1) - 1;
  if (span < 0)
    return 0;
  __int128 out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // PyTorch: the last window must start inside the input or left padding.
  if (ceilMode && (out - 1) * stride >= __int128(in) + pad)
    --out;
  return out > INT64_MAX ? kDynamic : int64_t(out);
}

/// Result of a 2-D window op on `input` (3-D unbatched or 4-D). Empty
/// stride/padding/dilation lists mean "not constant": spatial dims are then
/// dynamic. `same` padding keeps the spatial size.
static LogicalResult
inferWindow2d(Operation *op, Type input, int64_t outChannels,
              llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> s,
              llvm::ArrayRef<int64_t> p, llvm::ArrayRef<int64_t> d,
              bool ceilMode, bool same, llvm::SmallVectorImpl<Type> &results) {
  auto nonPositive = [](int64_t x) { return x <= 0; };
  if (llvm::any_of(s, nonPositive) || llvm::any_of(d, nonPositive))
    return op->emitOpError() << "stride and dilation must be positive";
  if (llvm::any_of(p, [](int64_t x) { return x < 0; }))
    return op->emitOpError() << "padding must not be negative";
  unsigned rank = input.getRank();
  auto shape = llvm::to_vector<4>(input.getShape());
  if (outChannels != 0)
    shape[rank - 3] = outChannels;
  bool known = !s.empty() && !p.empty() && !d.empty();
  for (unsigned i = 0; i < 2 && !same; ++i) {
    int64_t &dim = shape[rank - 2 + i];
    dim = known ? windowOutput(dim, kernel[i], s[i], p[i], d[i], ceilMode)
                : kDynamic;
    if (dim == 0)
      return op->emitOpError()
             << "computed output size is empty for input " << input;
  }
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferConv2d(Operation *op,
                               llvm::SmallVectorImpl<Type> &results) {
  Type input = op->getOperand(0)->getType();
  Type weight = op->getOperand(1)->getType();
  if (input.hasRank() && input.getRank() != 3 && input.getRank() != 4)
    return op->emitOpError() << "expected a 3-D or 4-D input, got " << input;
  if (weight.hasRank() && weight.getRank() != 4)
    return op->emitOpError() << "expected a 4-D weight, got " << weight;
  if (!input.hasRank() || !weight.hasRank())
    return unknownShape(op, results, input.getDType());
  int64_t groups;
  int64_t inC = input.getShape()[input.getRank() - 3];
  int64_t outC = weight.getShape()[0], perGroup = weight.getShape()[1];
  if (matchConstantInt(op->getOperand(6), groups)) {
    if (groups <= 0)
      return op->emitOpError() << "groups must be positive, got " << groups;
    if (isStatic(inC) && isStatic(perGroup) && inC != perGroup * groups)
      return op->emitOpError()
             << "input has " << inC << " channels but the weight expects "
             << perGroup * groups << " (" << perGroup << " x " << groups
             << " groups)";
    if (isStatic(outC) && outC % groups != 0)
      return op->emitOpError()
             << "weight has " << outC << " output channels, not divisible by "
             << groups << " groups";
  }
  llvm::SmallVector<int64_t, 2> s, p, d;
  bool same = false;
  if (op->is(OpId::AtenConv2dPadding)) {
    Attribute mode = getConstantValue(op->getOperand(4));
    if (mode && mode.is(Attribute::Kind::String)) {
      if (mode.getString() != "same" && mode.getString() != "valid")
        return op->emitOpError()
               << "padding must be 'same' or 'valid', got " << mode;
      same = mode.getString() == "same";
      p.assign(2, 0); // 'valid' is zero padding
    }
  } else if (!matchSpatialList(op->getOperand(4), 2, p)) {
    p.clear();
  }
  if (!matchSpatialList(op->getOperand(3), 2, s))
    s.clear();
  if (!matchSpatialList(op->getOperand(5), 2, d))
    d.clear();
  int64_t kernel[] = {weight.getShape()[2], weight.getShape()[3]};
  return inferWindow2d(op, input, outC, kernel, s, p, d, false, same, results);
}

LogicalResult irc::inferConv1d(Operation *op,
                               llvm::SmallVectorImpl<Type> &results) {
  // (input (N, C, L) or (C, L), weight (O, C/groups, K), bias, stride,
  //  padding (ints, or 'same'/'valid' for conv1d.padding), dilation, groups)
  // Other ranks are left to the kernel: canonicalize turns aten._convolution
  // with one-element lists into conv1d whatever the input's rank.
  Type input = op->getOperand(0)->getType();
  Type weight = op->getOperand(1)->getType();
  if (!input.hasRank() || !weight.hasRank() || weight.getRank() != 3 ||
      (input.getRank() != 2 && input.getRank() != 3))
    return unknownShape(op, results, input.getDType());
  auto shape = llvm::to_vector<3>(input.getShape());
  unsigned rank = shape.size();
  shape[rank - 2] = weight.getShape()[0];
  llvm::SmallVector<int64_t, 1> s, p, d;
  bool same = false, known = matchSpatialList(op->getOperand(3), 1, s) &&
                             matchSpatialList(op->getOperand(5), 1, d);
  if (op->is(OpId::AtenConv1dPadding)) {
    Attribute mode = getConstantValue(op->getOperand(4));
    known &= mode && mode.is(Attribute::Kind::String) &&
             (mode.getString() == "same" || mode.getString() == "valid");
    same = known && mode.getString() == "same";
    p.assign(1, 0);
  } else {
    known &= matchSpatialList(op->getOperand(4), 1, p);
  }
  int64_t &len = shape[rank - 1];
  if (!known || llvm::any_of(s, [](int64_t x) { return x <= 0; }) ||
      llvm::any_of(d, [](int64_t x) { return x <= 0; }) || p[0] < 0)
    len = kDynamic;
  else if (!same)
    len = windowOutput(len, weight.getShape()[2], s[0], p[0], d[0], false);
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferMaxPool2d(Operation *op,
                                  llvm::SmallVectorImpl<Type> &results) {
  Type input = op->getOperand(0)->getType();
  if (input.hasRank() && input.getRank() != 3 && input.getRank() != 4)
    return op->emitOpError() << "expected a 3-D or 4-D input, got " << input;
  llvm::SmallVector<int64_t, 2> kernel, s, p, d;
  Attribute ceil = getConstantValue(op->getOperand(5));
  if (!input.hasRank() || !matchSpatialList(op->getOperand(1), 2, kernel) ||
      !ceil || !ceil.is(Attribute::Kind::Bool))
    return unknownShape(op, results, input.getDType());
  // An empty stride list means stride = kernel size.
  if (matchConstantIntList(op->getOperand(2), s) && s.empty())
    s = kernel;
  else if (!matchSpatialList(op->getOperand(2), 2, s))
    s.clear();
  if (!matchSpatialList(op->getOperand(3), 2, p))
    p.clear();
  if (!matchSpatialList(op->getOperand(4), 2, d))
    d.clear();
  return inferWindow2d(op, input, 0, kernel, s, p, d, ceil.getBool(), false,
                       results);
}

LogicalResult irc::inferAvgPool2d(Operation *op,
                                  llvm::SmallVectorImpl<Type> &results) {
  // (self, kernel_size, stride=[], padding=0, ceil_mode=False,
  //  count_include_pad=True, divisor_override=None)
  Type input = op->getOperand(0)->getType();
  if (input.hasRank() && input.getRank() != 3 && input.getRank() != 4)
    return op->emitOpError() << "expected a 3-D or 4-D input, got " << input;
  llvm::SmallVector<int64_t, 2> kernel, s, p, d{1, 1};
  Attribute ceil = getConstantValue(op->getOperand(4));
  if (!input.hasRank() || !matchSpatialList(op->getOperand(1), 2, kernel) ||
      !ceil || !ceil.is(Attribute::Kind::Bool))
    return unknownShape(op, results, input.getDType());
  if (matchConstantIntList(op->getOperand(2), s) && s.empty())
    s = kernel;
  else if (!matchSpatialList(op->getOperand(2), 2, s))
    s.clear();
  if (!matchSpatialList(op->getOperand(3), 2, p))
    p.clear();
  return inferWindow2d(op, input, 0, kernel, s, p, d, ceil.getBool(), false,
                       results);
}

LogicalResult
irc::inferAdaptiveAvgPool2d(Operation *op,
                            llvm::SmallVectorImpl<Type> &results) {
  Type input = op->getOperand(0)->getType();
  if (input.hasRank() && input.getRank() != 3 && input.getRank() != 4)
    return op->emitOpError() << "expected a 3-D or 4-D input, got " << input;
  llvm::SmallVector<int64_t, 2> size;
  if (!input.hasRank() || !matchSpatialList(op->getOperand(1), 2, size))
    return unknownShape(op, results, input.getDType());
  llvm::SmallVector<int64_t, 4> shape(input.getShape().begin(),
                                      input.getShape().end());
  shape[shape.size() - 2] = size[0];
  shape[shape.size() - 1] = size[1];
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferLinear(Operation *op,
                               llvm::SmallVectorImpl<Type> &results) {
  Type input = op->getOperand(0)->getType();
  Type weight = op->getOperand(1)->getType();
  if (weight.hasRank() && weight.getRank() != 2 && weight.getRank() != 1)
    return op->emitOpError() << "expected a 1-D or 2-D weight, got " << weight;
  if (!input.hasRank() || !weight.hasRank() || input.getRank() == 0)
    return unknownShape(op, results, input.getDType());
  int64_t in = input.getShape().back(), wIn = weight.getShape().back();
  if (isStatic(in) && isStatic(wIn) && in != wIn)
    return op->emitOpError()
           << "input has " << in << " features but the weight expects " << wIn;
  auto shape = llvm::to_vector<4>(input.getShape().drop_back());
  if (weight.getRank() == 2)
    shape.push_back(weight.getShape()[0]);
  results.push_back(getTensorType(op->getContext(), shape, input.getDType()));
  return success();
}

LogicalResult irc::inferMatmul(Operation *op,
                               llvm::SmallVectorImpl<Type> &results) {
  Type a = op->getOperand(0)->getType(), b = op->getOperand(1)->getType();
  DType dt = a.getDType() == b.getDType() ? a.getDType() : DType::Unknown;
  if (!a.hasRank() || !b.hasRank())
    return unknownShape(op, results, dt);
  if (a.getRank() == 0 || b.getRank() == 0)
    return op->emitOpError()
           << "operands must be at least 1-D, got " << a << " and " << b;
  // Promote vectors to matrices, multiply, then drop the added dims.
  auto sa = llvm::to_vector<4>(a.getShape());
  auto sb = llvm::to_vector<4>(b.getShape());
  bool vecA = sa.size() == 1, vecB = sb.size() == 1;
  if (vecA)
    sa.insert(sa.begin(), 1);
  if (vecB)
    sb.push_back(1);
  int64_t k1 = sa.back(), k2 = sb[sb.size() - 2];
  if (isStatic(k1) && isStatic(k2) && k1 != k2)
    return op->emitOpError()
           << "contracting dims differ: " << a << " and " << b;
  llvm::ArrayRef<int64_t> batchA = llvm::ArrayRef<int64_t>(sa).drop_back(2);
  llvm::ArrayRef<int64_t> batchB = llvm::ArrayRef<int64_t>(sb).drop_back(2);
  unsigned batchRank = std::max(batchA.size(), batchB.size());
  llvm::SmallVector<int64_t, 4> shape;
  for (unsigned i = 0; i < batchRank; ++i) {
    auto dim = [&](llvm::ArrayRef<int64_t> s) -> int64_t {
      int64_t j = int64_t(i) - int64_t(batchRank - s.size());
      return j < 0 ? 1 : s[j];
    };
    int64_t x = dim(batchA), y = dim(batchB);
    if (isStatic(x) && isStatic(y) && x != y && x != 1 && y != 1)
      return op->emitOpError()
             << "batch dims do not broadcast: " << a << " and " << b;
    shape.push_back(x == 1 ? y : (y == 1 || !isStatic(y)) ? x : y);
  }
  if (!vecA)
    shape.push_back(sa[sa.size() - 2]);
  if (!vecB)
    shape.push_back(sb.back());
  results.push_back(getTensorType(op->getContext(), shape, dt));
  return success();
}

LogicalResult irc::inferAddmm(Operation *op,
                              llvm::SmallVectorImpl<Type> &results) {
  // (self, mat1, mat2, *, beta, alpha): mat1 @ mat2 plus self broadcast.
  Type self = op->getOperand(0)->getType();
  Type a = op->getOperand(1)->getType(), b = op->getOperand(2)->getType();
  DType dt = self.getDType() == a.getDType() && a.getDType() == b.getDType()
                 ? a.getDType()
                 : DType::Unknown;
  if (!a.hasRank() || !b.hasRank())
    return unknownShape(op, results, dt);
  if (a.getRank() != 2 || b.getRank() != 2)
    return op->emitOpError()
           << "expected 2-D matrices, got " << a << " and " << b;
  int64_t k1 = a.getShape()[1], k2 = b.getShape()[0];
  if (isStatic(k1) && isStatic(k2) && k1 != k2)
    return op->emitOpError()
           << "contracting dims differ: " << a << " and " << b;
  results.push_back(
      getTensorType(op->getContext(), {a.getShape()[0], b.getShape()[1]}, dt));
  return success();
}

LogicalResult irc::inferEmbedding(Operation *op,
                                  llvm::SmallVectorImpl<Type> &results) {
  // (weight, indices, ...): one weight row per index.
  Type weight = op->getOperand(0)->getType();
  Type indices = op->getOperand(1)->getType();
  if (weight.hasRank() && weight.getRank() != 2)
    return op->emitOpError() << "expected a 2-D weight, got " << weight;
  if (!weight.hasRank() || !indices.hasRank())
    return unknownShape(op, results, weight.getDType());
  auto shape = llvm::to_vector<4>(indices.getShape());
  shape.push_back(weight.getShape()[1]);
  results.push_back(getTensorType(op->getContext(), shape, weight.getDType()));
  return success();
}

/// The output of a recurrent layer on `input` ((L, N, H_in), (N, L, H_in)
/// batch-first, or (L, H_in) unbatched): the input's leading dims and
/// D * `hidden` features, D = 2 when `bidirectional` (an operand) is true.
static Type recurrentOutput(Type input, Value *bidirectional, int64_t hidden) {
  Context &ctx = input.getContext();
  if (!input.hasRank() || input.getRank() == 0)
    return getUnrankedTensorType(ctx, input.getDType());
  Attribute bidi = getConstantValue(bidirectional);
  int64_t features = kDynamic;
  if (bidi && bidi.is(Attribute::Kind::Bool) && isStatic(hidden))
    features = (bidi.getBool() ? 2 : 1) * hidden;
  auto shape = llvm::to_vector<4>(input.getShape().drop_back());
  shape.push_back(features);
  return getTensorType(ctx, shape, input.getDType());
}

LogicalResult irc::inferGru(Operation *op,
                            llvm::SmallVectorImpl<Type> &results) {
  // gru.input: (input, hx, params, has_biases, num_layers, dropout, train,
  // bidirectional, batch_first) -> (output, h_n); h_n is shaped as hx.
  Type input = op->getOperand(0)->getType();
  Type hx = op->getOperand(1)->getType();
  int64_t hidden =
      hx.hasRank() && hx.getRank() ? hx.getShape().back() : kDynamic;
  results.push_back(recurrentOutput(input, op->getOperand(7), hidden));
  results.push_back(hx);
  return success();
}

LogicalResult irc::inferLstm(Operation *op,
                             llvm::SmallVectorImpl<Type> &results) {
  // lstm.input: (input, hx: [h0, c0], params, has_biases, num_layers,
  // dropout, train, bidirectional, batch_first) -> (output, h_n, c_n); h_n
  // and c_n are shaped as h0 and c0 (h0's last dim is the projection size
  // when there is one, and the output's features are D times it).
  Type input = op->getOperand(0)->getType();
  Operation *hx = op->getOperand(1)->getDefiningOp();
  Type unknown = getUnrankedTensorType(op->getContext(), input.getDType());
  Type h = unknown, c = unknown;
  if (hx && hx->is(OpId::PrimListConstruct) && hx->getNumOperands() == 2) {
    h = hx->getOperand(0)->getType();
    c = hx->getOperand(1)->getType();
  }
  int64_t hidden = h.hasRank() && h.getRank() ? h.getShape().back() : kDynamic;
  results.push_back(recurrentOutput(input, op->getOperand(7), hidden));
  results.push_back(h);
  results.push_back(c);
  return success();
}

//===----------------------------------------------------------------------===//
// Packed parameters (xnn.*, vk.*)
//===----------------------------------------------------------------------===//

/// Checks what is constant of a prepack op: weight rank, groups, window
/// parameters and clamp bounds (output_min < output_max, as XNNPACK wants).
LogicalResult irc::verifyPrepack(Operation *op) {
  llvm::SmallVector<PackedField, 9> f;
  // A result of another type is the schema check's to report.
  if (!getPackedFields(op->getResult(0), f))
    return success();
  const Schema &schema = op->getContext().getOpInfo(op->getId()).schema;
  auto field = [&](llvm::StringRef name) -> PackedField {
    int i = schema.lookupParam(name);
    return i < 0 ? PackedField() : f[i];
  };
  bool linear = schema.params.size() == 4;
  Type weight = field("weight").type;
  unsigned rank = linear ? 2 : 4;
  if (weight.hasRank() && weight.getRank() != rank)
    return op->emitOpError()
           << "expected a " << rank << "-D weight, got " << weight;
  for (llvm::StringRef name : {"weight", "bias"}) {
    Type t = field(name).type;
    if (t && t.isTensor() && t.getDType() != DType::Unknown &&
        t.getDType() != DType::F32)
      return op->emitOpError()
             << "expected a float32 " << name << ", got " << t;
  }
  Type bias = field("bias").type;
  if (bias && bias.hasRank() && bias.getRank() != 1)
    return op->emitOpError() << "expected a 1-D bias, got " << bias;
  // Output channels: weight dim 0, or dim 1 * groups when transposed.
  llvm::SmallVector<int64_t, 2> groups;
  int64_t out = kDynamic;
  if (weight.hasRank() && weight.getRank() == rank) {
    if (schema.lookupParam("output_padding") < 0)
      out = weight.getShape()[0];
    else if (getIntsOf(field("groups").value, groups) &&
             isStatic(weight.getShape()[1]))
      out = weight.getShape()[1] * groups[0];
  }
  if (bias && bias.hasRank() && bias.getRank() == 1 && isStatic(out) &&
      isStatic(bias.getShape()[0]) && bias.getShape()[0] != out)
    return op->emitOpError()
           << "expected a bias of " << out << " elements for weight " << weight
           << ", got " << bias;
  llvm::SmallVector<int64_t, 2> xs;
  for (llvm::StringRef name : {"stride", "dilation"})
    if (getIntsOf(field(name).value, xs) &&
        llvm::any_of(xs, [](int64_t x) { return x <= 0; }))
      return op->emitOpError() << name << " must be positive";
  for (llvm::StringRef name : {"padding", "output_padding"})
    if (getIntsOf(field(name).value, xs) &&
        llvm::any_of(xs, [](int64_t x) { return x < 0; }))
      return op->emitOpError() << name << " must not be negative";
  if (getIntsOf(field("groups").value, xs) && xs[0] <= 0)
    return op->emitOpError() << "groups must be positive";
  Attribute lo = field("output_min").value, hi = field("output_max").value;
  if (lo && hi && lo.is(Attribute::Kind::Float) &&
      hi.is(Attribute::Kind::Float) && !(lo.getFloat() < hi.getFloat()))
    return op->emitOpError()
           << "output_min (" << lo.getFloat()
           << ") must be less than output_max (" << hi.getFloat() << ")";
  return success();
}

/// The result types of a run op from its input and the fields of its
/// packed parameters, as the aten op it replaces would have them.
LogicalResult irc::inferPackedRun(Operation *op,
                                  llvm::SmallVectorImpl<Type> &results) {
  Context &ctx = op->getContext();
  Value *params = op->getOperand(op->getNumOperands() - 1);
  Type input = op->getOperand(0)->getType();
  llvm::SmallVector<PackedField, 9> f;
  const OpInfo *prepack = getPrepackOp(params->getType());
  if (!prepack || !getPackedFields(params, f)) {
    for (unsigned i = 0; i < op->getNumResults(); ++i)
      results.push_back(getUnrankedTensorType(ctx, input.getDType()));
    return success();
  }
  auto field = [&](llvm::StringRef name) -> PackedField {
    int i = prepack->schema.lookupParam(name);
    return i < 0 ? PackedField() : f[i];
  };
  llvm::SmallVector<int64_t, 2> s, p, d, op2, g;
  auto spatial = [&](llvm::StringRef name, llvm::SmallVectorImpl<int64_t> &xs) {
    if (getIntsOf(field(name).value, xs) && xs.size() == 1)
      xs.push_back(xs[0]);
    if (xs.size() != 2)
      xs.clear();
  };
  Type weight = field("weight").type;
  llvm::StringRef kind = params->getType().getName();
  kind = kind.substr(kind.find('.') + 1);
  if (kind == "linear_params") {
    if (!input.hasRank() || !weight.hasRank() || input.getRank() == 0 ||
        weight.getRank() != 2)
      return unknownShape(op, results, input.getDType());
    auto shape = llvm::to_vector<4>(input.getShape().drop_back());
    shape.push_back(weight.getShape()[0]);
    results.push_back(getTensorType(ctx, shape, input.getDType()));
    return success();
  }
  if (kind == "gru_params" || kind == "lstm_params") {
    // (output, h_n[, c_n]): h_n and c_n are shaped as the states given.
    Attribute bidi = field("bidirectional").value;
    Type h = op->getOperand(1)->getType();
    int64_t hidden =
        h.hasRank() && h.getRank() ? h.getShape().back() : kDynamic;
    if (!input.hasRank() || input.getRank() == 0) {
      results.push_back(getUnrankedTensorType(ctx, input.getDType()));
    } else {
      auto shape = llvm::to_vector<4>(input.getShape().drop_back());
      shape.push_back(bidi && bidi.is(Attribute::Kind::Bool) && isStatic(hidden)
                          ? (bidi.getBool() ? 2 : 1) * hidden
                          : kDynamic);
      results.push_back(getTensorType(ctx, shape, input.getDType()));
    }
    for (unsigned i = 1; i < op->getNumResults(); ++i)
      results.push_back(op->getOperand(i)->getType());
    return success();
  }
  // conv2d_params / conv_transpose2d_params on a 4-D (or 3-D unbatched)
  // input.
  if (!input.hasRank() || !weight.hasRank() || weight.getRank() != 4 ||
      (input.getRank() != 3 && input.getRank() != 4))
    return unknownShape(op, results, input.getDType());
  spatial("stride", s);
  spatial("padding", p);
  spatial("dilation", d);
  if (!getIntsOf(field("groups").value, g) || g[0] <= 0)
    g.assign(1, kDynamic);
  int64_t kernel[] = {weight.getShape()[2], weight.getShape()[3]};
  if (kind == "conv2d_params")
    return inferWindow2d(op, input, weight.getShape()[0], kernel, s, p, d,
                         false, false, results);
  // Transposed: out = (in - 1) * s - 2p + d * (k - 1) + output_padding + 1.
  spatial("output_padding", op2);
  unsigned rank = input.getRank();
  auto shape = llvm::to_vector<4>(input.getShape());
  shape[rank - 3] = isStatic(g[0]) && isStatic(weight.getShape()[1])
                        ? weight.getShape()[1] * g[0]
                        : kDynamic;
  for (unsigned i = 0; i < 2; ++i) {
    int64_t &dim = shape[rank - 2 + i];
    if (s.empty() || p.empty() || d.empty() || op2.empty() || !isStatic(dim) ||
        !isStatic(kernel[i])) {
      dim = kDynamic;
      continue;
    }
    __int128 out = (__int128(dim) - 1) * s[i] - 2 * __int128(p[i]) +
                   __int128(d[i]) * (kernel[i] - 1) + op2[i] + 1;
    if (out <= 0)
      return op->emitOpError()
             << "computed output size is empty for input " << input;
    dim = out > INT64_MAX ? kDynamic : int64_t(out);
  }
  results.push_back(getTensorType(ctx, shape, input.getDType()));
  return success();
}
