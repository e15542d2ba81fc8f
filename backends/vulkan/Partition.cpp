//===- Partition.cpp - vk.partition: one command buffer of dispatches ----===//
//
// A `vk.partition` is compiled once, when the plan is prepared, into one
// command buffer: one compute dispatch per op (reshapes and transfers share
// their input's buffer, cat and chunk are strided copies), a memory barrier
// between dispatches, descriptor sets written once on fixed buffer ranges.
// Values live in one arena buffer per plan, placed by liveness with
// planMemory; constants (weights, biases, scalars) are uploaded once into
// one weights buffer. Data is contiguous NCHW. A run copies the inputs into
// the arena, submits the command buffer, waits and copies the outputs out:
// repeated runs allocate nothing.
//
//===----------------------------------------------------------------------===//

#include "backends/reference/PackedParams.h"
#include "backends/vulkan/Device.h"
#include "backends/vulkan/VulkanKernels.h"
#include "runtime/MemoryPlanner.h"
#include "runtime/PartitionBody.h"
#include "runtime/Plan.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <unordered_map>

using namespace irc::rt;
using namespace irc::rt::vulkan;
using ref::Kind;
using ref::Packed;

namespace {

/// Where a value of the partition lives. Values are float32, except int64
/// inputs (embedding indices) and their reshapes.
struct Slot {
  Shape shape;
  DType dtype = DType::F32;
  int buffer = -1;     // arena buffer, or -1 for a constant
  size_t constant = 0; // the constant's offset in floats
  int input = -1;      // the partition input it aliases, if any
  int64_t numel() const { return numelOf(shape); }
  size_t bytes() const {
    return size_t(std::max<int64_t>(numel(), 1)) * elementSize(dtype);
  }
};

/// One dispatch: a pipeline, its buffers (registers of the partition, in
/// binding order) and push constants.
struct Step {
  const Pipeline *pipeline;
  std::vector<uint32_t> bindings;
  std::vector<uint32_t> push; // 32-bit words
  uint32_t elements;          // one invocation per element
  std::string what;           // "location: op" for errors and profiles
  VkDescriptorSet set = VK_NULL_HANDLE;
};

/// What a prepared plan keeps on the device.
struct Model {
  explicit Model(vulkan::Device &device) : device(device) {}
  ~Model() {
    if (!commands.empty())
      vkFreeCommandBuffers(device.device, device.commandPool,
                           uint32_t(commands.size()), commands.data());
    if (descriptors)
      vkDestroyDescriptorPool(device.device, descriptors, nullptr);
    if (queries)
      vkDestroyQueryPool(device.device, queries, nullptr);
  }
  vulkan::Device &device;
  std::unique_ptr<Buffer> arena, weights;
  VkDescriptorPool descriptors = VK_NULL_HANDLE;
  VkQueryPool queries = VK_NULL_HANDLE;
  std::vector<VkCommandBuffer> commands;
  bool profile = false;
};

struct Partition {
  std::shared_ptr<Model> model;
  std::unordered_map<uint32_t, Slot> slots;
  std::vector<BufferRequest> buffers;
  MemoryPlan memory;
  std::vector<float> constants; // uploaded at weightsBase
  size_t weightsBase = 0;       // floats
  std::vector<uint32_t> inputs, outputs;
  /// Per input: indices must be in [0, bound) (embedding rows).
  std::vector<int64_t> indexBounds;
  std::vector<Step> steps;
  VkCommandBuffer commands = VK_NULL_HANDLE;
  uint32_t firstQuery = 0;
  std::vector<DispatchTime> profile;

  /// The buffer and byte range of `reg`.
  VkDescriptorBufferInfo range(uint32_t reg) const {
    const Slot &s = slots.at(reg);
    if (s.buffer < 0)
      return {model->weights->buffer, (weightsBase + s.constant) * 4,
              s.bytes()};
    return {model->arena->buffer, memory.offsets[size_t(s.buffer)], s.bytes()};
  }
  void *host(uint32_t reg) const {
    return static_cast<char *>(model->arena->mapped) + range(reg).offset;
  }
};

/// Pushes `v` as one 32-bit word.
template <typename T> void word(std::vector<uint32_t> &push, T v) {
  static_assert(sizeof(T) == 4);
  uint32_t w;
  std::memcpy(&w, &v, 4);
  push.push_back(w);
}

int32_t i32(int64_t v) {
  if (v > INT32_MAX || v < INT32_MIN)
    throw Error("a size does not fit the shaders' 32-bit indices");
  return int32_t(v);
}

/// Builds one partition from its region.
class Compiler {
public:
  Compiler(Partition &p, const Plan &plan, const Instr &partition,
           size_t alignment)
      : p(p), plan(plan), partition(partition), alignment(alignment) {}

  void compile();

