//===- RNN.cpp - Reference kernels for the fused recurrent ops ------------===//
//
// aten::gru and aten::lstm, both the padded (`.input`) and the packed-sequence
// (`.data`) overloads, in PyTorch 1.13's CPU semantics: multi-layer,
// bidirectional, batch_first, with or without biases, LSTM projections
// (detected, as ATen does, by h0 and c0 having different feature sizes), and
// `params` laid out as the modules' `_flat_weights`: per layer, the forward
// direction's (w_ih, w_hh[, b_ih, b_hh][, w_hr]) then the reverse one's.
//
// Both overloads run through one loop over time steps, where step t covers
// the rows [offset_t, offset_t + batch_t) of a step-major (rows, features)
// buffer. A padded input has batch_t == batch for every step; a packed one
// has non-increasing batch sizes, and a sequence's hidden state stops
// changing once it has ended (forward) or starts from h0 when it begins
// (reverse), which is exactly ATen's PackedLayer / ReversedPackedLayer.
//
// Dropout between layers is random in training mode and is rejected; with
// train=false (or one layer, or p=0) it does nothing, as in PyTorch.
//
//===----------------------------------------------------------------------===//

#include "backends/reference/ReferenceKernels.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using namespace irc::rt;

namespace {

enum class Cell { GRU, LSTM };

const char *cellName(Cell cell) { return cell == Cell::GRU ? "gru" : "lstm"; }
int64_t numGates(Cell cell) { return cell == Cell::GRU ? 3 : 4; }

/// The time-step structure of a step-major input: step t reads rows
/// [offset[t], offset[t] + batch[t]).
struct Steps {
  std::vector<int64_t> offset;
  std::vector<int64_t> batch;
  int64_t rows = 0;     // total rows
  int64_t maxBatch = 0; // rows of the hidden state
};

struct RnnOptions {
  Cell cell;
  bool hasBiases;
  int64_t numLayers;
  double dropout;
  bool train;
  bool bidirectional;
};

struct RnnResult {
  Tensor output; // (rows, D * outSize), step-major
  Tensor h;      // (L * D, maxBatch, outSize)
  Tensor c;      // LSTM only: (L * D, maxBatch, hiddenSize)
};

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

std::string dirName(int64_t dir) { return dir == 0 ? "forward" : "reverse"; }

void checkShape(const char *op, const Tensor &t, const Shape &expected,
                const std::string &what) {
  if (t.sizes() != expected)
    throw Error(std::string(op) + ": " + what + " has shape " +
                shapeToString(t.sizes()) + ", expected " +
                shapeToString(expected));
}

/// Runs one direction of one layer over all time steps. `x` is the layer
/// input (rows x inSize), `out` the layer output (rows x outStride), written
/// at columns [outCol, outCol + outSize). `h` (maxBatch x outSize) and `c`
/// (maxBatch x hiddenSize) hold the initial state on entry and the final one
/// on exit. Sums are accumulated in double; state is stored in T between
/// steps as PyTorch does.
template <typename T>
void runDirection(Cell cell, const Steps &steps, const T *x, int64_t inSize,
                  T *out, int64_t outStride, int64_t outCol, const T *wih,
                  const T *whh, const T *bih, const T *bhh, const T *whr,
                  int64_t hiddenSize, int64_t outSize, T *h, T *c,
                  bool reverse) {
  const int64_t gates = numGates(cell) * hiddenSize;
  std::vector<double> gi(gates), gh(gates), hraw(hiddenSize);
  const int64_t numSteps = static_cast<int64_t>(steps.offset.size());
  for (int64_t s = 0; s < numSteps; ++s) {
    const int64_t t = reverse ? numSteps - 1 - s : s;
    for (int64_t b = 0; b < steps.batch[t]; ++b) {
      const int64_t row = steps.offset[t] + b;
      const T *xr = x + row * inSize;
      T *hb = h + b * outSize;
      for (int64_t g = 0; g < gates; ++g) {
        double si = bih ? double(bih[g]) : 0.0;
        const T *wr = wih + g * inSize;
        for (int64_t k = 0; k < inSize; ++k)
          si += double(wr[k]) * double(xr[k]);
        double sh = bhh ? double(bhh[g]) : 0.0;
        const T *ur = whh + g * outSize;
        for (int64_t k = 0; k < outSize; ++k)
          sh += double(ur[k]) * double(hb[k]);
        gi[g] = static_cast<double>(static_cast<T>(si));
        gh[g] = static_cast<double>(static_cast<T>(sh));
      }
      T *orow = out + row * outStride + outCol;
      if (cell == Cell::GRU) {
        // r, z, n; n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).
        const int64_t H = hiddenSize;
        for (int64_t j = 0; j < H; ++j) {
          double r = sigmoid(gi[j] + gh[j]);
          double z = sigmoid(gi[H + j] + gh[H + j]);
          double n = std::tanh(gi[2 * H + j] + r * gh[2 * H + j]);
          T hn = static_cast<T>((double(hb[j]) - n) * z + n);
          hb[j] = hn;
          orow[j] = hn;
        }
        continue;
      }
      // LSTM: i, f, g, o.
      const int64_t H = hiddenSize;
      T *cb = c + b * H;
      for (int64_t j = 0; j < H; ++j) {
        double ig = sigmoid(gi[j] + gh[j]);
        double fg = sigmoid(gi[H + j] + gh[H + j]);
        double gg = std::tanh(gi[2 * H + j] + gh[2 * H + j]);
        double og = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
        T cn = static_cast<T>(fg * double(cb[j]) + ig * gg);
        cb[j] = cn;
        hraw[j] =
            static_cast<double>(static_cast<T>(og * std::tanh(double(cn))));
      }
      for (int64_t j = 0; j < outSize; ++j) {
        T hn;
        if (whr) { // projection: h = W_hr (o * tanh(c))
          double sp = 0.0;
          for (int64_t k = 0; k < H; ++k)
            sp += double(whr[j * H + k]) * hraw[k];
          hn = static_cast<T>(sp);
        } else {
          hn = static_cast<T>(hraw[j]);
        }
        hb[j] = hn;
        orow[j] = hn;
      }
    }
  }
}

/// Checks every argument, then runs the layer stack on the step-major
/// `input` (rows x inputSize, any layout).
RnnResult runRnn(const RnnOptions &opt, const Tensor &input, const Steps &steps,
                 const Tensor &h0, const Tensor *c0,
                 const std::vector<Tensor> &params) {
  const char *op = cellName(opt.cell);
  const DType dtype = input.dtype();
  if (dtype != DType::F32 && dtype != DType::F64)
    throw Error(std::string(op) +
                ": expected a float32 or float64 input, got " +
                input.describe());
  if (opt.numLayers < 1)
    throw Error(std::string(op) + ": num_layers must be at least 1, got " +
                std::to_string(opt.numLayers));
  if (opt.train && opt.dropout > 0 && opt.numLayers > 1)
    throw Error(std::string(op) +
                ": dropout between layers in training mode is random and is "
                "not supported");
  if (steps.offset.empty())
    throw Error(std::string(op) + ": the input has no time steps");

  const int64_t D = opt.bidirectional ? 2 : 1;
  const int64_t L = opt.numLayers;
  if (h0.dim() != 3)
    throw Error(std::string(op) + ": expected a 3-d hidden state, got " +
                h0.describe());
  if (c0 && c0->dim() != 3)
    throw Error(std::string(op) + ": expected a 3-d cell state, got " +
                c0->describe());
  // ATen: an LSTM has projections when h and c differ in feature size.
  const int64_t outSize = h0.size(2);
  const int64_t hiddenSize = c0 ? c0->size(2) : outSize;
  const bool proj = c0 && outSize != hiddenSize;
  const int64_t G = numGates(opt.cell);
  const int64_t perDir = (opt.hasBiases ? 4 : 2) + (proj ? 1 : 0);
  if (static_cast<int64_t>(params.size()) != perDir * L * D)
    throw Error(std::string(op) +
                ": got an incorrect number of RNN parameters (" +
                std::to_string(params.size()) + ", expected " +
                std::to_string(perDir * L * D) + ")");

  checkShape(op, h0, {L * D, steps.maxBatch, outSize}, "hx");
  if (c0)
    checkShape(op, *c0, {L * D, steps.maxBatch, hiddenSize}, "cx");
  auto checkType = [&](const Tensor &t, const std::string &what) {
    if (t.dtype() != dtype)
      throw Error(std::string(op) + ": " + what + " has dtype " +
                  dtypeName(t.dtype()) + " but the input has dtype " +
                  dtypeName(dtype));
  };
  checkType(h0, "hx");
  if (c0)
    checkType(*c0, "cx");
  const int64_t inputSize = input.size(1);
  for (int64_t l = 0; l < L; ++l) {
    const int64_t inSize = l == 0 ? inputSize : D * outSize;
    for (int64_t d = 0; d < D; ++d) {
      size_t base = static_cast<size_t>((l * D + d) * perDir);
      std::string where =
          " of layer " + std::to_string(l) + " (" + dirName(d) + ", parameter ";
      auto check = [&](size_t i, const char *name, const Shape &shape) {
        std::string what =
            std::string(name) + where + std::to_string(base + i) + ")";
        checkType(params[base + i], what);
        checkShape(op, params[base + i], shape, what);
      };
      check(0, "w_ih", {G * hiddenSize, inSize});
      check(1, "w_hh", {G * hiddenSize, outSize});
      if (opt.hasBiases) {
        check(2, "b_ih", {G * hiddenSize});
        check(3, "b_hh", {G * hiddenSize});
      }
      if (proj)
        check(perDir - 1, "w_hr", {outSize, hiddenSize});
    }
  }

  RnnResult res;
  res.h = Tensor::zeros(dtype, {L * D, steps.maxBatch, outSize});
  if (c0)
    res.c = Tensor::zeros(dtype, {L * D, steps.maxBatch, hiddenSize});
  dispatch(dtype, op, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      Tensor layerIn = input.contiguous();
      const Tensor h0c = h0.contiguous();
      const Tensor c0c = c0 ? c0->contiguous() : Tensor();
      const int64_t hStride = steps.maxBatch * outSize;
      const int64_t cStride = steps.maxBatch * hiddenSize;
      for (int64_t l = 0; l < L; ++l) {
        Tensor layerOut = Tensor::zeros(dtype, {steps.rows, D * outSize});
        const int64_t inSize = layerIn.size(1);
        for (int64_t d = 0; d < D; ++d) {
          const int64_t idx = l * D + d;
          size_t base = static_cast<size_t>(idx * perDir);
          std::vector<Tensor> p;
          for (int64_t i = 0; i < perDir; ++i)
            p.push_back(params[base + i].contiguous());
          const T *bih = opt.hasBiases ? p[2].template data<T>() : nullptr;
          const T *bhh = opt.hasBiases ? p[3].template data<T>() : nullptr;
          const T *whr = proj ? p[perDir - 1].template data<T>() : nullptr;
          T *h = res.h.template mutableData<T>() + idx * hStride;
          std::copy(h0c.template data<T>() + idx * hStride,
                    h0c.template data<T>() + (idx + 1) * hStride, h);
          T *c = nullptr;
          if (c0) {
            c = res.c.template mutableData<T>() + idx * cStride;
            std::copy(c0c.template data<T>() + idx * cStride,
                      c0c.template data<T>() + (idx + 1) * cStride, c);
          }
          runDirection<T>(opt.cell, steps, layerIn.template data<T>(), inSize,
                          layerOut.template mutableData<T>(), D * outSize,
                          d * outSize, p[0].template data<T>(),
                          p[1].template data<T>(), bih, bhh, whr, hiddenSize,
                          outSize, h, c, d == 1);
        }
        layerIn = layerOut;
      }
      res.output = layerIn;
    }
  });
  return res;
}

