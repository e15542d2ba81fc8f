//===- irc_runtime.hpp - C++ wrapper over the irc runtime's C API -*- C++
//-*-===//
//
// Header-only RAII classes over irc_runtime.h (and nothing else, so a C++
// app links only libirc_runtime.so): irc::Model and irc::Tensor free their
// handles, and every failed call throws irc::RuntimeError carrying the
// status and irc_last_error()'s message. C++11.
//
//   irc::Model model("mobilenet_v2.ircm");
//   std::vector<irc::Tensor> outputs =
//       model.run({irc::Tensor::loadNpy("input.npy")});
//   const float *scores = outputs[0].data<float>();
//
//===----------------------------------------------------------------------===//
#ifndef IRC_RUNTIME_HPP
#define IRC_RUNTIME_HPP

#include "irc_runtime.h"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace irc {

/// A failed call of the C API: its status and message.
class RuntimeError : public std::runtime_error {
public:
  RuntimeError(irc_status status, const std::string &message)
      : std::runtime_error(message), code(status) {}
  irc_status status() const noexcept { return code; }

private:
  irc_status code;
};

namespace detail {
inline void check(irc_status status) {
  if (status != IRC_OK)
    throw RuntimeError(status, irc_last_error());
}
/// A pointer or value the C API returned, or the error it set.
template <typename T> T checked(T value, bool ok) {
  if (!ok)
    throw RuntimeError(IRC_ERROR_INVALID_ARGUMENT, irc_last_error());
  return value;
}
struct TensorDeleter {
  void operator()(irc_tensor *t) const noexcept { irc_tensor_free(t); }
};
struct ModelDeleter {
  void operator()(irc_model *m) const noexcept { irc_model_free(m); }
};
} // namespace detail

/// The irc_dtype of a C++ element type: dtypeOf<float>() is IRC_FLOAT32.
template <typename T> irc_dtype dtypeOf();
template <> inline irc_dtype dtypeOf<float>() { return IRC_FLOAT32; }
template <> inline irc_dtype dtypeOf<double>() { return IRC_FLOAT64; }
template <> inline irc_dtype dtypeOf<int64_t>() { return IRC_INT64; }
template <> inline irc_dtype dtypeOf<int32_t>() { return IRC_INT32; }
template <> inline irc_dtype dtypeOf<int16_t>() { return IRC_INT16; }
template <> inline irc_dtype dtypeOf<int8_t>() { return IRC_INT8; }
template <> inline irc_dtype dtypeOf<uint8_t>() { return IRC_UINT8; }
template <> inline irc_dtype dtypeOf<bool>() { return IRC_BOOL; }

/// A tensor: dtype, sizes and contiguous row-major elements. Move-only.
class Tensor {
public:
  /// An empty tensor (false in a condition).
  Tensor() = default;
  /// Takes ownership of `tensor`.
  explicit Tensor(irc_tensor *tensor) noexcept : handle(tensor) {}
  /// Zeros, or a copy of `data` when not null.
  Tensor(irc_dtype dtype, const std::vector<int64_t> &sizes,
         const void *data = nullptr) {
    irc_tensor *t = nullptr;
    detail::check(
        irc_tensor_create(dtype, sizes.data(), sizes.size(), data, &t));
    handle.reset(t);
  }
  /// A copy of `data`, whose element type gives the dtype.
  template <typename T>
  static Tensor of(const std::vector<int64_t> &sizes, const T *data) {
    return Tensor(dtypeOf<T>(), sizes, data);
  }
  /// Reads a NumPy .npy file.
  static Tensor loadNpy(const std::string &path) {
    irc_tensor *t = nullptr;
    detail::check(irc_tensor_load_npy(path.c_str(), &t));
    return Tensor(t);
  }

  explicit operator bool() const noexcept { return handle != nullptr; }
  irc_tensor *get() const noexcept { return handle.get(); }
  irc_tensor *release() noexcept { return handle.release(); }