  using Builder = void (Compiler::*)(const Instr &);
  static const std::unordered_map<std::string, Builder> &builders();

private:
  /// Operand `i`, a tensor of the partition of `dtype` (float32 unless
  /// said otherwise; nullopt takes any).
  const Slot &tensor(const Instr &in, size_t i,
                     std::optional<DType> dtype = DType::F32) {
    auto it = p.slots.find(in.operands.at(i));
    if (it == p.slots.end())
      throw Error("operand " + std::to_string(i) +
                  " is not a tensor of the partition");
    if (dtype && it->second.dtype != *dtype)
      throw Error("operand " + std::to_string(i) + " is not " +
                  dtypeName(*dtype));
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
  /// A value of the arena; int64 only for inputs (`input` is their number).
  Slot &define(uint32_t reg, const TypeSpec &type, int input = -1) {
    bool int64Input = input >= 0 && type.dtype == DType::I64;
    if (type.kind != TypeSpec::Kind::Tensor || !type.ranked ||
        (type.dtype != DType::F32 && !int64Input))
      throw Error("result " + type.text +
                  " is not a float32 tensor of known shape");
    Slot s;
    s.shape = type.sizes;
    s.dtype = int64Input ? DType::I64 : DType::F32;
    s.input = input;
    for (int64_t d : s.shape)
      if (d < 0)
        throw Error("result " + type.text + " has a dynamic size");
    s.buffer = int(p.buffers.size());
    p.buffers.push_back({s.bytes(), now, now});
    return p.slots[reg] = s;
  }
  Slot &result(const Instr &in, size_t i = 0) {
    return define(in.results.at(i), in.resultTypes.at(i));
  }
  /// `reg` shares the storage of `of`.
  void alias(uint32_t reg, const Slot &of, const Shape &shape) {
    Slot s = of;
    s.shape = shape;
    p.slots[reg] = s;
  }
  /// A constant of `shape` holding `data`; returns its register.
  uint32_t addConstant(const float *data, const Shape &shape) {
    Slot s;
    s.shape = shape;
    // Offsets stay aligned for the descriptors.
    size_t align = alignment / sizeof(float);
    p.constants.resize((p.constants.size() + align - 1) / align * align);
    s.constant = p.constants.size();
    p.constants.insert(p.constants.end(), data, data + numelOf(shape));
    uint32_t reg = nextScratch++;
    p.slots[reg] = s;
    return reg;
  }
  uint32_t addConstant(const Tensor &t) {
    Tensor c = t.to(DType::F32).contiguous();
    return addConstant(c.data<float>(), c.sizes());
  }
  void dispatch(const std::string &shader, int specialization,
                std::vector<uint32_t> bindings, std::vector<uint32_t> push,
                int64_t elements, const Instr &in) {
    const Pipeline &pipeline = vulkan::Device::get().pipeline(
        shader, specialization, uint32_t(bindings.size()),
        uint32_t(push.size() * 4));
    p.steps.push_back(
        {&pipeline, std::move(bindings), std::move(push),
         uint32_t(i32(elements)),
         (in.location.empty() ? "" : in.location + ": ") + in.opName});
  }

  // Builders, one per op family.
  void packedRun(const Instr &in);
  void binary(const Instr &in);
  void unary(const Instr &in);
  void pool(const Instr &in);
  void adaptivePool(const Instr &in);
  void reduce(const Instr &in);
  void softmax(const Instr &in);
  void layerNorm(const Instr &in);
  void rnn(const Instr &in);
  void embedding(const Instr &in);
  /// An internal buffer of `floats` values, live for the current op.
  uint32_t scratch(int64_t floats) {
    Slot s;
    s.shape = {floats};
    s.buffer = int(p.buffers.size());
    p.buffers.push_back({size_t(floats) * sizeof(float), now, now});
    uint32_t reg = nextScratch++;
    p.slots[reg] = s;
    return reg;
  }
  void matmul(const Instr &in);
  void reshape(const Instr &in);
  void permute(const Instr &in);
  void select(const Instr &in);
  void cat(const Instr &in);
  void split(const Instr &in);
  void listUnpack(const Instr &in);

  /// A strided copy of `sizes` from `from` to `to` (element strides and
  /// offsets), up to 6 dims.
  void copy(uint32_t from, uint32_t to, const Shape &sizes,
            const Shape &inStrides, const Shape &outStrides, int64_t inOffset,
            int64_t outOffset, const Instr &in);
  /// Copies `parts` into or out of `whole` along `dim`.
  void concatCopies(const std::vector<uint32_t> &parts, uint32_t whole,
                    int64_t dim, bool gather, const Instr &in);

  Partition &p;
  const Plan &plan;
  const Instr &partition;
  size_t alignment;
  PartitionValues values;
  std::unordered_map<uint32_t, Value> &consts = values.consts;
  std::unordered_map<uint32_t, std::vector<uint32_t>> &tensorLists =
      values.tensorLists;
  std::unordered_map<uint32_t, const Instr *> chunks;
  uint32_t nextScratch = 0xF0000000u;
  int64_t now = 0;
};

Shape contiguousStrides(const Shape &sizes) {
  Shape strides(sizes.size(), 1);
  for (size_t i = sizes.size(); i-- > 1;)
    strides[i - 1] = strides[i] * sizes[i];
  return strides;
}

/// Outputs per invocation of the conv2d and linear shaders for `n` outputs.
int64_t tileFor(int64_t n) { return n >= 8 ? 8 : n >= 4 ? 4 : 1; }

/// `dim` in [0, rank); a 0-d tensor takes dim 0 or -1, as in PyTorch.
int64_t wrapDim(int64_t dim, size_t rank) {
  int64_t r = std::max<int64_t>(int64_t(rank), 1);
  if (dim < -r || dim >= r)
    throw Error("dim " + std::to_string(dim) + " out of range");
  return dim < 0 ? dim + r : dim;
}

void Compiler::compile() {
  const Block &body = partitionBody(partition);
  for (size_t i = 0; i < body.args.size(); ++i) {
    define(body.args[i], body.argTypes.at(i), int(i));
    p.inputs.push_back(body.args[i]);
    p.indexBounds.push_back(INT64_MAX);
  }
  compileInstrs(
      body, plan, values, now,
      [&](const Instr &in, const Tensor &t) {
        uint32_t reg = addConstant(t);
        p.slots[in.results.at(0)] = p.slots.at(reg);
      },
      [&](const Instr &in) {
        auto it = builders().find(in.opName);
        if (it == builders().end())
          throw Error("no Vulkan shader for this op");
        (this->*(it->second))(in);
      });
  for (uint32_t r : body.results) {
    if (!p.slots.count(r) || p.slots[r].buffer < 0)
      throw Error("vk.partition: a result is not computed in the partition");
    use(r);
    p.outputs.push_back(r);
  }
  p.memory = planMemory(p.buffers, alignment);
}

/// vk.conv2d_run, vk.conv_transpose2d_run and vk.linear_run.
void Compiler::packedRun(const Instr &in) {
  const Slot &x = tensor(in, 0);
  Kind kind = in.opName == "vk.linear_run"   ? Kind::Linear
              : in.opName == "vk.conv2d_run" ? Kind::Conv2d
                                             : Kind::TransposeConv2d;
  Packed pk = ref::unpackParams(constant(in, 1), kind, ref::Flavor::Vk);
  const Shape &xs = x.shape;
  Slot &y = result(in);
  const int64_t outputs = kind == Kind::TransposeConv2d
                              ? pk.weight.size(1) * pk.groups
                              : pk.weight.size(0);
  Tensor bias =
      pk.bias.defined() ? pk.bias : Tensor::zeros(DType::F32, Shape{outputs});
  uint32_t w = addConstant(pk.weight), b = addConstant(bias);
  float lo = float(ref::boundOf(pk.outputMin, -INFINITY)),
        hi = float(ref::boundOf(pk.outputMax, INFINITY));
  std::vector<uint32_t> push;
  if (kind == Kind::Linear) {
    int64_t k = pk.weight.size(1);
    if (xs.empty() || xs.back() != k)
      throw Error("input and weight sizes differ");
    const int64_t rows = x.numel() / k, tile = tileFor(outputs);
    for (int64_t v : {rows, k, outputs})
      word(push, i32(v));
    word(push, lo);
    word(push, hi);
    word(push, 0); // offsets
    word(push, 0);
    dispatch("linear", int(tile), {in.results.at(0), in.operands.at(0), w, b},
             push, rows * ((outputs + tile - 1) / tile), in);
    return;
  }
  if (xs.size() != 4 || y.shape.size() != 4)
    throw Error("convolution input must be 4-d");
  for (int64_t v : {xs[0], xs[1], xs[2], xs[3], outputs, y.shape[2], y.shape[3],
                    pk.weight.size(2), pk.weight.size(3), pk.stride[0],
                    pk.stride[1], pk.padding[0], pk.padding[1], pk.dilation[0],
                    pk.dilation[1], pk.groups})
    word(push, i32(v));
  word(push, lo);
  word(push, hi);
  if (kind == Kind::TransposeConv2d) {
    dispatch("conv_transpose2d", 0, {in.results.at(0), in.operands.at(0), w, b},
             push, y.numel(), in);
    return;
  }
  // TILE output channels of a group per invocation.
  const int64_t perGroup = outputs / pk.groups, tile = tileFor(perGroup);
  dispatch("conv2d", int(tile), {in.results.at(0), in.operands.at(0), w, b},
           push,
           xs[0] * pk.groups * ((perGroup + tile - 1) / tile) * y.shape[2] *
               y.shape[3],
           in);
}

/// aten.{add,sub,mul,div}[_].{Tensor,Scalar} and aten._add_relu[_].Tensor,
/// broadcasting through per-operand strides.
void Compiler::binary(const Instr &in) {
  const std::string &name = in.opName;
  int op = name.rfind("aten.add", 0) == 0 || name.rfind("aten._add", 0) == 0 ? 0
           : name.rfind("aten.sub", 0) == 0                                  ? 1
           : name.rfind("aten.mul", 0) == 0                                  ? 2
                                            : 3;
  float alpha = 1;
  if (op <= 1 && in.operands.size() > 2)
    alpha = float(constant(in, 2).toDouble());
  if (op == 3 && in.operands.size() > 2 && !constant(in, 2).isNone())
    throw Error("a rounding mode");
  Slot &y = result(in);
  if (y.shape.size() > 6)
    throw Error("more than 6 dims");
  uint32_t a = in.operands.at(0), b = in.operands.at(1);
  tensor(in, 0);
  if (isTensor(in, 1)) {
    tensor(in, 1);
  } else {
    float v = float(constant(in, 1).toDouble());
    b = addConstant(&v, Shape{}); // 0-d: broadcasts to any rank
  }
  // Sizes and strides right-aligned to 6 dims.
  auto strides = [&](uint32_t reg) {
    const Shape &s = p.slots.at(reg).shape;
    if (s.size() > y.shape.size())
      throw Error("operand has more dims than the result");
    Shape aligned(y.shape.size() - s.size(), 1);
    aligned.insert(aligned.end(), s.begin(), s.end());
    Shape st = contiguousStrides(aligned);
    for (size_t d = 0; d < aligned.size(); ++d)
      if (aligned[d] == 1)
        st[d] = 0;
      else if (aligned[d] != y.shape[d])
        throw Error("operand does not broadcast to the result");
    Shape six(6 - st.size(), 0);
    six.insert(six.end(), st.begin(), st.end());
    return six;
  };
  Shape sizes(6 - y.shape.size(), 1);
  sizes.insert(sizes.end(), y.shape.begin(), y.shape.end());
  std::vector<uint32_t> push;
  for (const Shape &list : {sizes, strides(a), strides(b)})
    for (int64_t v : list)
      word(push, i32(v));
  word(push, alpha);
  word(push, name.rfind("aten._add_relu", 0) == 0 ? 0.0f : -INFINITY);
  word(push, INFINITY);
  dispatch("binary", op, {in.results.at(0), a, b}, push, y.numel(), in);
}

/// Clamps (relu, relu6, hardtanh, clamp*), hardswish, hardsigmoid, sigmoid,
/// tanh, leaky_relu, elu.
void Compiler::unary(const Instr &in) {
  const Slot &x = tensor(in, 0);
  Slot &y = result(in);
  if (y.shape != x.shape)
    throw Error("result shape differs from the input's");
  std::string name = in.opName.substr(5); // after "aten."
  if (!name.empty() && name.back() == '_')
    name.pop_back();
  auto param = [&](size_t i, float otherwise) {
    if (i >= in.operands.size() || constant(in, i).isNone())
      return otherwise;
    return float(constant(in, i).toDouble());
  };
  int op = 0;
  float p0 = -INFINITY, p1 = INFINITY, p2 = 0;
  if (name == "relu")
    p0 = 0;
  else if (name == "relu6")
    p0 = 0, p1 = 6;
  else if (name == "hardtanh")
    p0 = param(1, -1), p1 = param(2, 1);
  else if (name == "clamp")
    p0 = param(1, -INFINITY), p1 = param(2, INFINITY);
  else if (name == "clamp_min")
    p0 = param(1, -INFINITY);
  else if (name == "clamp_max")
    p1 = param(1, INFINITY);
  else if (name == "hardswish")
    op = 1;
  else if (name == "hardsigmoid")
    op = 2;
  else if (name == "sigmoid")
    op = 3;
  else if (name == "tanh")
    op = 4;
  else if (name == "leaky_relu")
    op = 5, p0 = param(1, 0.01f);
  else if (name == "elu")
    op = 6, p0 = param(1, 1), p1 = param(2, 1), p2 = param(3, 1);
  else
    throw Error("no Vulkan form");
  std::vector<uint32_t> push;
  word(push, i32(x.numel()));
  word(push, p0);
  word(push, p1);
  word(push, p2);
  dispatch("unary", op, {in.results.at(0), in.operands.at(0)}, push, y.numel(),
           in);
}

/// aten.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode) and
/// aten.avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad,
/// divisor_override); the output size is the result type's.
void Compiler::pool(const Instr &in) {
  const Slot &x = tensor(in, 0);
  Slot &y = result(in);
  bool max = in.opName == "aten.max_pool2d";
  Shape k = constant(in, 1).toIntVector(), s = constant(in, 2).toIntVector(),
        pad = constant(in, 3).toIntVector();
  if (s.empty())
    s = k;
  Shape d = max ? constant(in, 4).toIntVector() : Shape{1, 1};
  int64_t includePad = max ? 0 : constant(in, 5).toBool();
  int64_t divisor = 0;
  if (!max && !constant(in, 6).isNone())
    divisor = constant(in, 6).toInt();
  auto pair = [](const Shape &v) {
    return v.size() == 1 ? Shape{v[0], v[0]} : v;
  };
  k = pair(k), s = pair(s), pad = pair(pad), d = pair(d);
  if (x.shape.size() < 3 || k.size() != 2 || s.size() != 2 || pad.size() != 2 ||
      d.size() != 2)
    throw Error("pooling parameters are not pairs over a 3-d or 4-d input");
  size_t r = x.shape.size();
  std::vector<uint32_t> push;
  for (int64_t v :
       {x.numel() / (x.shape[r - 2] * x.shape[r - 1]), x.shape[r - 2],
        x.shape[r - 1], y.shape[r - 2], y.shape[r - 1], k[0], k[1], s[0], s[1],
        pad[0], pad[1], d[0], d[1], includePad, divisor})
    word(push, i32(v));
  dispatch("pool2d", max ? 1 : 0, {in.results.at(0), in.operands.at(0)}, push,
           y.numel(), in);
}

/// aten.adaptive_avg_pool2d(x, output_size).
void Compiler::adaptivePool(const Instr &in) {
  const Slot &x = tensor(in, 0);
  Slot &y = result(in);
  size_t r = x.shape.size();
  if (r < 3)
    throw Error("input is not 3-d or 4-d");
  std::vector<uint32_t> push;
  for (int64_t v :
       {x.numel() / (x.shape[r - 2] * x.shape[r - 1]), x.shape[r - 2],
        x.shape[r - 1], y.shape[r - 2], y.shape[r - 1]})
    word(push, i32(v));
  dispatch("adaptive_avg_pool2d", 0, {in.results.at(0), in.operands.at(0)},
           push, y.numel(), in);
}

/// aten.mean.dim / aten.sum.dim_IntList over consecutive dims.
void Compiler::reduce(const Instr &in) {
  const Slot &x = tensor(in, 0);
  Slot &y = result(in);
  if (in.operands.size() > 3 && !constant(in, 3).isNone())
    throw Error("a dtype");
  Shape dims = constant(in, 1).toIntVector();
  if (dims.empty())
    for (size_t i = 0; i < x.shape.size(); ++i)
      dims.push_back(int64_t(i));
  for (int64_t &d : dims)
    d = wrapDim(d, x.shape.size());
  std::sort(dims.begin(), dims.end());
  for (size_t i = 1; i < dims.size(); ++i)
    if (dims[i] != dims[i - 1] + 1)
      throw Error("dims that are not consecutive");
  int64_t outer = 1, len = 1, inner = 1;
  for (size_t i = 0; i < x.shape.size(); ++i)
    (int64_t(i) < dims.front()  ? outer
     : int64_t(i) > dims.back() ? inner
                                : len) *= x.shape[i];
  std::vector<uint32_t> push;
  for (int64_t v : {outer, len, inner})
    word(push, i32(v));
  dispatch("reduce", in.opName == "aten.mean.dim" ? 1 : 0,
           {in.results.at(0), in.operands.at(0)}, push, y.numel(), in);
}

/// aten.softmax.int / aten.log_softmax.int(x, dim, dtype=None).
void Compiler::softmax(const Instr &in) {
  const Slot &x = tensor(in, 0);
  result(in);
  if (!constant(in, 2).isNone())
    throw Error("a dtype");
  int64_t dim = wrapDim(constant(in, 1).toInt(), x.shape.size());
  int64_t outer = 1, inner = 1;
  for (size_t i = 0; i < x.shape.size(); ++i)
    if (int64_t(i) < dim)
      outer *= x.shape[i];
    else if (int64_t(i) > dim)
      inner *= x.shape[i];
  std::vector<uint32_t> push;
  for (int64_t v : {outer, x.shape.empty() ? 1 : x.shape[size_t(dim)], inner})
    word(push, i32(v));
  dispatch("softmax", in.opName == "aten.log_softmax.int" ? 1 : 0,
           {in.results.at(0), in.operands.at(0)}, push, outer * inner, in);
}

/// aten.layer_norm(x, normalized_shape, weight, bias, eps, cudnn_enable)
/// over the last dims; a missing weight is ones, a missing bias zeros.
void Compiler::layerNorm(const Instr &in) {
  const Slot &x = tensor(in, 0);
  result(in);
  Shape normalized = constant(in, 1).toIntVector();
  if (normalized.size() > x.shape.size() ||
      !std::equal(normalized.begin(), normalized.end(),
                  x.shape.end() - int64_t(normalized.size())))
    throw Error("normalized_shape is not the input's last dims");
  const int64_t len = numelOf(normalized);
  auto affine = [&](size_t i, float fill) {
    if (isTensor(in, i)) {
      if (tensor(in, i).numel() != len)
        throw Error("weight or bias size is not normalized_shape's");
      return in.operands.at(i);
    }
    if (!constant(in, i).isNone())
      throw Error("weight or bias is not a tensor");
    std::vector<float> values(size_t(len), fill);
    return addConstant(values.data(), Shape{len});
  };
  uint32_t w = affine(2, 1), b = affine(3, 0);
  std::vector<uint32_t> push;
  word(push, i32(len ? x.numel() / len : 0));
  word(push, i32(len));
  word(push, float(constant(in, 4).toDouble()));
  dispatch("layer_norm", 0, {in.results.at(0), in.operands.at(0), w, b}, push,
           len ? x.numel() / len : 0, in);
}

/// vk.gru_run(x, hx, params) and vk.lstm_run(x, h, c, params) over a
/// (T, B, I) input ((B, T, I) with batch_first, copied to (T, B, I) first):
/// per layer and direction, the input's gates for the whole sequence in one
/// linear dispatch, then per step (backwards for the reverse direction) a
/// linear of the hidden state and the cell, which writes the step's output;
/// the last step's state is copied to h_n (and c_n). With two directions,
/// each writes its own sequence, copied into its half of the layer output.
void Compiler::rnn(const Instr &in) {
  const bool lstm = in.opName == "vk.lstm_run";
  const Slot &x = tensor(in, 0), &h0 = tensor(in, 1);
  if (lstm)
    tensor(in, 2);
  Object &params = constant(in, lstm ? 3 : 2).toObject();
  auto field = [&](const char *name) -> const Value & {
    const Value *f = params.find(name);
    if (!f)
      throw Error("packed parameters without '" + std::string(name) + "'");
    return *f;
  };
  if (field("train").toBool())
    throw Error("a training recurrence");
  if (x.shape.size() != 3 || h0.shape.size() != 3)
    throw Error("input or state is not 3-d");
  const bool batchFirst = field("batch_first").toBool();
  const std::vector<Tensor> weights = field("params").toTensorVector();
  const bool biases = field("has_biases").toBool();
  const int64_t layers = field("num_layers").toInt(), perLayer = biases ? 4 : 2,
                dirs = field("bidirectional").toBool() ? 2 : 1;
  const int64_t T = x.shape[batchFirst ? 1 : 0],
                B = x.shape[batchFirst ? 0 : 1], H = h0.shape[2],
                G = lstm ? 4 : 3;
  if (int64_t(weights.size()) != layers * dirs * perLayer ||
      h0.shape[0] != layers * dirs)
    throw Error("weights or state do not match num_layers");
  const uint32_t out = in.results.at(0), hn = in.results.at(1);
  result(in, 0);
  result(in, 1);
  if (lstm)
    result(in, 2);
  const uint32_t gx = scratch(T * B * G * H), gh = scratch(B * G * H),
                 cell = lstm ? scratch(B * H) : 0;
  auto linear = [&](uint32_t from, int64_t fromOffset, uint32_t to,
                    int64_t rows, int64_t k, uint32_t w, uint32_t b) {
    std::vector<uint32_t> push;
    for (int64_t v : {rows, k, G * H})
      word(push, i32(v));
    word(push, -INFINITY);
    word(push, INFINITY);
    word(push, i32(fromOffset));
    word(push, 0);
    dispatch("linear", int(tileFor(G * H)), {to, from, w, b}, push,
             rows * ((G * H + tileFor(G * H) - 1) / tileFor(G * H)), in);
  };
  // (B, T, F) <-> (T, B, F).
  auto swapBatchAndTime = [&](uint32_t from, uint32_t to, int64_t rows,
                              int64_t cols, int64_t F) {
    copy(from, to, {rows, cols, F}, {F, rows * F, 1}, {cols * F, F, 1}, 0, 0,
         in);
  };
  const Tensor zeros = Tensor::zeros(DType::F32, Shape{G * H});
  uint32_t layerIn = in.operands.at(0);
  int64_t features = x.shape[2];
  if (batchFirst) {
    layerIn = scratch(T * B * features);
    swapBatchAndTime(in.operands.at(0), layerIn, T, B, features);
  }
  for (int64_t l = 0; l < layers; ++l) {
    const uint32_t layerOut =
        l + 1 == layers && !batchFirst ? out : scratch(T * B * dirs * H);
    for (int64_t d = 0; d < dirs; ++d) {
      const int64_t state = (l * dirs + d) * B * H;
      const Tensor *w = &weights[size_t((l * dirs + d) * perLayer)];
      uint32_t wih = addConstant(w[0]), whh = addConstant(w[1]),
               bih = addConstant(biases ? w[2] : zeros),
               bhh = addConstant(biases ? w[3] : zeros);
      const uint32_t seq = dirs == 1 ? layerOut : scratch(T * B * H);
      linear(layerIn, 0, gx, T * B, features, wih, bih);
      if (lstm)
        copy(in.operands.at(2), cell, {B * H}, {1}, {1}, state, 0, in);
      for (int64_t step = 0; step < T; ++step) {
        const int64_t t = d ? T - 1 - step : step, prev = d ? t + 1 : t - 1;
        const uint32_t h = step ? seq : in.operands.at(1);
        const int64_t hOffset = step ? prev * B * H : state;
        linear(h, hOffset, gh, B, H, whh, bhh);
        std::vector<uint32_t> push;
        for (int64_t v : {B, H, t * B * G * H})
          word(push, i32(v));
        if (!lstm)
          word(push, i32(hOffset));
        word(push, i32(t * B * H));
        dispatch(lstm ? "lstm_cell" : "gru_cell", 0,
                 {seq, gx, gh, lstm ? cell : h}, push, B * H, in);
      }
      copy(seq, hn, {B * H}, {1}, {1}, (d ? 0 : T - 1) * B * H, state, in);
      if (lstm)
        copy(cell, in.results.at(2), {B * H}, {1}, {1}, 0, state, in);
      if (dirs == 2) // into this direction's half of the features
        copy(seq, layerOut, {T * B, H}, {H, 1}, {2 * H, 1}, 0, d * H, in);
    }
    layerIn = layerOut;
    features = dirs * H;
  }
  if (batchFirst)
    swapBatchAndTime(layerIn, out, B, T, features);
}

/// aten.embedding(weight, indices, ...): a gather of weight rows by the
/// int64 indices, which are an input of the partition (no shader makes
/// integers), so the run checks their range on the host first.
void Compiler::embedding(const Instr &in) {
  const Slot &w = tensor(in, 0), &idx = tensor(in, 1, DType::I64);
  if (w.shape.size() != 2)
    throw Error("'weight' must be 2-D");
  if (idx.input < 0)
    throw Error("the indices are not an input of the partition");
  Slot &y = result(in);
  const int64_t count = idx.numel(), rows = w.shape[0], dim = w.shape[1];
  if (y.numel() != count * dim)
    throw Error("the result type's sizes are not indices x dim");
  int64_t &bound = p.indexBounds[size_t(idx.input)];
  bound = std::min(bound, rows);
  std::vector<uint32_t> push;
  for (int64_t v : {count, rows, dim})
    word(push, i32(v));
  dispatch("embedding", 0,
           {in.results.at(0), in.operands.at(1), in.operands.at(0)}, push,
           count * dim, in);
}

/// aten.bmm, and aten.matmul of an (..., m, k) tensor by a (k, n) matrix or
/// by a tensor with the same leading dims.
void Compiler::matmul(const Instr &in) {
  const Slot &a = tensor(in, 0), &b = tensor(in, 1);
  Slot &y = result(in);
  const Shape &as = a.shape, &bs = b.shape;
  if (as.size() < 2 || bs.size() < 2)
    throw Error("an operand with fewer than 2 dims");
  const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  if (bs[bs.size() - 2] != k)
    throw Error("inner sizes differ");
  const int64_t batch = a.numel() / (m * k);
  int64_t bStride = k * n;
  if (bs.size() == 2)
    bStride = 0; // one matrix for every batch
  else if (b.numel() / (k * n) != batch ||
           !std::equal(as.begin(), as.end() - 2, bs.begin(), bs.end() - 2))
    throw Error("batch dims that broadcast");
  if (y.numel() != batch * m * n)
    throw Error("the result type's sizes are not the product's");
  std::vector<uint32_t> push;
  for (int64_t v : {batch, m, k, n, m * k, bStride})
    word(push, i32(v));
  dispatch("bmm", 0, {in.results.at(0), in.operands.at(0), in.operands.at(1)},
           push, y.numel(), in);
}

/// view, reshape, flatten, contiguous and the transfers share their input's
/// buffer (contiguous data needs no copy).
void Compiler::reshape(const Instr &in) {
  const Slot &x = tensor(in, 0, std::nullopt);
  const TypeSpec &t = in.resultTypes.at(0);
  if (t.kind != TypeSpec::Kind::Tensor || !t.ranked)
    throw Error("result shape is not known");
  if (numelOf(t.sizes) != x.numel())
    throw Error("sizes differ in element count");
  alias(in.results.at(0), x, t.sizes);
}

void Compiler::copy(uint32_t from, uint32_t to, const Shape &sizes,
                    const Shape &inStrides, const Shape &outStrides,
                    int64_t inOffset, int64_t outOffset, const Instr &in) {
  if (sizes.size() > 6)
    throw Error("more than 6 dims");
  size_t pad = 6 - sizes.size();
  std::vector<uint32_t> push;
  for (const Shape *list : {&sizes, &inStrides, &outStrides}) {
    for (size_t i = 0; i < pad; ++i)
      word(push, i32(list == &sizes ? 1 : 0));
    for (int64_t v : *list)
      word(push, i32(v));
  }
  word(push, i32(inOffset));
  word(push, i32(outOffset));
  dispatch("copy", 0, {to, from}, push, numelOf(sizes), in);
}

/// aten.transpose.int and aten.permute: a copy through permuted strides.
void Compiler::permute(const Instr &in) {
  const Slot &x = tensor(in, 0);
  Slot &y = result(in);
  size_t r = x.shape.size();
  std::vector<int64_t> order(r);
  for (size_t i = 0; i < r; ++i)
    order[i] = int64_t(i);
  if (in.opName == "aten.transpose.int") {
    std::swap(order[size_t(wrapDim(constant(in, 1).toInt(), r))],
              order[size_t(wrapDim(constant(in, 2).toInt(), r))]);
  } else {
    Shape dims = constant(in, 1).toIntVector();
    if (dims.size() != r)
      throw Error("dims do not match the input's rank");
    for (size_t i = 0; i < r; ++i)
      order[i] = wrapDim(dims[i], r);
  }
  Shape inStrides = contiguousStrides(x.shape), strides(r);
  for (size_t i = 0; i < r; ++i)
    strides[i] = inStrides[size_t(order[i])];
  copy(in.operands.at(0), in.results.at(0), y.shape, strides,
       contiguousStrides(y.shape), 0, 0, in);
}

/// aten.select.int(x, dim, index) and aten.slice.Tensor(x, dim, start, end,
/// step): a copy from an offset through the input's strides (the result
/// type gives the slice's length).
void Compiler::select(const Instr &in) {
  const Slot &x = tensor(in, 0);
  const Slot &y = result(in);
  const size_t dim = size_t(wrapDim(constant(in, 1).toInt(), x.shape.size()));
  const int64_t size = x.shape.empty() ? 1 : x.shape[dim];
  Shape strides = contiguousStrides(x.shape), sizes = x.shape;
  int64_t start = 0;
  if (in.opName == "aten.select.int") {
    start = constant(in, 2).toInt();
    if (start < -size || start >= size)
      throw Error("index " + std::to_string(start) + " out of range");
    start = start < 0 ? start + size : start;
    strides.erase(strides.begin() + int64_t(dim));
    sizes.erase(sizes.begin() + int64_t(dim));
  } else {
    if (!constant(in, 2).isNone())
      start = constant(in, 2).toInt();
    start = std::clamp<int64_t>(start < 0 ? start + size : start, 0, size);
    const int64_t step = constant(in, 4).toInt();
    if (step <= 0)
      throw Error("slice step must be positive");
    sizes[dim] = y.shape.at(dim);
    strides[dim] *= step;
  }
  if (sizes != y.shape)
    throw Error("the result type's sizes are not the selection's");
  copy(in.operands.at(0), in.results.at(0), sizes, strides,
       contiguousStrides(sizes), start * contiguousStrides(x.shape)[dim], 0,
       in);
}

void Compiler::concatCopies(const std::vector<uint32_t> &parts, uint32_t whole,
                            int64_t dim, bool gather, const Instr &in) {
  const Slot &w = p.slots.at(whole);
  size_t axis = size_t(wrapDim(dim, w.shape.size()));
  Shape wholeStrides = contiguousStrides(w.shape);
  int64_t offset = 0;
  for (uint32_t part : parts) {
    const Slot &s = p.slots.at(part);
    if (s.shape.size() != w.shape.size())
      throw Error("parts of different ranks");
    Shape partStrides = contiguousStrides(s.shape);
    int64_t at = offset * wholeStrides[axis];
    if (gather)
      copy(part, whole, s.shape, partStrides, wholeStrides, 0, at, in);
    else
      copy(whole, part, s.shape, wholeStrides, partStrides, at, 0, in);
    offset += s.shape[axis];
  }
  if (offset != w.shape[axis])
    throw Error("parts do not add up to the whole");
}

/// aten.cat(list, dim) of tensors of the partition.
void Compiler::cat(const Instr &in) {
  auto it = tensorLists.find(in.operands.at(0));
  if (it == tensorLists.end())
    throw Error("the list is not made in the partition");
  for (uint32_t r : it->second) {
    if (!p.slots.count(r))
      throw Error("an item of the list is not a tensor of the partition");
    use(r);
  }
  result(in);
  concatCopies(it->second, in.results.at(0), constant(in, 1).toInt(), true, in);
}

/// aten.chunk / aten.split.Tensor: the parts are made by their
/// prim.list_unpack.
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
  use(split.operands[0]);
  std::vector<uint32_t> parts;
  for (size_t i = 0; i < in.results.size(); ++i) {
    result(in, i);
    parts.push_back(in.results.at(i));
  }
  concatCopies(parts, split.operands[0], constant(split, 2).toInt(), false, in);
}

const std::unordered_map<std::string, Compiler::Builder> &Compiler::builders() {
  static const std::unordered_map<std::string, Builder> table = [] {
    std::unordered_map<std::string, Builder> t;
    for (const char *name :
         {"vk.conv2d_run", "vk.conv_transpose2d_run", "vk.linear_run"})
      t[name] = &Compiler::packedRun;
    for (const char *name :
         {"aten.add.Tensor", "aten.add_.Tensor", "aten.add.Scalar",
          "aten.sub.Tensor", "aten.sub_.Tensor", "aten.sub.Scalar",
          "aten.mul.Tensor", "aten.mul_.Tensor", "aten.mul.Scalar",
          "aten.div.Tensor", "aten.div_.Tensor", "aten.div.Scalar",
          "aten._add_relu.Tensor", "aten._add_relu_.Tensor"})
      t[name] = &Compiler::binary;
    for (const char *name :
         {"relu", "relu6", "hardtanh", "clamp", "clamp_min", "clamp_max",
          "hardswish", "hardsigmoid", "sigmoid", "tanh", "leaky_relu", "elu"}) {
      t[std::string("aten.") + name] = &Compiler::unary;
      t[std::string("aten.") + name + "_"] = &Compiler::unary;
    }
    t["aten.max_pool2d"] = t["aten.avg_pool2d"] = &Compiler::pool;
    t["aten.adaptive_avg_pool2d"] = &Compiler::adaptivePool;
    t["aten.mean.dim"] = t["aten.sum.dim_IntList"] = &Compiler::reduce;
    t["aten.softmax.int"] = t["aten.log_softmax.int"] = &Compiler::softmax;
    t["aten.layer_norm"] = &Compiler::layerNorm;
    t["vk.gru_run"] = t["vk.lstm_run"] = &Compiler::rnn;
    t["aten.bmm"] = t["aten.matmul"] = &Compiler::matmul;
    t["aten.embedding"] = &Compiler::embedding;
    for (const char *name :
         {"aten.view", "aten.reshape", "aten.flatten.using_ints",
          "aten.contiguous", "aten.unsqueeze", "aten.squeeze",
          "aten.squeeze.dim", "vk.to_vulkan", "vk.to_cpu"})
      t[name] = &Compiler::reshape;
    t["aten.transpose.int"] = t["aten.permute"] = &Compiler::permute;
    t["aten.select.int"] = t["aten.slice.Tensor"] = &Compiler::select;
    t["aten.cat"] = &Compiler::cat;
    t["aten.chunk"] = t["aten.split.Tensor"] = &Compiler::split;
    t["prim.list_unpack"] = &Compiler::listUnpack;
    return t;
  }();
  return table;
}

/// Records `p`'s command buffer: its dispatches with a barrier after each,
/// and timestamps around them when profiling.
void record(Partition &p) {
  vulkan::Device &device = p.model->device;
  VkCommandBuffer cb = p.commands;
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  check(vkBeginCommandBuffer(cb, &begin), "vkBeginCommandBuffer");
  VkQueryPool queries = p.model->queries;
  if (queries) {
    vkCmdResetQueryPool(cb, queries, p.firstQuery,
                        uint32_t(p.steps.size() + 1));
    vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, queries,
                        p.firstQuery);
  }
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
  barrier.dstAccessMask =
      VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const Step &s = p.steps[i];
    vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, s.pipeline->pipeline);
    vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE,
                            s.pipeline->layout, 0, 1, &s.set, 0, nullptr);
    if (!s.push.empty())
      vkCmdPushConstants(cb, s.pipeline->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                         uint32_t(s.push.size() * 4), s.push.data());
    uint32_t groups = (s.elements + 63) / 64;
    uint32_t x = std::min<uint32_t>(
        groups, device.properties.limits.maxComputeWorkGroupCount[0]);
    uint32_t y = x ? (groups + x - 1) / x : 0;
    if (y > device.properties.limits.maxComputeWorkGroupCount[1])
      throw Error(s.what + ": too many elements for one dispatch");
    if (groups)
      vkCmdDispatch(cb, x, y, 1);
    if (queries)
      vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, queries,
                          p.firstQuery + uint32_t(i + 1));
    VkMemoryBarrier after = barrier;
    VkPipelineStageFlags dst = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
    if (i + 1 == p.steps.size()) { // the results go to the host
      after.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
      dst = VK_PIPELINE_STAGE_HOST_BIT;
    }
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, dst, 0, 1,
                         &after, 0, nullptr, 0, nullptr);
  }
  check(vkEndCommandBuffer(cb), "vkEndCommandBuffer");
}

