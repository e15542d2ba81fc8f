//===- Partition.cpp - xnn.partition: NHWC programs of XNNPACK operators --===//
//
// An `xnn.partition` is compiled once, when the plan is prepared, into a
// list of XNNPACK operators: weights are packed then, every operator is set
// up once on fixed addresses in the model's activation arena (values placed
// by liveness with planMemory), and a run is the boundary conversions plus
// one xnn_run_operator per step. Inside, a 4-d value is stored NHWC and any
// other value contiguous in its logical order; only the partition's inputs
// and outputs convert. The xnnpack-partition pass decides what goes in; each
// builder here checks again what it relies on and reports the op otherwise.
//
//===----------------------------------------------------------------------===//

#include "backends/reference/PackedParams.h"
#include "backends/xnnpack/Model.h"
#include "backends/xnnpack/Winograd.h"
#include "backends/xnnpack/XnnpackKernels.h"
#include "runtime/MemoryPlanner.h"
#include "runtime/PartitionBody.h"
#include "runtime/Plan.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <unordered_map>

using namespace irc::rt;
using namespace irc::rt::xnnpack;
using ref::Kind;
using ref::Packed;

namespace {

using Dims = std::vector<size_t>;

/// XNNPACK kernels may read (never use) up to this many bytes past a
/// buffer's end.
constexpr size_t ExtraBytes = 16;

/// Where a value of the partition lives.
struct Slot {
  Shape shape;       // logical (NCHW) sizes
  bool nhwc = false; // 4-d: stored NHWC
  int buffer = -1;   // arena buffer, or -1 for a constant
  const float *constant = nullptr;

  int64_t numel() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
  /// The sizes in storage order.
  Dims physical() const {
    Dims d(shape.begin(), shape.end());
    if (nhwc)
      d = {d[0], d[2], d[3], d[1]};
    return d;
  }
};

struct Partition;

/// One step of a run: an XNNPACK operator (set up once, on fixed
/// addresses), or irc's own code (`run`, for Winograd's transforms).
struct Step {
  std::shared_ptr<Operator> op;
  std::function<void(Partition &)> setup;
  std::function<void(Partition &)> run;
};

struct Partition {
  std::shared_ptr<Model> model;
  std::unordered_map<uint32_t, Slot> slots;
  std::vector<BufferRequest> buffers;
  MemoryPlan memory;
  std::vector<std::unique_ptr<float[]>> constants;
  std::vector<uint32_t> inputs, outputs;
  std::vector<Step> steps;

  float *ptr(uint32_t reg) {
    Slot &s = slots.at(reg);
    if (s.buffer < 0)
      return const_cast<float *>(s.constant);
    return reinterpret_cast<float *>(model->arena.get() +
                                     memory.offsets[size_t(s.buffer)]);
  }
  void setupAll() {
    for (Step &s : steps)
      if (s.setup)
        s.setup(*this);
  }
};

/// Copies a contiguous (N, C, HW) block to (N, HW, C), or back with
/// `toNHWC` false, in tiles that stay in the cache.
void transposeChannels(const float *src, float *dst, int64_t n, int64_t c,
                       int64_t hw, bool toNHWC) {
  constexpr int64_t T = 32;
  for (int64_t b = 0; b < n; ++b) {
    const float *s = src + b * c * hw;
    float *d = dst + b * c * hw;
    for (int64_t c0 = 0; c0 < c; c0 += T)
      for (int64_t p0 = 0; p0 < hw; p0 += T)
        for (int64_t ci = c0; ci < std::min(c, c0 + T); ++ci)
          for (int64_t p = p0; p < std::min(hw, p0 + T); ++p) {
            if (toNHWC)
              d[p * c + ci] = s[ci * hw + p];
            else
              d[ci * hw + p] = s[p * c + ci];
          }
  }
}

/// The storage axis of logical `dim` of `s`.
size_t storageAxis(const Slot &s, int64_t dim) {
  int64_t rank = int64_t(s.shape.size());
  if (dim < -rank || dim >= rank)
    throw Error("dim " + std::to_string(dim) + " out of range");
  if (dim < 0)
    dim += rank;
  static const size_t nhwcAxis[] = {0, 3, 1, 2};
  return s.nhwc ? nhwcAxis[dim] : size_t(dim);
}

size_t product(const Dims &d, size_t from, size_t to) {
  size_t n = 1;
  for (size_t i = from; i < to; ++i)
    n *= d[i];
  return n;
}

/// Weights packed once per distinct packed-parameter object.
struct PackedWeights {
  /// One operator, or one per slice of output channels (convOutputSlice).
  std::unordered_map<const Object *, std::vector<std::shared_ptr<Operator>>>
      operators;
  std::unordered_map<const Object *, std::shared_ptr<WinogradWeights>> winograd;
};

/// Builds one partition from its region.
class Compiler {
public:
  Compiler(Partition &p, const Plan &plan, const Instr &partition,
           PackedWeights &packed, const PrepareOptions &options)
      : p(p), plan(plan), partition(partition), packed(packed),
        options(options) {}

  void compile();

  using Builder = void (Compiler::*)(const Instr &);
  /// The builder of each op name.
  static const std::unordered_map<std::string, Builder> &builders();

private:
  // What operands are.
  const Slot &tensor(const Instr &in, size_t i) {
    auto it = p.slots.find(in.operands.at(i));
    if (it == p.slots.end())
      throw Error("operand " + std::to_string(i) +
                  " is not a tensor of the partition");
    use(in.operands.at(i));
    return it->second;
  }
  const Value &constant(const Instr &in, size_t i) {
    auto it = consts.find(in.operands.at(i));
    if (it == consts.end())
      throw Error("operand " + std::to_string(i) + " is not a constant");
    return it->second;
  }
  bool isTensor(const Instr &in, size_t i) {
    return p.slots.count(in.operands.at(i));
  }
  void use(uint32_t reg) {
    int b = p.slots.at(reg).buffer;
    if (b >= 0)
      p.buffers[size_t(b)].last = std::max(p.buffers[size_t(b)].last, now);
  }

