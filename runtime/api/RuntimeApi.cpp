//===- RuntimeApi.cpp - The C API over the runtime ------------------------===//
//
// irc_runtime.h over runtime/ and the backends' run sides. Every entry point
// catches everything at the boundary: rt::Error becomes the status of the
// call (IRC_ERROR_INVALID_MODEL while loading, IRC_ERROR_RUN while running),
// std::bad_alloc and the runtime's own "out of memory" errors become
// IRC_ERROR_OUT_OF_MEMORY, and the message stays in a thread-local string
// for irc_last_error(). Built into libirc_runtime.so, whose version script
// exports only the irc_* functions.
//
//===----------------------------------------------------------------------===//

#include "runtime/api/irc_runtime.h"

#include "backends/reference/ReferenceKernels.h"
#include "backends/xnnpack/XnnpackKernels.h"
#include "runtime/ModelFile.h"
#include "runtime/Npy.h"
#if IRC_RUNTIME_HAVE_VULKAN
#include "backends/vulkan/VulkanKernels.h"
#endif

#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace rt = irc::rt;

/// A tensor handed to the caller: always defined and contiguous.
struct irc_tensor {
  rt::Tensor tensor;
};

namespace {

/// What an input takes or an output gives, in the C API's terms.
struct Port {
  std::string name, type;
  irc_dtype dtype = IRC_DTYPE_UNKNOWN;
  int64_t rank = -1;
  rt::Shape sizes;
  /// Why no tensor stands for this type (a str), or "".
  std::string unsupported;
};

} // namespace

struct irc_model {
  rt::Plan plan;
  const rt::Function *forward = nullptr;
  std::vector<Port> inputs, outputs;
  /// Whether an output is a list, whose item count only a run knows.
  bool listOutput = false;
  std::mutex mutex;
};