  irc_dtype dtype() const { return irc_tensor_dtype(valid()); }
  size_t rank() const { return irc_tensor_rank(valid()); }
  std::vector<int64_t> sizes() const {
    const int64_t *s = irc_tensor_sizes(valid());
    return std::vector<int64_t>(s, s + rank());
  }
  int64_t numel() const { return irc_tensor_numel(valid()); }
  const void *data() const { return irc_tensor_data(valid()); }
  void *mutableData() {
    void *p = irc_tensor_mutable_data(valid());
    return detail::checked(p, p != nullptr || numel() == 0);
  }
  /// The elements as T, which must match the dtype.
  template <typename T> const T *data() const {
    checkType(dtypeOf<T>());
    return static_cast<const T *>(data());
  }
  template <typename T> T *mutableData() {
    checkType(dtypeOf<T>());
    return static_cast<T *>(mutableData());
  }

private:
  irc_tensor *valid() const {
    if (!handle)
      throw RuntimeError(IRC_ERROR_INVALID_ARGUMENT, "the tensor is empty");
    return handle.get();
  }
  void checkType(irc_dtype want) const {
    if (dtype() != want)
      throw RuntimeError(IRC_ERROR_INVALID_ARGUMENT,
                         "the tensor's dtype is " +
                             std::to_string(int(dtype())) + ", not " +
                             std::to_string(int(want)));
  }

  std::unique_ptr<irc_tensor, detail::TensorDeleter> handle;
};

/// What an input takes or an output gives (irc_model_input_shape).
struct TensorSpec {
  irc_dtype dtype = IRC_DTYPE_UNKNOWN; // IRC_DTYPE_UNKNOWN: any
  int64_t rank = -1;                   // -1: any
  std::vector<int64_t> sizes;          // -1 where any
};

/// A loaded model, ready to run. Move-only.
class Model {
public:
  /// Loads and prepares `path` (`threads` for XNNPACK, 0: one per core).
  explicit Model(const std::string &path, uint32_t threads = 0) {
    irc_load_options options = {};
    options.threads = threads;
    irc_model *m = nullptr;
    detail::check(irc_model_load(path.c_str(), &options, &m));
    handle.reset(m);
  }

  irc_model *get() const noexcept { return handle.get(); }

  std::string backend() const { return irc_model_backend(get()); }
  size_t numInputs() const { return irc_model_num_inputs(get()); }
  size_t numOutputs() const { return irc_model_num_outputs(get()); }
  std::string inputName(size_t i) const {
    const char *s = irc_model_input_name(get(), i);
    return detail::checked(s, s != nullptr);
  }
  std::string inputType(size_t i) const {
    const char *s = irc_model_input_type(get(), i);
    return detail::checked(s, s != nullptr);
  }
  std::string outputType(size_t i) const {
    const char *s = irc_model_output_type(get(), i);
    return detail::checked(s, s != nullptr);
  }
  TensorSpec inputSpec(size_t i) const {
    return spec(irc_model_input_shape, i);
  }
  TensorSpec outputSpec(size_t i) const {
    return spec(irc_model_output_shape, i);
  }

  /// Runs `forward`; returns its flattened results.
  std::vector<Tensor> run(const std::vector<Tensor> &inputs) {
    std::vector<irc_tensor *> in;
    for (const Tensor &t : inputs)
      in.push_back(t.get());
    std::vector<irc_tensor *> out(numOutputs(), nullptr);
    std::vector<Tensor> results;
    results.reserve(out.size()); // nothing throws once the run has succeeded
    detail::check(
        irc_model_run(get(), in.data(), in.size(), out.data(), out.size()));
    for (irc_tensor *t : out)
      results.emplace_back(t);
    return results;
  }

private:
  typedef irc_status (*ShapeQuery)(const irc_model *, size_t, irc_dtype *,
                                   int64_t *, const int64_t **);
  TensorSpec spec(ShapeQuery query, size_t i) const {
    TensorSpec s;
    const int64_t *sizes = nullptr;
    detail::check(query(get(), i, &s.dtype, &s.rank, &sizes));
    if (s.rank > 0)
      s.sizes.assign(sizes, sizes + s.rank);
    return s;
  }

  std::unique_ptr<irc_model, detail::ModelDeleter> handle;
};

} // namespace irc

#endif // IRC_RUNTIME_HPP