  // New values.
  Slot &define(uint32_t reg, const TypeSpec &type) {
    if (type.kind != TypeSpec::Kind::Tensor || !type.ranked ||
        type.dtype != DType::F32)
      throw Error("result " + type.text +
                  " is not a float32 tensor of known "
                  "shape");
    Slot s;
    s.shape = type.sizes;
    for (int64_t d : s.shape)
      if (d < 0)
        throw Error("result " + type.text + " has a dynamic size");
    s.nhwc = s.shape.size() == 4;
    s.buffer = int(p.buffers.size());
    p.buffers.push_back(
        {size_t(s.numel()) * sizeof(float) + ExtraBytes, now, now});
    return p.slots[reg] = s;
  }
  Slot &result(const Instr &in, size_t i = 0) {
    return define(in.results.at(i), in.resultTypes.at(i));
  }
  /// An internal buffer of `floats` values, live for the current op.
  uint32_t scratch(size_t floats) {
    Slot s;
    s.shape = {int64_t(floats)};
    s.buffer = int(p.buffers.size());
    p.buffers.push_back({floats * sizeof(float) + ExtraBytes, now, now});
    uint32_t reg = nextScratch++;
    p.slots[reg] = s;
    return reg;
  }
  /// `reg` shares the storage of `of` (a reshape in the same memory order).
  void alias(uint32_t reg, const Slot &of, const TypeSpec &type) {
    Slot s = of;
    s.shape = type.sizes;
    s.nhwc = s.shape.size() == 4;
    p.slots[reg] = s;
  }
  /// A constant tensor of `shape` (logical), stored as a slot would be.
  const float *addConstant(const Tensor &t, Slot &s) {
    Tensor c = t.to(DType::F32).contiguous();
    auto data = std::make_unique<float[]>(size_t(c.numel()) + ExtraBytes / 4);
    const float *src = c.data<float>();
    if (s.nhwc)
      transposeChannels(src, data.get(), s.shape[0], s.shape[1],
                        s.shape[2] * s.shape[3], true);
    else
      std::copy(src, src + c.numel(), data.get());
    p.constants.push_back(std::move(data));
    return s.constant = p.constants.back().get();
  }

  Step &addStep(std::shared_ptr<Operator> op,
                std::function<void(Partition &)> setup) {
    ++op->uses;
    p.steps.push_back({std::move(op), std::move(setup), nullptr});
    return p.steps.back();
  }
  void addRun(std::function<void(Partition &)> run) {
    p.steps.push_back({nullptr, nullptr, std::move(run)});
  }
  static std::shared_ptr<Operator> make(xnn_status status, xnn_operator_t &op,
                                        const std::string &what) {
    auto o = std::make_shared<Operator>();
    o->op = op;
    check(status, what + " creation");
    return o;
  }

  // Builders, one per op family.
  void packedRun(const Instr &in);
  void winograd(const Instr &in, const Packed &pk, const Object &params);
  void binary(const Instr &in);
  void unary(const Instr &in);
  void tanh(const Instr &in);
  void hardsigmoid(const Instr &in);
  void maxPool(const Instr &in);
  void avgPool(const Instr &in);
  void globalPool(const Instr &in);
  void softmax(const Instr &in);
  void pad(const Instr &in);
  void channelShuffle(const Instr &in);
  void reshape(const Instr &in);
  void cat(const Instr &in);
  void split(const Instr &in);
  void listUnpack(const Instr &in);

  /// The physical sizes of operand `s` broadcast against a result of rank
  /// `rank` stored NHWC when `nhwc`.
  Dims broadcastDims(const Slot &s, size_t rank, bool nhwc);
  /// Elementwise `kind` (add, subtract, multiply, divide) of `a` and `b`
  /// into `out`, then clamped.
  void elementwise(const std::string &kind, uint32_t a, Dims da, uint32_t b,
                   Dims db, uint32_t out, float lo, float hi);
  uint32_t scalarConstant(float v);
  /// Copies `inputs` into or out of `whole` along logical `dim` (cat when
  /// `gather`, chunk otherwise).
  void concatCopies(const std::vector<uint32_t> &parts, uint32_t whole,
                    int64_t dim, bool gather);