/// Fails when the validation layer said anything.
void checkValidation(vulkan::Device &device, const std::string &when) {
  std::vector<std::string> messages = device.takeMessages();
  if (messages.empty())
    return;
  std::string text = "Vulkan validation " + when + ":";
  for (const std::string &m : messages)
    text += "\n  " + m;
  throw Error(text);
}

/// Runs a prepared partition: inputs into the arena, one submission,
/// outputs out of it.
void runPartition(KernelContext &ctx) {
  auto *p = static_cast<Partition *>(ctx.instruction().state.get());
  if (!p)
    throw Error("the plan was not prepared for Vulkan");
  for (size_t i = 0; i < p->inputs.size(); ++i) {
    const Slot &s = p->slots.at(p->inputs[i]);
    Tensor t = ctx.tensor(i);
    if (t.dtype() != s.dtype || t.sizes() != s.shape)
      throw Error("input " + std::to_string(i) + " is " + t.describe() +
                  ", the partition was compiled for " + dtypeName(s.dtype) +
                  " " + shapeToString(s.shape));
    t = t.contiguous();
    if (int64_t bound = p->indexBounds[i]; bound != INT64_MAX)
      for (int64_t k = 0, n = t.numel(); k < n; ++k)
        if (t.data<int64_t>()[k] < 0 || t.data<int64_t>()[k] >= bound)
          throw Error("index out of range in self");
    std::memcpy(p->host(p->inputs[i]), t.rawData(),
                size_t(s.numel()) * elementSize(s.dtype));
  }
  vulkan::Device &device = p->model->device;
  if (!p->steps.empty())
    device.submitAndWait(p->commands);
  if (device.validating())
    checkValidation(device, "during a run");
  if (p->model->queries && !p->steps.empty()) {
    std::vector<uint64_t> ticks(p->steps.size() + 1);
    check(vkGetQueryPoolResults(device.device, p->model->queries, p->firstQuery,
                                uint32_t(ticks.size()),
                                ticks.size() * sizeof(uint64_t), ticks.data(),
                                sizeof(uint64_t), VK_QUERY_RESULT_64_BIT),
          "vkGetQueryPoolResults");
    p->profile.clear();
    for (size_t i = 0; i < p->steps.size(); ++i)
      p->profile.push_back(
          {p->steps[i].what,
           double(ticks[i + 1] - ticks[i]) * device.timestampPeriod() / 1e6});
  }
  for (size_t i = 0; i < p->outputs.size(); ++i) {
    const Slot &s = p->slots.at(p->outputs[i]);
    Tensor y = Tensor::zeros(s.dtype, s.shape);
    std::memcpy(y.rawMutableData(), p->host(p->outputs[i]),
                size_t(s.numel()) * elementSize(s.dtype));
    ctx.setResult(i, y);
  }
}