RnnOptions readOptions(KernelContext &ctx, Cell cell, size_t first) {
  RnnOptions opt;
  opt.cell = cell;
  opt.hasBiases = ctx.getBool(first);
  opt.numLayers = ctx.getInt(first + 1);
  opt.dropout = ctx.getDouble(first + 2);
  opt.train = ctx.getBool(first + 3);
  opt.bidirectional = ctx.getBool(first + 4);
  return opt;
}

std::vector<Tensor> readHidden(KernelContext &ctx, Cell cell, size_t i) {
  if (cell == Cell::GRU)
    return {ctx.tensor(i)};
  std::vector<Tensor> hx = ctx.operand(i).toTensorVector();
  if (hx.size() != 2)
    throw Error("lstm expects two hidden states, got " +
                std::to_string(hx.size()));
  return hx;
}

void setResults(KernelContext &ctx, Cell cell, Tensor output,
                const RnnResult &res) {
  ctx.setResult(0, std::move(output));
  ctx.setResult(1, res.h);
  if (cell == Cell::LSTM)
    ctx.setResult(2, res.c);
}

/// Runs a GRU or LSTM on a (seq, batch, feature) input, or (batch, seq,
/// feature) when `batchFirst`, and sets the op's results.
void runInput(KernelContext &ctx, Cell C, const Tensor &input,
              const std::vector<Tensor> &hx, const std::vector<Tensor> &params,
              const RnnOptions &opt, bool batchFirst) {
  const char *op = cellName(C);
  // nn.GRU / nn.LSTM unsqueeze an unbatched input before calling the op;
  // the op itself, like ATen's, wants (seq, batch, feature).
  if (input.dim() != 3)
    throw Error(std::string(op) + ": expected a 3-d input, got " +
                input.describe());
  // A (seq, batch, feature) view, step-major.
  Tensor seqMajor =
      batchFirst
          ? input.asStrided(
                {input.size(1), input.size(0), input.size(2)},
                {input.strides()[1], input.strides()[0], input.strides()[2]},
                input.storageOffset())
          : input;
  const int64_t T = seqMajor.size(0), B = seqMajor.size(1),
                F = seqMajor.size(2);
  Steps steps;
  for (int64_t t = 0; t < T; ++t) {
    steps.offset.push_back(t * B);
    steps.batch.push_back(B);
  }
  steps.rows = T * B;
  steps.maxBatch = B;
  Tensor dense = seqMajor.contiguous();
  Tensor rows = dense.numel() == 0 ? Tensor::zeros(input.dtype(), {T * B, F})
                                   : dense.asStrided({T * B, F}, {F, 1},
                                                     dense.storageOffset());
  RnnResult res = runRnn(opt, rows, steps, hx[0],
                         C == Cell::LSTM ? &hx[1] : nullptr, params);
  const int64_t outF = res.output.size(1);
  Tensor out = res.output.asStrided({T, B, outF}, {B * outF, outF, 1},
                                    res.output.storageOffset());
  // ATen returns batch_first output as a transposed view.
  if (batchFirst)
    out = out.asStrided({B, T, outF}, {outF, B * outF, 1}, out.storageOffset());
  setResults(ctx, C, out, res);
}