namespace {

/// The message of the last failed call; `fallback` when even storing the
/// message ran out of memory.
thread_local std::string lastError;
thread_local const char *fallback = nullptr;

void setError(const char *message) noexcept {
  fallback = nullptr;
  try {
    lastError = message;
  } catch (...) {
    fallback = "out of memory";
  }
}

void clearError() noexcept {
  fallback = nullptr;
  lastError.clear();
}

/// A failure with the status it gives.
class ApiError : public std::runtime_error {
public:
  ApiError(irc_status status, const std::string &message)
      : std::runtime_error(message), status(status) {}
  irc_status status;
};

void require(bool condition, const char *what) {
  if (!condition)
    throw ApiError(IRC_ERROR_INVALID_ARGUMENT, std::string(what) + " is null");
}

bool isOutOfMemory(const char *message) {
  return std::strstr(message, "out of memory") != nullptr;
}

/// Runs `body` (returning IRC_OK or throwing) at the C boundary: an
/// rt::Error or other exception gives `status`.
template <typename F> irc_status guard(irc_status status, F &&body) noexcept {
  clearError();
  irc_status result = status;
  try {
    return body();
  } catch (const ApiError &e) {
    result = e.status;
    setError(e.what());
  } catch (const std::bad_alloc &) {
    result = IRC_ERROR_OUT_OF_MEMORY;
    setError("out of memory");
  } catch (const std::exception &e) {
    result = isOutOfMemory(e.what()) ? IRC_ERROR_OUT_OF_MEMORY : status;
    setError(e.what());
  } catch (...) {
    setError("unknown error");
  }
  return result;
}

std::string plural(size_t n, const char *what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

/// The C dtype of a runtime dtype, or IRC_DTYPE_UNKNOWN for those the C
/// API does not carry (complex, quantized). The enums share their order.
irc_dtype toCDType(rt::DType dtype) {
  return dtype <= rt::DType::Bool ? static_cast<irc_dtype>(dtype)
                                  : IRC_DTYPE_UNKNOWN;
}

/// Fills `port` from a tensor type: dtype if known, sizes if ranked.
void describeTensor(Port &port, std::optional<rt::DType> dtype, bool ranked,
                    const rt::Shape &sizes) {
  if (dtype) {
    port.dtype = toCDType(*dtype);
    if (port.dtype == IRC_DTYPE_UNKNOWN)
      port.unsupported = std::string("a ") + rt::dtypeName(*dtype) +
                         " tensor, a dtype the C API does not carry";
  }
  port.rank = ranked ? int64_t(sizes.size()) : -1;
  if (ranked)
    port.sizes = sizes;
}

/// The port of a declared argument or result type.
Port describe(const rt::TypeSpec &spec) {
  Port port;
  port.type = spec.text;
  switch (spec.kind) {
  case rt::TypeSpec::Kind::Tensor:
    describeTensor(port, spec.dtype, spec.ranked, spec.sizes);
    break;
  case rt::TypeSpec::Kind::Int:
    port.dtype = IRC_INT64, port.rank = 0;
    break;
  case rt::TypeSpec::Kind::Double:
    port.dtype = IRC_FLOAT64, port.rank = 0;
    break;
  case rt::TypeSpec::Kind::Bool:
    port.dtype = IRC_BOOL, port.rank = 0;
    break;
  case rt::TypeSpec::Kind::String:
    port.unsupported = "a str";
    break;
  case rt::TypeSpec::Kind::Other:
    break; // not checked: any tensor
  }
  return port;
}

/// The port of a type spelled `text` inside a tuple result ("tensor<2x?xf32>",
/// "tensor<*xf32>", "tensor", "i64", "str", "list<tensor>").
Port describe(const std::string &text) {
  Port port;
  port.type = text;
  if (text == "i64" || text == "f64" || text == "bool") {
    port.dtype = text == "i64"   ? IRC_INT64
                 : text == "f64" ? IRC_FLOAT64
                                 : IRC_BOOL;
    port.rank = 0;
    return port;
  }
  if (text == "str") {
    port.unsupported = "a str";
    return port;
  }
  if (text.rfind("tensor<", 0) != 0 || text.back() != '>')
    return port; // "tensor", lists, optionals: anything
  std::string body = text.substr(7, text.size() - 8);
  bool ranked = true;
  rt::Shape sizes;
  std::optional<rt::DType> dtype;
  size_t at = 0;
  while (at <= body.size()) {
    size_t end = body.find('x', at);
    std::string item =
        body.substr(at, end == std::string::npos ? end : end - at);
    if (item == "*")
      ranked = false;
    else if (item == "?")
      sizes.push_back(-1);
    else if (!item.empty() &&
             item.find_first_not_of("0123456789") == std::string::npos)
      sizes.push_back(std::stoll(item));
    else
      for (int k = 0; k <= int(rt::DType::QI32); ++k)
        if (item == rt::dtypeSpelling(rt::DType(k)))
          dtype = rt::DType(k);
    if (end == std::string::npos)
      break;
    at = end + 1;
  }
  describeTensor(port, dtype, ranked, sizes);
  return port;
}

/// Appends the leaves of `text` (a tuple's items, recursively) as ports.
void flattenType(const std::string &text, std::vector<Port> &out, bool &list) {
  if (text.rfind("tuple<", 0) != 0 || text.back() != '>') {
    list |= text.rfind("list<", 0) == 0;
    out.push_back(describe(text));
    return;
  }
  std::string body = text.substr(6, text.size() - 7);
  int depth = 0;
  size_t start = 0;
  for (size_t k = 0; k <= body.size(); ++k) {
    char c = k < body.size() ? body[k] : ',';
    if (c == '<' || c == '(')
      ++depth;
    else if (c == '>' || c == ')')
      --depth;
    else if (c == ',' && depth == 0) {
      size_t b = body.find_first_not_of(' ', start);
      if (b != std::string::npos && b < k)
        flattenType(body.substr(b, k - b), out, list);
      start = k + 1;
    }
  }
}

/// Every backend's kernels, registered once per process.
const rt::KernelRegistry &kernels() {
  static const rt::KernelRegistry registry = [] {
    rt::KernelRegistry r;
    rt::ref::registerKernels(r);
    rt::xnnpack::registerKernels(r);
#if IRC_RUNTIME_HAVE_VULKAN
    rt::vulkan::registerKernels(r);
#endif
    return r;
  }();
  return registry;
}

/// Loads and prepares `path` into `model`.
void load(irc_model &model, const std::string &path,
          const irc_load_options &options) {
  try {
    model.plan = rt::loadModelFile(path, kernels());
  } catch (const rt::BackendUnavailable &e) {
    throw ApiError(IRC_ERROR_UNAVAILABLE, e.what());
  } catch (const rt::Error &e) {
    throw ApiError(isOutOfMemory(e.what()) ? IRC_ERROR_OUT_OF_MEMORY
                                           : IRC_ERROR_INVALID_MODEL,
                   e.what());
  }
  int index = model.plan.findFunction("forward");
  if (index < 0)
    throw ApiError(IRC_ERROR_INVALID_MODEL,
                   path + ": the model has no function 'forward'");
  model.forward = &model.plan.functions[size_t(index)];

  const std::string &backend = model.plan.backend;
  try {
    if (backend == rt::xnnpack::Backend) {
      rt::xnnpack::PrepareOptions prepare;
      prepare.threads = options.threads;
      rt::xnnpack::preparePlan(model.plan, prepare);
    } else if (backend == "vulkan") {
#if IRC_RUNTIME_HAVE_VULKAN
      try {
        rt::vulkan::deviceDescription();
      } catch (const rt::Error &e) {
        throw ApiError(IRC_ERROR_UNAVAILABLE, path + ": " + e.what());
      }
      rt::vulkan::preparePlan(model.plan);
#endif
    }
  } catch (const rt::Error &e) {
    throw ApiError(isOutOfMemory(e.what()) ? IRC_ERROR_OUT_OF_MEMORY
                                           : IRC_ERROR_INVALID_MODEL,
                   path + ": " + e.what());
  }

  const rt::Function &fn = *model.forward;
  for (size_t i = 0; i < fn.argTypes.size(); ++i) {
    model.inputs.push_back(describe(fn.argTypes[i]));
    if (i < fn.argNames.size())
      model.inputs.back().name = fn.argNames[i];
  }
  for (const rt::TypeSpec &spec : fn.resultTypes) {
    if (spec.text.rfind("tuple<", 0) == 0)
      flattenType(spec.text, model.outputs, model.listOutput);
    else {
      model.listOutput |= spec.text.rfind("list<", 0) == 0;
      model.outputs.push_back(describe(spec));
    }
  }
}

/// "input 0 ('x')" for messages.
std::string inputName(const irc_model &model, size_t i) {
  std::string what = "input " + std::to_string(i);
  if (!model.inputs[i].name.empty())
    what += " ('" + model.inputs[i].name + "')";
  return what;
}

/// The argument for input `i` from the caller's tensor: a 0-d tensor stands
/// for an int, float or bool parameter.
rt::Value toArgument(const irc_model &model, size_t i, const rt::Tensor &t) {
  const rt::TypeSpec &spec = model.forward->argTypes[i];
  rt::Value v(t);
  if (t.dim() == 0) {
    if (spec.kind == rt::TypeSpec::Kind::Int &&
        rt::isIntegral(t.dtype(), false))
      v = rt::Value(t.itemInt());
    else if (spec.kind == rt::TypeSpec::Kind::Double &&
             rt::isFloatingPoint(t.dtype()))
      v = rt::Value(t.item());
    else if (spec.kind == rt::TypeSpec::Kind::Bool &&
             t.dtype() == rt::DType::Bool)
      v = rt::Value(t.itemInt() != 0);
  }
  std::string why;
  if (!spec.accepts(v, why))
    throw ApiError(IRC_ERROR_RUN, inputName(model, i) + ": " + why);
  return v;
}

/// Depth-first through tuples and lists.
void flatten(rt::Value v, std::vector<rt::Value> &out) {
  if (v.isTuple() || v.isList()) {
    std::vector<rt::Value> items = v.items();
    v = rt::Value();
    for (rt::Value &item : items)
      flatten(std::move(item), out);
    return;
  }
  out.push_back(std::move(v));
}

/// Output `i` as a tensor the caller owns alone: the result itself when
/// nothing else holds its storage, a copy otherwise (a weight, an input, a
/// view, another output).
std::unique_ptr<irc_tensor> toOutput(size_t i, rt::Value v) {
  rt::Tensor t;
  if (v.isTensor())
    t = std::move(v.toTensor());
  else if (v.isInt())
    t = rt::Tensor::zeros(rt::DType::I64, {}),
    *t.mutableData<int64_t>() = v.toInt();
  else if (v.isDouble())
    t = rt::Tensor::scalar(rt::DType::F64, v.toDouble());
  else if (v.isBool())
    t = rt::Tensor::scalar(rt::DType::Bool, v.toBool());
  else
    throw ApiError(IRC_ERROR_RUN, "output " + std::to_string(i) + " is " +
                                      v.describe() +
                                      ", which no tensor stands for");
  v = rt::Value();
  if (toCDType(t.dtype()) == IRC_DTYPE_UNKNOWN)
    throw ApiError(IRC_ERROR_RUN, "output " + std::to_string(i) + " is a " +
                                      rt::dtypeName(t.dtype()) +
                                      " tensor, a dtype the C API does not "
                                      "carry");
  const std::shared_ptr<rt::Storage> &storage = t.getStorage();
  bool alone =
      storage.use_count() == 1 && !storage->isReadOnly() && t.isContiguous();
  auto out = std::make_unique<irc_tensor>();
  out->tensor = alone ? std::move(t) : t.clone();
  return out;
}

void run(irc_model &model, irc_tensor *const *inputs, size_t numInputs,
         irc_tensor **outputs, size_t numOutputs) {
  require(inputs || numInputs == 0, "inputs");
  require(outputs || numOutputs == 0, "outputs");
  for (size_t i = 0; i < numInputs; ++i)
    if (!inputs[i])
      throw ApiError(IRC_ERROR_INVALID_ARGUMENT,
                     "inputs[" + std::to_string(i) + "] is null");
  const size_t want = model.inputs.size();
  if (numInputs != want) {
    std::string list;
    for (const Port &p : model.inputs)
      list += (list.empty() ? "" : ", ") + p.type;
    throw ApiError(IRC_ERROR_INVALID_ARGUMENT,
                   "the model takes " + plural(want, "input") + " (" + list +
                       "), got " + std::to_string(numInputs));
  }
  auto countError = [&](size_t gives) {
    return ApiError(IRC_ERROR_INVALID_ARGUMENT,
                    "the model gives " + plural(gives, "output") +
                        ", but room for " + std::to_string(numOutputs) +
                        " was given");
  };
  if (!model.listOutput && numOutputs != model.outputs.size())
    throw countError(model.outputs.size());

  std::vector<rt::Value> args;
  for (size_t i = 0; i < numInputs; ++i)
    args.push_back(toArgument(model, i, inputs[i]->tensor));

  std::vector<rt::Value> flat;
  {
    std::lock_guard<std::mutex> lock(model.mutex);
    for (rt::Value &r : rt::run(model.plan, *model.forward, std::move(args)))
      flatten(std::move(r), flat);
  }
  if (flat.size() != numOutputs)
    throw countError(flat.size());
  std::vector<std::unique_ptr<irc_tensor>> results;
  for (size_t i = 0; i < flat.size(); ++i)
    results.push_back(toOutput(i, std::move(flat[i])));
  for (size_t i = 0; i < results.size(); ++i)
    outputs[i] = results[i].release();
}

/// The port `i` of `ports` for the shape queries.
irc_status portShape(const irc_model *model, size_t i, bool input,
                     irc_dtype *dtype, int64_t *rank, const int64_t **sizes) {
  return guard(IRC_ERROR_INVALID_ARGUMENT, [&] {
    require(model, "model");
    const std::vector<Port> &ports = input ? model->inputs : model->outputs;
    const char *what = input ? "input" : "output";
    if (i >= ports.size())
      throw ApiError(IRC_ERROR_INVALID_ARGUMENT,
                     std::string(what) + " index " + std::to_string(i) +
                         " is out of range (the model has " +
                         plural(ports.size(), what) + ")");
    const Port &p = ports[i];
    if (!p.unsupported.empty())
      throw ApiError(IRC_ERROR_INVALID_ARGUMENT,
                     std::string(what) + " " + std::to_string(i) + " is " +
                         p.unsupported + " (" + p.type +
                         "), which no tensor stands for");
    if (dtype)
      *dtype = p.dtype;
    if (rank)
      *rank = p.rank;
    if (sizes)
      *sizes = p.sizes.data();
    return IRC_OK;
  });
}

/// Port `i`, or null (setting the message) when out of range.
const Port *port(const irc_model *model, size_t i, bool input) noexcept {
  if (!model) {
    setError("model is null");
    return nullptr;
  }
  const std::vector<Port> &ports = input ? model->inputs : model->outputs;
  if (i >= ports.size()) {
    setError(input ? "input index out of range" : "output index out of range");
    return nullptr;
  }
  return &ports[i];
}

const rt::Tensor *tensorOf(const irc_tensor *tensor) noexcept {
  if (!tensor)
    setError("tensor is null");
  return tensor ? &tensor->tensor : nullptr;
}

} // namespace

extern "C" {

const char *irc_last_error(void) {
  return fallback ? fallback : lastError.c_str();
}

irc_status irc_model_load(const char *path, const irc_load_options *options,
                          irc_model **model) {
  return guard(IRC_ERROR_INVALID_MODEL, [&] {
    require(model, "model");
    *model = nullptr;
    require(path, "path");
    auto m = std::make_unique<irc_model>();
    load(*m, path, options ? *options : irc_load_options{});
    *model = m.release();
    return IRC_OK;
  });
}

void irc_model_free(irc_model *model) { delete model; }

const char *irc_model_backend(const irc_model *model) {
  if (!model) {
    setError("model is null");
    return nullptr;
  }
  return model->plan.backend.c_str();
}

size_t irc_model_num_inputs(const irc_model *model) {
  if (!model)
    setError("model is null");
  return model ? model->inputs.size() : 0;
}

size_t irc_model_num_outputs(const irc_model *model) {
  if (!model)
    setError("model is null");
  return model ? model->outputs.size() : 0;
}

const char *irc_model_input_name(const irc_model *model, size_t i) {
  const Port *p = port(model, i, true);
  return p ? p->name.c_str() : nullptr;
}

const char *irc_model_input_type(const irc_model *model, size_t i) {
  const Port *p = port(model, i, true);
  return p ? p->type.c_str() : nullptr;
}

const char *irc_model_output_type(const irc_model *model, size_t i) {
  const Port *p = port(model, i, false);
  return p ? p->type.c_str() : nullptr;
}

irc_status irc_model_input_shape(const irc_model *model, size_t i,
                                 irc_dtype *dtype, int64_t *rank,
                                 const int64_t **sizes) {
  return portShape(model, i, true, dtype, rank, sizes);
}

irc_status irc_model_output_shape(const irc_model *model, size_t i,
                                  irc_dtype *dtype, int64_t *rank,
                                  const int64_t **sizes) {
  return portShape(model, i, false, dtype, rank, sizes);
}

irc_status irc_model_run(irc_model *model, irc_tensor *const *inputs,
                         size_t num_inputs, irc_tensor **outputs,
                         size_t num_outputs) {
  return guard(IRC_ERROR_RUN, [&] {
    require(model, "model");
    run(*model, inputs, num_inputs, outputs, num_outputs);
    return IRC_OK;
  });
}

irc_status irc_tensor_create(irc_dtype dtype, const int64_t *sizes, size_t rank,
                             const void *data, irc_tensor **tensor) {
  return guard(IRC_ERROR_INVALID_ARGUMENT, [&] {
    require(tensor, "tensor");
    *tensor = nullptr;
    require(sizes || rank == 0, "sizes");
    if (dtype < IRC_FLOAT32 || dtype > IRC_BOOL)
      throw ApiError(IRC_ERROR_INVALID_ARGUMENT,
                     "unknown dtype " + std::to_string(int(dtype)));
    rt::Shape shape(sizes, sizes + rank);
    for (size_t d = 0; d < rank; ++d)
      if (shape[d] < 0)
        throw ApiError(IRC_ERROR_INVALID_ARGUMENT,
                       "size " + std::to_string(shape[d]) + " of dim " +
                           std::to_string(d) + " is negative");
    auto t = std::make_unique<irc_tensor>();
    t->tensor = rt::Tensor::zeros(static_cast<rt::DType>(dtype), shape);
    if (data)
      std::memcpy(t->tensor.rawMutableData(), data,
                  size_t(t->tensor.numel()) *
                      rt::elementSize(t->tensor.dtype()));
    *tensor = t.release();
    return IRC_OK;
  });
}

irc_status irc_tensor_load_npy(const char *path, irc_tensor **tensor) {
  return guard(IRC_ERROR_INVALID_ARGUMENT, [&] {
    require(tensor, "tensor");
    *tensor = nullptr;
    require(path, "path");
    rt::NpyArray array;
    std::string error;
    if (!rt::readNpy(path, array, error))
      throw ApiError(IRC_ERROR_INVALID_ARGUMENT, error);
    auto t = std::make_unique<irc_tensor>();
    t->tensor = rt::tensorFromNpy(array);
    if (toCDType(t->tensor.dtype()) == IRC_DTYPE_UNKNOWN)
      throw ApiError(IRC_ERROR_INVALID_ARGUMENT,
                     std::string(path) + " holds " +
                         rt::dtypeName(t->tensor.dtype()) +
                         ", a dtype the C API does not carry");
    *tensor = t.release();
    return IRC_OK;
  });
}

void irc_tensor_free(irc_tensor *tensor) { delete tensor; }

irc_dtype irc_tensor_dtype(const irc_tensor *tensor) {
  const rt::Tensor *t = tensorOf(tensor);
  return t ? toCDType(t->dtype()) : IRC_DTYPE_UNKNOWN;
}

size_t irc_tensor_rank(const irc_tensor *tensor) {
  const rt::Tensor *t = tensorOf(tensor);
  return t ? size_t(t->dim()) : 0;
}

const int64_t *irc_tensor_sizes(const irc_tensor *tensor) {
  const rt::Tensor *t = tensorOf(tensor);
  return t ? t->sizes().data() : nullptr;
}

int64_t irc_tensor_numel(const irc_tensor *tensor) {
  const rt::Tensor *t = tensorOf(tensor);
  if (!t)
    return 0;
  int64_t n = 1;
  for (int64_t s : t->sizes())
    n *= s;
  return n;
}

const void *irc_tensor_data(const irc_tensor *tensor) {
  const rt::Tensor *t = tensorOf(tensor);
  return t ? t->getStorage()->data() +
                 t->storageOffset() * int64_t(rt::elementSize(t->dtype()))
           : nullptr;
}

void *irc_tensor_mutable_data(irc_tensor *tensor) {
  if (!tensor) {
    setError("tensor is null");
    return nullptr;
  }
  try {
    return tensor->tensor.rawMutableData();
  } catch (const std::exception &e) {
    setError(e.what());
    return nullptr;
  }
}

} // extern "C"