  Partition &p;
  const Plan &plan;
  const Instr &partition;
  PackedWeights &packed;
  const PrepareOptions &options; // sliceBytes resolved
  PartitionValues values;
  std::unordered_map<uint32_t, Value> &consts = values.consts;
  std::unordered_map<uint32_t, std::vector<uint32_t>> &tensorLists =
      values.tensorLists;
  std::unordered_map<uint32_t, const Instr *> chunks;
  uint32_t nextScratch = 0xF0000000u; // registers for internal values
  int64_t now = 0;
};

void Compiler::compile() {
  const Block &body = partitionBody(partition);
  for (size_t i = 0; i < body.args.size(); ++i) {
    define(body.args[i], body.argTypes.at(i));
    p.inputs.push_back(body.args[i]);
  }
  compileInstrs(
      body, plan, values, now,
      [&](const Instr &in, const Tensor &t) {
        Slot s;
        s.shape = t.sizes();
        s.nhwc = s.shape.size() == 4;
        addConstant(t, s);
        p.slots[in.results.at(0)] = s;
      },
      [&](const Instr &in) {
        auto it = builders().find(in.opName);
        if (it == builders().end())
          throw Error("XNNPACK has no lowering for this op");
        (this->*(it->second))(in);
      });
  for (uint32_t r : body.results) {
    if (!p.slots.count(r) || p.slots[r].buffer < 0)
      throw Error("xnn.partition: a result is not computed in the partition");
    use(r);
    p.outputs.push_back(r);
  }
  p.memory = planMemory(p.buffers);
}

void Compiler::packedRun(const Instr &in) {
  const Slot &x = tensor(in, 0);
  const Value &params = constant(in, 1);
  Kind kind = in.opName == "xnn.linear_run"   ? Kind::Linear
              : in.opName == "xnn.conv2d_run" ? Kind::Conv2d
                                              : Kind::TransposeConv2d;
  Packed pk = ref::unpackParams(params, kind, ref::Flavor::Xnn);
  if (kind == Kind::Conv2d && options.winograd && winogradSuits(pk, x.shape))
    return winograd(in, pk, params.toObject());
  std::vector<std::shared_ptr<Operator>> &ops =
      packed.operators[&params.toObject()];
  if (ops.empty())
    ops = kind == Kind::Conv2d ? createConvOperators(pk, options.sliceBytes)
                               : std::vector{createPackedOperator(pk, kind)};
  const size_t slice =
      kind == Kind::Conv2d ? convOutputSlice(pk, options.sliceBytes) : 0;
  std::shared_ptr<Operator> op = ops[0];
  uint32_t xr = in.operands.at(0), yr = in.results.at(0);
  Slot &y = result(in);
  if (kind == Kind::Linear) {
    if (x.nhwc || x.shape.empty())
      throw Error("linear input must not be 4-d or 0-d");
    size_t k = size_t(pk.weight.size(1));
    if (size_t(x.shape.back()) != k)
      throw Error("input and weight sizes differ");
    size_t rows = size_t(x.numel()) / k;
    addStep(op, [=](Partition &p) {
      check(xnn_setup_fully_connected_nc_f32(op->op, rows, p.ptr(xr), p.ptr(yr),
                                             p.model->pool),
            "fully connected setup");
    });
    return;
  }
  if (!x.nhwc || !y.nhwc)
    throw Error("convolution input must be 4-d");
  size_t n = size_t(x.shape[0]), h = size_t(x.shape[2]), w = size_t(x.shape[3]);
  if (kind == Kind::Conv2d) {
    for (size_t i = 0; i < ops.size(); ++i)
      addStep(ops[i], [=, op = ops[i]](Partition &p) {
        check(xnn_setup_convolution2d_nhwc_f32(op->op, n, h, w, p.ptr(xr),
                                               p.ptr(yr) + i * slice,
                                               p.model->pool),
              "convolution setup");
      });
  } else {
    uint32_t ah = uint32_t(pk.outputPadding[0]),
             aw = uint32_t(pk.outputPadding[1]);
    addStep(op, [=](Partition &p) {
      check(xnn_setup_deconvolution2d_nhwc_f32(
                op->op, n, h, w, ah, aw, p.ptr(xr), p.ptr(yr), p.model->pool),
            "deconvolution setup");
    });
  }
}

/// A 3x3 convolution as Winograd F(4x4, 3x3) (Winograd.h).
void Compiler::winograd(const Instr &in, const Packed &pk,
                        const Object &params) {
  std::shared_ptr<WinogradWeights> &w = packed.winograd[&params];
  if (!w)
    w = createWinogradWeights(pk);
  auto conv = std::make_shared<const WinogradConv>(w, tensor(in, 0).shape);
  if (result(in).shape != conv->outputShape())
    throw Error("the result type's sizes are not the convolution's");
  uint32_t xr = in.operands.at(0), yr = in.results.at(0),
           scratchReg = scratch(conv->scratchFloats());
  addRun([=](Partition &p) {
    conv->run(p.ptr(xr), p.ptr(scratchReg), p.ptr(yr), p.model->pool);
  });
}

Dims Compiler::broadcastDims(const Slot &s, size_t rank, bool nhwc) {
  if (s.shape.size() > rank)
    throw Error("operand has more dims than the result");
  Shape aligned(rank - s.shape.size(), 1);
  aligned.insert(aligned.end(), s.shape.begin(), s.shape.end());
  if (!nhwc)
    return Dims(aligned.begin(), aligned.end());
  Dims d = {size_t(aligned[0]), size_t(aligned[2]), size_t(aligned[3]),
            size_t(aligned[1])};
  // A lower-rank value is stored in logical order: fine when moving the
  // channel dim last does not reorder two dims of more than one element.
  if (!s.nhwc && s.buffer >= 0 && aligned[1] != 1 &&
      aligned[2] * aligned[3] != 1)
    throw Error("a " + std::to_string(s.shape.size()) +
                "-d operand that broadcasts over channels and pixels");
  return d;
}

uint32_t Compiler::scalarConstant(float v) {
  Slot s;
  s.shape = {1};
  auto data = std::make_unique<float[]>(1 + ExtraBytes / 4);
  data[0] = v;
  s.constant = data.get();
  p.constants.push_back(std::move(data));
  uint32_t reg = nextScratch++;
  p.slots[reg] = s;
  return reg;
}

void Compiler::elementwise(const std::string &kind, uint32_t a, Dims da,
                           uint32_t b, Dims db, uint32_t out, float lo,
                           float hi) {
  xnn_operator_t raw = nullptr;
  xnn_status status =
      kind == "add"        ? xnn_create_add_nd_f32(lo, hi, 0, &raw)
      : kind == "subtract" ? xnn_create_subtract_nd_f32(lo, hi, 0, &raw)
      : kind == "multiply" ? xnn_create_multiply_nd_f32(lo, hi, 0, &raw)
                           : xnn_create_divide_nd_f32(lo, hi, 0, &raw);
  std::shared_ptr<Operator> op = make(status, raw, kind);
  addStep(op, [=](Partition &p) {
    xnn_status (*setup)(xnn_operator_t, size_t, const size_t *, size_t,
                        const size_t *, const float *, const float *, float *,
                        pthreadpool_t) =
        kind == "add"        ? xnn_setup_add_nd_f32
        : kind == "subtract" ? xnn_setup_subtract_nd_f32
        : kind == "multiply" ? xnn_setup_multiply_nd_f32
                             : xnn_setup_divide_nd_f32;
    check(setup(op->op, da.size(), da.data(), db.size(), db.data(), p.ptr(a),
                p.ptr(b), p.ptr(out), p.model->pool),
          kind + " setup");
  });
}

/// aten.{add,sub,mul,div}[_].{Tensor,Scalar} and aten._add_relu[_].Tensor.
void Compiler::binary(const Instr &in) {
  const std::string &name = in.opName;
  std::string kind =
      name.rfind("aten.add", 0) == 0 || name.rfind("aten._add_relu", 0) == 0
          ? "add"
      : name.rfind("aten.sub", 0) == 0 ? "subtract"
      : name.rfind("aten.mul", 0) == 0 ? "multiply"
                                       : "divide";
  bool relu = name.rfind("aten._add_relu", 0) == 0;
  if ((kind == "add" || kind == "subtract") && in.operands.size() > 2 &&
      constant(in, 2).toDouble() != 1.0)
    throw Error("alpha other than 1");
  if (kind == "divide" && in.operands.size() > 2 && !constant(in, 2).isNone())
    throw Error("a rounding mode");
  Slot &y = result(in);
  size_t rank = y.shape.size();
  uint32_t a = in.operands.at(0), b = in.operands.at(1);
  Dims da = broadcastDims(tensor(in, 0), rank, y.nhwc), db;
  if (isTensor(in, 1)) {
    db = broadcastDims(tensor(in, 1), rank, y.nhwc);
  } else {
    b = scalarConstant(float(constant(in, 1).toDouble()));
    db = {1};
  }
  elementwise(kind, a, da, b, db, in.results.at(0), relu ? 0.0f : -INFINITY,
              INFINITY);
}

/// Clamps (relu, relu6, hardtanh, clamp*), hardswish, sigmoid, leaky_relu,
/// elu.
void Compiler::unary(const Instr &in) {
  const Slot &x = tensor(in, 0);
  Slot &y = result(in);
  if (y.shape != x.shape)
    throw Error("result shape differs from the input's");
  std::string name = in.opName.substr(5); // after "aten."
  if (!name.empty() && name.back() == '_')
    name.pop_back();
  auto bound = [&](size_t i, float unbounded) {
    if (i >= in.operands.size() || constant(in, i).isNone())
      return unbounded;
    return float(constant(in, i).toDouble());
  };
  xnn_operator_t raw = nullptr;
  xnn_status status;
  std::function<xnn_status(xnn_operator_t, size_t, const float *, float *,
                           pthreadpool_t)>
      setup = xnn_setup_clamp_nc_f32;
  if (name == "hardswish") {
    status = xnn_create_hardswish_nc_f32(1, 1, 1, 0, &raw);
    setup = xnn_setup_hardswish_nc_f32;
  } else if (name == "sigmoid") {
    status = xnn_create_sigmoid_nc_f32(1, 1, 1, 0, &raw);
    setup = xnn_setup_sigmoid_nc_f32;
  } else if (name == "elu") {
    status = xnn_create_elu_nc_f32(1, 1, 1, bound(1, 1.0f), 0, &raw);
    setup = xnn_setup_elu_nc_f32;
  } else if (name == "leaky_relu") {
    status = xnn_create_leaky_relu_nc_f32(
        1, 1, 1, in.operands.size() > 1 ? bound(1, 0.01f) : 0.01f, 0, &raw);
    setup = xnn_setup_leaky_relu_nc_f32;
  } else {
    float lo = -INFINITY, hi = INFINITY;
    if (name == "relu")
      lo = 0;
    else if (name == "relu6")
      lo = 0, hi = 6;
    else if (name == "hardtanh")
      lo = bound(1, -1), hi = bound(2, 1);
    else if (name == "clamp")
      lo = bound(1, -INFINITY), hi = bound(2, INFINITY);
    else if (name == "clamp_min")
      lo = bound(1, -INFINITY);
    else if (name == "clamp_max")
      hi = bound(1, INFINITY);
    else
      throw Error("no XNNPACK form");
    if (!(lo < hi))
      throw Error("an empty clamp range");
    status = xnn_create_clamp_nc_f32(1, 1, 1, lo, hi, 0, &raw);
  }
  std::shared_ptr<Operator> op = make(status, raw, name);
  uint32_t xr = in.operands.at(0), yr = in.results.at(0);
  size_t n = size_t(x.numel());
  addStep(op, [=](Partition &p) {
    check(setup(op->op, n, p.ptr(xr), p.ptr(yr), p.model->pool),
          name + " setup");
  });
}

/// tanh(x) = 2 * sigmoid(2x) - 1: this XNNPACK has no float tanh.
void Compiler::tanh(const Instr &in) {
  const Slot &x = tensor(in, 0);
  Slot &y = result(in);
  Dims d = x.physical();
  uint32_t xr = in.operands.at(0), yr = in.results.at(0);
  uint32_t two = scalarConstant(2), minusOne = scalarConstant(-1);
  elementwise("multiply", xr, d, two, {1}, yr, -INFINITY, INFINITY);
  xnn_operator_t raw = nullptr;
  std::shared_ptr<Operator> op =
      make(xnn_create_sigmoid_nc_f32(1, 1, 1, 0, &raw), raw, "sigmoid");
  size_t n = size_t(y.numel());
  addStep(op, [=](Partition &p) {
    check(xnn_setup_sigmoid_nc_f32(op->op, n, p.ptr(yr), p.ptr(yr),
                                   p.model->pool),
          "sigmoid setup");
  });
  elementwise("multiply", yr, d, two, {1}, yr, -INFINITY, INFINITY);
  elementwise("add", yr, d, minusOne, {1}, yr, -INFINITY, INFINITY);
}

/// hardsigmoid(x) = clamp(x / 6 + 1/2, 0, 1).
void Compiler::hardsigmoid(const Instr &in) {
  const Slot &x = tensor(in, 0);
  result(in);
  Dims d = x.physical();
  uint32_t xr = in.operands.at(0), yr = in.results.at(0);
  elementwise("divide", xr, d, scalarConstant(6), {1}, yr, -INFINITY, INFINITY);
  elementwise("add", yr, d, scalarConstant(0.5f), {1}, yr, 0, 1);
}

/// aten.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode).
void Compiler::maxPool(const Instr &in) {
  const Slot &x = tensor(in, 0);
  Slot &y = result(in);
  std::vector<int64_t> k = constant(in, 1).toIntVector(),
                       s = constant(in, 2).toIntVector(),
                       pad = constant(in, 3).toIntVector(),
                       dil = constant(in, 4).toIntVector();
  if (s.empty())
    s = k;
  if (!x.nhwc || k.size() != 2 || s.size() != 2 || pad.size() != 2 ||
      dil.size() != 2)
    throw Error("expects a 4-d input and 2-element parameters");
  // Rows and columns past the input are ignored, so extra padding at the
  // bottom and right gives ceil_mode's last window.
  int64_t extra[2];
  for (int i = 0; i < 2; ++i)
    extra[i] =
        std::max<int64_t>(0, (y.shape[2 + i] - 1) * s[i] + dil[i] * (k[i] - 1) +
                                 1 - x.shape[2 + i] - pad[i]);
  if ((dil[0] != 1 || dil[1] != 1) && (pad[0] || pad[1]))
    throw Error("a dilated window over padding (XNNPACK reads outside it)");
  size_t c = size_t(x.shape[1]);
  xnn_operator_t raw = nullptr;
  std::shared_ptr<Operator> op =
      make(xnn_create_max_pooling2d_nhwc_f32(
               uint32_t(pad[0]), uint32_t(extra[1]), uint32_t(extra[0]),
               uint32_t(pad[1]), uint32_t(k[0]), uint32_t(k[1]), uint32_t(s[0]),
               uint32_t(s[1]), uint32_t(dil[0]), uint32_t(dil[1]), c, c, c,
               -INFINITY, INFINITY, 0, &raw),
           raw, "max pooling");
  uint32_t xr = in.operands.at(0), yr = in.results.at(0);
  size_t n = size_t(x.shape[0]), h = size_t(x.shape[2]), w = size_t(x.shape[3]);
  addStep(op, [=](Partition &p) {
    check(xnn_setup_max_pooling2d_nhwc_f32(op->op, n, h, w, p.ptr(xr),
                                           p.ptr(yr), p.model->pool),
          "max pooling setup");
  });
}

/// aten.avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad,
/// divisor_override) without padding, or excluding it: XNNPACK averages
/// over the input pixels of each window.
void Compiler::avgPool(const Instr &in) {
  const Slot &x = tensor(in, 0);
  Slot &y = result(in);
  std::vector<int64_t> k = constant(in, 1).toIntVector(),
                       s = constant(in, 2).toIntVector(),
                       pad = constant(in, 3).toIntVector();
  if (s.empty())
    s = k;
  if (!x.nhwc || k.size() != 2 || s.size() != 2 || pad.size() != 2)
    throw Error("expects a 4-d input and 2-element parameters");
  for (int i = 0; i < 2; ++i)
    if (y.shape[2 + i] != (x.shape[2 + i] + 2 * pad[i] - k[i]) / s[i] + 1)
      throw Error("a ceil_mode window");
  size_t c = size_t(x.shape[1]);
  xnn_operator_t raw = nullptr;
  std::shared_ptr<Operator> op =
      make(xnn_create_average_pooling2d_nhwc_f32(
               uint32_t(pad[0]), uint32_t(pad[1]), uint32_t(pad[0]),
               uint32_t(pad[1]), uint32_t(k[0]), uint32_t(k[1]), uint32_t(s[0]),
               uint32_t(s[1]), c, c, c, -INFINITY, INFINITY, 0, &raw),
           raw, "average pooling");
  uint32_t xr = in.operands.at(0), yr = in.results.at(0);
  size_t n = size_t(x.shape[0]), h = size_t(x.shape[2]), w = size_t(x.shape[3]);
  addStep(op, [=](Partition &p) {
    check(xnn_setup_average_pooling2d_nhwc_f32(op->op, n, h, w, p.ptr(xr),
                                               p.ptr(yr), p.model->pool),
          "average pooling setup");
  });
}

/// adaptive_avg_pool2d to 1x1 and mean over H and W: (N, C, H, W) -> N x C
/// values, the same memory as (N, C, 1, 1) NHWC or (N, C).
void Compiler::globalPool(const Instr &in) {
  const Slot &x = tensor(in, 0);
  Slot &y = result(in);
  if (!x.nhwc || y.numel() != x.shape[0] * x.shape[1])
    throw Error("expects a 4-d input pooled to one pixel");
  size_t c = size_t(x.shape[1]), n = size_t(x.shape[0]),
         hw = size_t(x.shape[2] * x.shape[3]);
  xnn_operator_t raw = nullptr;
  std::shared_ptr<Operator> op =
      make(xnn_create_global_average_pooling_nwc_f32(c, c, c, -INFINITY,
                                                     INFINITY, 0, &raw),
           raw, "global average pooling");
  uint32_t xr = in.operands.at(0), yr = in.results.at(0);
  addStep(op, [=](Partition &p) {
    check(xnn_setup_global_average_pooling_nwc_f32(op->op, n, hw, p.ptr(xr),
                                                   p.ptr(yr), p.model->pool),
          "global average pooling setup");
  });
}

/// aten.softmax.int over the last dim of a value that is not 4-d.
void Compiler::softmax(const Instr &in) {
  const Slot &x = tensor(in, 0);
  result(in);
  int64_t rank = int64_t(x.shape.size());
  int64_t dim = constant(in, 1).toInt();
  if (x.nhwc || rank == 0 || (dim != -1 && dim != rank - 1))
    throw Error("softmax over a dim other than the last of a non-4-d tensor");
  size_t c = size_t(x.shape.back()), rows = size_t(x.numel()) / c;
  xnn_operator_t raw = nullptr;
  std::shared_ptr<Operator> op =
      make(xnn_create_softmax_nc_f32(c, c, c, 0, &raw), raw, "softmax");
  uint32_t xr = in.operands.at(0), yr = in.results.at(0);
  addStep(op, [=](Partition &p) {
    check(xnn_setup_softmax_nc_f32(op->op, rows, p.ptr(xr), p.ptr(yr),
                                   p.model->pool),
          "softmax setup");
  });
}

/// aten.pad(x, pad, "constant", value): pad pairs from the last dim back.
void Compiler::pad(const Instr &in) {
  const Slot &x = tensor(in, 0);
  result(in);
  std::vector<int64_t> pads = constant(in, 1).toIntVector();
  if (in.operands.size() > 2 && constant(in, 2).toString() != "constant")
    throw Error("a padding mode other than constant");
  float value = in.operands.size() > 3 && !constant(in, 3).isNone()
                    ? float(constant(in, 3).toDouble())
                    : 0.0f;
  size_t rank = x.shape.size();
  if (pads.size() % 2 || pads.size() / 2 > rank)
    throw Error("a padding list that does not fit the input");
  Dims pre(rank, 0), post(rank, 0);
  for (size_t i = 0; i < pads.size() / 2; ++i) {
    if (pads[2 * i] < 0 || pads[2 * i + 1] < 0)
      throw Error("negative padding");
    pre[rank - 1 - i] = size_t(pads[2 * i]);
    post[rank - 1 - i] = size_t(pads[2 * i + 1]);
  }
  if (x.nhwc) {
    pre = {pre[0], pre[2], pre[3], pre[1]};
    post = {post[0], post[2], post[3], post[1]};
  }
  xnn_operator_t raw = nullptr;
  std::shared_ptr<Operator> op =
      make(xnn_create_constant_pad_nd_x32(&value, 0, &raw), raw, "pad");
  Dims dims = x.physical();
  uint32_t xr = in.operands.at(0), yr = in.results.at(0);
  addStep(op, [=](Partition &p) {
    check(xnn_setup_constant_pad_nd_x32(op->op, dims.size(), dims.data(),
                                        pre.data(), post.data(), p.ptr(xr),
                                        p.ptr(yr), p.model->pool),
          "pad setup");
  });
}

/// view, reshape, flatten and contiguous, when the result has the same
/// memory order as the input: no step, the result shares its storage.
/// aten.channel_shuffle(x, groups): XNNPACK's shuffle of each NHWC pixel.
void Compiler::channelShuffle(const Instr &in) {
  const Slot &x = tensor(in, 0);
  const int64_t groups = constant(in, 1).toInt(), c = x.shape.at(1);
  if (!x.nhwc)
    throw Error("input is not 4-d");
  if (groups < 2 || c % groups)
    throw Error("groups do not split the channels in two or more");
  Slot &y = result(in);
  if (y.shape != x.shape)
    throw Error("result shape differs from the input's");
  xnn_operator_t raw = nullptr;
  std::shared_ptr<Operator> op =
      make(xnn_create_channel_shuffle_nc_x32(size_t(groups), size_t(c / groups),
                                             size_t(c), size_t(c), 0, &raw),
           raw, "channel shuffle");
  uint32_t xr = in.operands.at(0), yr = in.results.at(0);
  size_t pixels = size_t(x.numel() / c);
  addStep(op, [=](Partition &p) {
    check(xnn_setup_channel_shuffle_nc_x32(op->op, pixels, p.ptr(xr), p.ptr(yr),
                                           p.model->pool),
          "channel shuffle setup");
  });
}

void Compiler::reshape(const Instr &in) {
  const Slot &x = tensor(in, 0);
  const TypeSpec &type = in.resultTypes.at(0);
  if (!type.ranked)
    throw Error("a result of unknown rank");
  auto plainOrder = [](const Shape &s) {
    return s.size() != 4 || s[1] == 1 || s[2] * s[3] == 1;
  };
  if (x.shape != type.sizes &&
      (!plainOrder(x.shape) || !plainOrder(type.sizes)))
    throw Error("a reshape that moves data between NHWC and NCHW order");
  // Uses of the result extend the shared buffer's life.
  alias(in.results.at(0), x, type);
}

void Compiler::concatCopies(const std::vector<uint32_t> &parts, uint32_t whole,
                            int64_t dim, bool gather) {
  const Slot &w = p.slots.at(whole);
  Dims wd = w.physical();
  size_t axis = storageAxis(w, dim);
  size_t outer = product(wd, 0, axis), total = product(wd, axis, wd.size());
  size_t offset = 0;
  for (uint32_t part : parts) {
    const Slot &s = p.slots.at(part);
    if (s.shape.size() != w.shape.size())
      throw Error("parts of different ranks");
    Dims sd = s.physical();
    size_t chunk = product(sd, axis, sd.size());
    xnn_operator_t raw = nullptr;
    std::shared_ptr<Operator> op =
        make(xnn_create_copy_nc_x32(chunk, gather ? chunk : total,
                                    gather ? total : chunk, 0, &raw),
             raw, "copy");
    addStep(op, [=](Partition &p) {
      float *from = gather ? p.ptr(part) : p.ptr(whole) + offset;
      float *to = gather ? p.ptr(whole) + offset : p.ptr(part);
      check(xnn_setup_copy_nc_x32(op->op, outer, from, to, p.model->pool),
            "copy setup");
    });
    offset += chunk;
  }
  if (offset != total)
    throw Error("parts do not add up to the whole");
}

/// aten.cat(list, dim) of tensors of the partition.
void Compiler::cat(const Instr &in) {
  auto it = tensorLists.find(in.operands.at(0));
  if (it == tensorLists.end())
    throw Error("the list is not made in the partition");
  for (uint32_t r : it->second)
    if (!p.slots.count(r))
      throw Error("a list item is not a tensor of the partition");
  for (uint32_t r : it->second)
    use(r);
  result(in);
  concatCopies(it->second, in.results.at(0), constant(in, 1).toInt(), true);
}

/// aten.chunk and aten.split.Tensor: the parts are made where
/// prim.list_unpack takes the list apart, which gives their sizes.
void Compiler::split(const Instr &in) {
  tensor(in, 0);
  constant(in, 2);
  chunks[in.results.at(0)] = &in;
}

void Compiler::listUnpack(const Instr &in) {
  auto it = chunks.find(in.operands.at(0));
  if (it == chunks.end())
    throw Error("the list is not made by chunk or split in the partition");
  const Instr &split = *it->second;
  uint32_t whole = split.operands[0];
  use(whole);
  std::vector<uint32_t> parts;
  for (size_t i = 0; i < in.results.size(); ++i) {
    result(in, i);
    parts.push_back(in.results.at(i));
  }
  concatCopies(parts, whole, constant(split, 2).toInt(), false);
}

const std::unordered_map<std::string, Compiler::Builder> &Compiler::builders() {
  static const std::unordered_map<std::string, Builder> table = {
      {"xnn.conv2d_run", &Compiler::packedRun},
      {"xnn.conv_transpose2d_run", &Compiler::packedRun},
      {"xnn.linear_run", &Compiler::packedRun},
      {"aten.add.Tensor", &Compiler::binary},
      {"aten.add_.Tensor", &Compiler::binary},
      {"aten.add.Scalar", &Compiler::binary},
      {"aten.sub.Tensor", &Compiler::binary},
      {"aten.sub_.Tensor", &Compiler::binary},
      {"aten.sub.Scalar", &Compiler::binary},
      {"aten.mul.Tensor", &Compiler::binary},
      {"aten.mul_.Tensor", &Compiler::binary},
      {"aten.mul.Scalar", &Compiler::binary},
      {"aten.div.Tensor", &Compiler::binary},
      {"aten.div_.Tensor", &Compiler::binary},
      {"aten.div.Scalar", &Compiler::binary},
      {"aten._add_relu.Tensor", &Compiler::binary},
      {"aten._add_relu_.Tensor", &Compiler::binary},
      {"aten.relu", &Compiler::unary},
      {"aten.relu_", &Compiler::unary},
      {"aten.relu6", &Compiler::unary},
      {"aten.relu6_", &Compiler::unary},
      {"aten.hardtanh", &Compiler::unary},
      {"aten.hardtanh_", &Compiler::unary},
      {"aten.clamp", &Compiler::unary},
      {"aten.clamp_", &Compiler::unary},
      {"aten.clamp_min", &Compiler::unary},
      {"aten.clamp_min_", &Compiler::unary},
      {"aten.clamp_max", &Compiler::unary},
      {"aten.clamp_max_", &Compiler::unary},
      {"aten.hardswish", &Compiler::unary},
      {"aten.hardswish_", &Compiler::unary},
      {"aten.sigmoid", &Compiler::unary},
      {"aten.sigmoid_", &Compiler::unary},
      {"aten.leaky_relu", &Compiler::unary},
      {"aten.leaky_relu_", &Compiler::unary},
      {"aten.elu", &Compiler::unary},
      {"aten.elu_", &Compiler::unary},
      {"aten.tanh", &Compiler::tanh},
      {"aten.tanh_", &Compiler::tanh},
      {"aten.hardsigmoid", &Compiler::hardsigmoid},
      {"aten.hardsigmoid_", &Compiler::hardsigmoid},
      {"aten.max_pool2d", &Compiler::maxPool},
      {"aten.avg_pool2d", &Compiler::avgPool},
      {"aten.adaptive_avg_pool2d", &Compiler::globalPool},
      {"aten.mean.dim", &Compiler::globalPool},
      {"aten.softmax.int", &Compiler::softmax},
      {"aten.pad", &Compiler::pad},
      {"aten.channel_shuffle", &Compiler::channelShuffle},
      {"aten.view", &Compiler::reshape},
      {"aten.reshape", &Compiler::reshape},
      {"aten.flatten.using_ints", &Compiler::reshape},
      {"aten.contiguous", &Compiler::reshape},
      {"aten.unsqueeze", &Compiler::reshape},
      {"aten.squeeze", &Compiler::reshape},
      {"aten.squeeze.dim", &Compiler::reshape},
      {"aten.cat", &Compiler::cat},
      {"aten.chunk", &Compiler::split},
      {"aten.split.Tensor", &Compiler::split},
      {"prim.list_unpack", &Compiler::listUnpack},
  };
  return table;
}

/// Runs a prepared partition: inputs into the arena (NCHW to NHWC for 4-d
/// values), the operators in order, outputs out of it.
void runPartition(KernelContext &ctx) {
  auto *p = static_cast<Partition *>(ctx.instruction().state.get());
  if (!p)
    throw Error("the plan was not prepared for XNNPACK");
  for (size_t i = 0; i < p->inputs.size(); ++i) {
    const Slot &s = p->slots.at(p->inputs[i]);
    Tensor t = ctx.tensor(i);
    if (t.dtype() != DType::F32 || t.sizes() != s.shape)
      throw Error("input " + std::to_string(i) + " is " + t.describe() +
                  ", the partition was compiled for float32 " +
                  shapeToString(s.shape));
    t = t.contiguous();
    float *dst = p->ptr(p->inputs[i]);
    if (s.nhwc)
      transposeChannels(t.data<float>(), dst, s.shape[0], s.shape[1],
                        s.shape[2] * s.shape[3], true);
    else
      std::memcpy(dst, t.data<float>(), size_t(s.numel()) * sizeof(float));
  }
  for (Step &step : p->steps) {
    if (step.run) {
      step.run(*p);
      continue;
    }
    // An operator shared by several steps is set up again for each.
    if (step.op->uses > 1)
      step.setup(*p);
    check(xnn_run_operator(step.op->op, p->model->pool), "run");
  }
  for (size_t i = 0; i < p->outputs.size(); ++i) {
    const Slot &s = p->slots.at(p->outputs[i]);
    Tensor y = Tensor::zeros(DType::F32, s.shape);
    const float *src = p->ptr(p->outputs[i]);
    if (s.nhwc)
      transposeChannels(src, y.mutableData<float>(), s.shape[0], s.shape[1],
                        s.shape[2] * s.shape[3], false);
    else
      std::memcpy(y.mutableData<float>(), src,
                  size_t(s.numel()) * sizeof(float));
    ctx.setResult(i, y);
  }
}

void prepareBlock(Block &block, Plan &plan, const std::shared_ptr<Model> &model,
                  PackedWeights &packed, const PrepareOptions &options,
                  std::vector<Partition *> &partitions) {
  for (Instr &in : block.instrs) {
    if (in.opName == "xnn.partition") {
      auto p = std::make_shared<Partition>();
      p->model = model;
      Compiler(*p, plan, in, packed, options).compile();
      partitions.push_back(p.get());
      in.state = p;
      continue;
    }
    if (in.opName.rfind("xnn.", 0) == 0)
      in.state = model; // run ops use the model's thread pool
    for (Block &region : in.regions)
      prepareBlock(region, plan, model, packed, options, partitions);
  }
}

} // namespace