/// gru.input / lstm.input: (input, hx, params, has_biases, num_layers,
/// dropout, train, bidirectional, batch_first).
template <Cell C> void rnnInput(KernelContext &ctx) {
  runInput(ctx, C, ctx.tensor(0), readHidden(ctx, C, 1),
           ctx.operand(2).toTensorVector(), readOptions(ctx, C, 3),
           ctx.getBool(8));
}

/// irc's Vulkan packed GRU/LSTM parameters: an object "vk.gru_params" or
/// "vk.lstm_params" with the fields of the prepack op, in order.
const char *const RnnFields[] = {"params",     "has_biases", "num_layers",
                                 "dropout",    "train",      "bidirectional",
                                 "batch_first"};
std::string rnnClass(Cell C) {
  return std::string("vk.") + cellName(C) + "_params";
}

/// vk.gru_prepack / vk.lstm_prepack: (params, has_biases, num_layers,
/// dropout, train, bidirectional, batch_first).
template <Cell C> void vkRnnPrepack(KernelContext &ctx) {
  auto obj = std::make_shared<Object>();
  obj->className = rnnClass(C);
  for (size_t i = 0; i < std::size(RnnFields); ++i)
    obj->fields.emplace_back(RnnFields[i], ctx.operand(i));
  ctx.setResult(0, Value(std::move(obj)));
}