void prepareBlock(Block &block, Plan &plan, const std::shared_ptr<Model> &model,
                  size_t alignment, std::vector<Partition *> &partitions) {
  for (Instr &in : block.instrs) {
    if (in.opName == "vk.partition") {
      auto p = std::make_shared<Partition>();
      p->model = model;
      Compiler(*p, plan, in, alignment).compile();
      partitions.push_back(p.get());
      in.state = p;
      continue;
    }
    for (Block &region : in.regions)
      prepareBlock(region, plan, model, alignment, partitions);
  }
}

} // namespace

PlanSummary vulkan::preparePlan(Plan &plan, const PrepareOptions &options) {
  vulkan::Device &device = vulkan::Device::get();
  auto model = std::make_shared<Model>(device);
  model->profile = options.profile;
  size_t alignment = std::max<size_t>(
      64, size_t(device.properties.limits.minStorageBufferOffsetAlignment));
  std::vector<Partition *> partitions;
  for (Function &fn : plan.functions)
    prepareBlock(fn.body, plan, model, alignment, partitions);

  PlanSummary summary;
  summary.device = device.description();
  size_t arena = 0, weights = 0, sets = 0, descriptors = 0;
  uint32_t queries = 0;
  for (Partition *p : partitions) {
    arena = std::max(arena, p->memory.arenaBytes);
    summary.activationBytes += p->memory.totalBytes;
    size_t align = alignment / sizeof(float);
    weights = (weights + align - 1) / align * align;
    p->weightsBase = weights;
    weights += p->constants.size();
    sets += p->steps.size();
    for (const Step &s : p->steps)
      descriptors += s.bindings.size();
    p->firstQuery = queries;
    queries += uint32_t(p->steps.size() + 1);
    summary.dispatches += p->steps.size();
  }
  summary.partitions = partitions.size();
  summary.arenaBytes = arena;
  summary.weightBytes = weights * sizeof(float);
  if (partitions.empty()) {
    plan.backendState = model;
    return summary;
  }
  model->arena = std::make_unique<Buffer>(device, arena);
  model->weights = std::make_unique<Buffer>(device, weights * sizeof(float));
  for (Partition *p : partitions)
    if (!p->constants.empty())
      std::memcpy(static_cast<float *>(model->weights->mapped) + p->weightsBase,
                  p->constants.data(), p->constants.size() * sizeof(float));

  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                            uint32_t(std::max<size_t>(descriptors, 1))};
  VkDescriptorPoolCreateInfo poolInfo{
      VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  poolInfo.maxSets = uint32_t(std::max<size_t>(sets, 1));
  poolInfo.poolSizeCount = 1;
  poolInfo.pPoolSizes = &size;
  check(vkCreateDescriptorPool(device.device, &poolInfo, nullptr,
                               &model->descriptors),
        "vkCreateDescriptorPool");
  if (options.profile && device.timestampPeriod() > 0) {
    VkQueryPoolCreateInfo queryInfo{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    queryInfo.queryType = VK_QUERY_TYPE_TIMESTAMP;
    queryInfo.queryCount = queries;
    check(
        vkCreateQueryPool(device.device, &queryInfo, nullptr, &model->queries),
        "vkCreateQueryPool");
  }
  model->commands.resize(partitions.size());
  VkCommandBufferAllocateInfo alloc{
      VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = device.commandPool;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = uint32_t(partitions.size());
  check(vkAllocateCommandBuffers(device.device, &alloc, model->commands.data()),
        "vkAllocateCommandBuffers");

  for (size_t i = 0; i < partitions.size(); ++i) {
    Partition &p = *partitions[i];
    p.commands = model->commands[i];
    for (Step &s : p.steps) {
      VkDescriptorSetAllocateInfo setInfo{
          VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
      setInfo.descriptorPool = model->descriptors;
      setInfo.descriptorSetCount = 1;
      setInfo.pSetLayouts = &s.pipeline->setLayout;
      check(vkAllocateDescriptorSets(device.device, &setInfo, &s.set),
            "vkAllocateDescriptorSets");
      std::vector<VkDescriptorBufferInfo> infos;
      for (uint32_t reg : s.bindings)
        infos.push_back(p.range(reg));
      std::vector<VkWriteDescriptorSet> writes(infos.size());
      for (size_t b = 0; b < infos.size(); ++b) {
        writes[b] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        writes[b].dstSet = s.set;
        writes[b].dstBinding = uint32_t(b);
        writes[b].descriptorCount = 1;
        writes[b].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[b].pBufferInfo = &infos[b];
      }
      vkUpdateDescriptorSets(device.device, uint32_t(writes.size()),
                             writes.data(), 0, nullptr);
    }
    record(p);
    p.constants.clear();
    p.constants.shrink_to_fit();
  }
  if (device.validating())
    checkValidation(device, "while preparing the plan");
  plan.backendState = model;
  return summary;
}

std::vector<DispatchTime> vulkan::lastProfile(const Plan &plan) {
  std::vector<DispatchTime> all;
  std::function<void(const Block &)> walk = [&](const Block &b) {
    for (const Instr &in : b.instrs) {
      if (in.opName == "vk.partition" && in.state) {
        auto *p = static_cast<Partition *>(in.state.get());
        all.insert(all.end(), p->profile.begin(), p->profile.end());
      }
      for (const Block &r : in.regions)
        walk(r);
    }
  };
  for (const Function &fn : plan.functions)
    walk(fn.body);
  return all;
}

void vulkan::registerPartitionKernel(KernelRegistry &registry) {
  registry.add(Backend, "vk.partition", runPartition);
}

std::vector<std::string> vulkan::partitionOps() {
  std::vector<std::string> ops;
  for (const auto &[name, builder] : Compiler::builders())
    ops.push_back(name);
  ops.push_back("prim.list_construct");
  std::sort(ops.begin(), ops.end());
  return ops;
}