PlanSummary xnnpack::preparePlan(Plan &plan, const PrepareOptions &options) {
  auto model = std::make_shared<Model>(options.threads);
  PrepareOptions resolved = options;
  if (!resolved.sliceBytes)
    resolved.sliceBytes = defaultSliceBytes();
  PackedWeights packed;
  std::vector<Partition *> partitions;
  for (Function &fn : plan.functions)
    prepareBlock(fn.body, plan, model, packed, resolved, partitions);
  PlanSummary summary;
  for (Partition *p : partitions) {
    model->arenaBytes = std::max(model->arenaBytes, p->memory.arenaBytes);
    summary.activationBytes += p->memory.totalBytes;
    for (const Step &s : p->steps)
      summary.operators += s.op != nullptr;
  }
  summary.partitions = partitions.size();
  for (const auto &[params, ops] : packed.operators)
    summary.packedOperators += ops.size();
  summary.winogradConvolutions = packed.winograd.size();
  summary.arenaBytes = model->arenaBytes;
  model->arena.reset(
      static_cast<char *>(std::aligned_alloc(64, model->arenaBytes + 64)));
  if (!model->arena)
    throw Error("out of memory for a " + std::to_string(model->arenaBytes) +
                "-byte activation arena");
  // Touch every page now, so that the first run does not fault them in.
  std::memset(model->arena.get(), 0, model->arenaBytes);
  for (Partition *p : partitions)
    p->setupAll();
  plan.backendState = model;
  return summary;
}

void xnnpack::registerPartitionKernel(KernelRegistry &registry) {
  registry.add(Backend, "xnn.partition", runPartition);
}

std::vector<std::string> xnnpack::partitionOps() {
  std::vector<std::string> ops;
  for (const auto &[name, builder] : Compiler::builders())
    ops.push_back(name);
  ops.push_back("prim.list_construct");
  std::sort(ops.begin(), ops.end());
  return ops;
}