/// vk.gru_run(input, hx, params) / vk.lstm_run(input, h, c, params).
template <Cell C> void vkRnnRun(KernelContext &ctx) {
  const size_t numHidden = C == Cell::GRU ? 1 : 2;
  const Value &packed = ctx.operand(1 + numHidden);
  if (!packed.isObject() || packed.toObject().className != rnnClass(C))
    throw Error("expected a " + rnnClass(C) + ", got " + packed.describe());
  Object &obj = packed.toObject();
  auto field = [&](size_t i) -> const Value & {
    Value *f = obj.find(RnnFields[i]);
    if (!f)
      throw Error(rnnClass(C) + " has no field '" + RnnFields[i] + "'");
    return *f;
  };
  RnnOptions opt;
  opt.cell = C;
  opt.hasBiases = field(1).toBool();
  opt.numLayers = field(2).toInt();
  opt.dropout = field(3).toDouble();
  opt.train = field(4).toBool();
  opt.bidirectional = field(5).toBool();
  std::vector<Tensor> hx{ctx.tensor(1)};
  if (C == Cell::LSTM)
    hx.push_back(ctx.tensor(2));
  runInput(ctx, C, ctx.tensor(0), hx, field(0).toTensorVector(), opt,
           field(6).toBool());
}

/// gru.data / lstm.data: (data, batch_sizes, hx, params, has_biases,
/// num_layers, dropout, train, bidirectional), a PackedSequence.
template <Cell C> void rnnData(KernelContext &ctx) {
  const char *op = cellName(C);
  const Tensor &data = ctx.tensor(0);
  const Tensor &batchSizes = ctx.tensor(1);
  std::vector<Tensor> hx = readHidden(ctx, C, 2);
  std::vector<Tensor> params = ctx.operand(3).toTensorVector();
  RnnOptions opt = readOptions(ctx, C, 4);
  if (data.dim() != 2)
    throw Error(std::string(op) +
                ": expected 2-d packed data (rows, features), got " +
                data.describe());
  if (batchSizes.dim() != 1 || batchSizes.dtype() != DType::I64)
    throw Error(std::string(op) +
                ": expected batch_sizes to be a 1-d int64 tensor, got " +
                batchSizes.describe());
  if (batchSizes.numel() == 0)
    throw Error(std::string(op) + ": batch_sizes is empty");
  Tensor bs = batchSizes.contiguous();
  const int64_t *b = bs.data<int64_t>();
  Steps steps;
  int64_t total = 0;
  for (int64_t t = 0; t < bs.numel(); ++t) {
    if (b[t] <= 0 || (t > 0 && b[t] > b[t - 1]))
      throw Error(std::string(op) +
                  ": batch_sizes must be positive and non-increasing");
    steps.offset.push_back(total);
    steps.batch.push_back(b[t]);
    total += b[t];
  }
  if (total != data.size(0))
    throw Error(std::string(op) + ": batch_sizes sum to " +
                std::to_string(total) + " but the packed data has " +
                std::to_string(data.size(0)) + " rows");
  steps.rows = total;
  steps.maxBatch = b[0];
  RnnResult res = runRnn(opt, data, steps, hx[0],
                         C == Cell::LSTM ? &hx[1] : nullptr, params);
  setResults(ctx, C, res.output, res);
}

} // namespace

static const KernelEntry Kernels[] = {
    {"aten.gru.input", rnnInput<Cell::GRU>},
    {"aten.gru.data", rnnData<Cell::GRU>},
    {"aten.lstm.input", rnnInput<Cell::LSTM>},
    {"aten.lstm.data", rnnData<Cell::LSTM>},
    {"vk.gru_prepack", vkRnnPrepack<Cell::GRU>},
    {"vk.gru_run", vkRnnRun<Cell::GRU>},
    {"vk.lstm_prepack", vkRnnPrepack<Cell::LSTM>},
    {"vk.lstm_run", vkRnnRun<Cell::LSTM>},
};

void ref::registerRNNKernels(KernelRegistry &registry) {
  registry.add(Backend, Kernels);
}
