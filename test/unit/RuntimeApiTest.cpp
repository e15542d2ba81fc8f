//===- RuntimeApiTest.cpp - The C API of libirc_runtime.so ----------------===//
//
// Compiled models are made here (IR text, the backend's partition pass,
// lowerToPlan, saveModelFile) and then loaded and run only through the C API
// of the shared library (irc_runtime.h) and its C++ wrapper
// (irc_runtime.hpp): results, the signature queries, and the status and
// message of every error path.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"
#include "backends/lowering/Lowering.h"
#include "backends/reference/ReferenceKernels.h"
#include "backends/vulkan/VulkanKernels.h"
#include "backends/xnnpack/XnnpackKernels.h"
#include "ir/AsmParser.h"
#include "ir/Module.h"
#include "passes/PassManager.h"
#include "runtime/ModelFile.h"

#include <irc/irc_runtime.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

using namespace irc;
using namespace irc::test;

namespace {

/// relu(x), x * k and x itself (an output that is an input, so the API
/// must copy it).
const char *ModelIR = R"(
func @forward(%x: tensor<2x3xf32>, %k: i64) -> tuple<tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>> {
  %r = aten.relu(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %m = aten.mul.Scalar(%x, %k) : (tensor<2x3xf32>, i64) -> tensor<2x3xf32>
  %t = prim.tuple_construct(%r, %m, %x) : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tuple<tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>>
  return %t : tuple<tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>>
}
)";

const float X[6] = {-1.5f, 2, -3, 4, 0.5f, -6};

/// Compiles `ir` for `backend` (running `pipeline` first, if any) into a
/// model file in the test's temporary directory, removed with the returned
/// TempFile.
test::TempFile compile(const std::string &name, const char *ir,
                       const char *backend, const char *pipeline) {
  Context ctx;
  DiagCapture diags(ctx);
  std::optional<Module> module = parseSourceString(ir, ctx);
  EXPECT_TRUE(module) << diags.str();
  test::TempFile file("RuntimeApiTest." + name + ".ircm");
  if (!module)
    return file; // not written: loading it fails
  if (*pipeline) {
    PassManager pm;
    EXPECT_EQ(pm.addPipeline(pipeline), "");
    EXPECT_TRUE(succeeded(pm.run(module->getOperation()))) << diags.str();
  }
  rt::KernelRegistry registry;
  rt::ref::registerKernels(registry);
  rt::xnnpack::registerKernels(registry);
  rt::vulkan::registerKernels(registry);
  rt::Plan plan;
  EXPECT_TRUE(
      succeeded(lowerToPlan(module->getOperation(), registry, backend, plan)))
      << diags.str();
  rt::saveModelFile(plan, file.str(), {"RuntimeApiTest", name});
  return file;
}

/// The XNNPACK model (relu in an XNNPACK partition), made once.
const std::string &xnnpackModel() {
  static const test::TempFile file =
      compile("xnnpack", ModelIR, rt::xnnpack::Backend, "xnnpack-partition");
  return file.str();
}

bool contains(const char *text, const std::string &part) {
  return text && std::string(text).find(part) != std::string::npos;
}

/// Owns what a test loads and makes through the C API.
struct Handles {
  irc_model *model = nullptr;
  std::vector<irc_tensor *> tensors;
  ~Handles() {
    for (irc_tensor *t : tensors)
      irc_tensor_free(t);
    irc_model_free(model);
  }
  irc_tensor *tensor(irc_dtype dtype, std::vector<int64_t> sizes,
                     const void *data = nullptr) {
    irc_tensor *t = nullptr;
    EXPECT_EQ(irc_tensor_create(dtype, sizes.data(), sizes.size(), data, &t),
              IRC_OK)
        << irc_last_error();
    tensors.push_back(t);
    return t;
  }
};

std::vector<float> floats(const irc_tensor *t) {
  EXPECT_EQ(irc_tensor_dtype(t), IRC_FLOAT32);
  const float *p = static_cast<const float *>(irc_tensor_data(t));
  return std::vector<float>(p, p + irc_tensor_numel(t));
}

TEST(RuntimeApi, LoadsAndRuns) {
  Handles h;
  irc_load_options options = {};
  options.threads = 2;
  ASSERT_EQ(irc_model_load(xnnpackModel().c_str(), &options, &h.model), IRC_OK)
      << irc_last_error();
  EXPECT_STREQ(irc_last_error(), "");
  EXPECT_STREQ(irc_model_backend(h.model), "xnnpack");

  int64_t k = 3;
  irc_tensor *inputs[2] = {h.tensor(IRC_FLOAT32, {2, 3}, X),
                           h.tensor(IRC_INT64, {}, &k)};
  irc_tensor *outputs[3] = {};
  ASSERT_EQ(irc_model_run(h.model, inputs, 2, outputs, 3), IRC_OK)
      << irc_last_error();
  h.tensors.insert(h.tensors.end(), outputs, outputs + 3);
  for (irc_tensor *t : outputs) {
    ASSERT_EQ(irc_tensor_rank(t), 2u);
    EXPECT_EQ(irc_tensor_sizes(t)[0], 2);
    EXPECT_EQ(irc_tensor_sizes(t)[1], 3);
  }
  EXPECT_EQ(floats(outputs[0]), (std::vector<float>{0, 2, 0, 4, 0.5f, 0}));
  EXPECT_EQ(floats(outputs[1]),
            (std::vector<float>{-4.5f, 6, -9, 12, 1.5f, -18}));
  EXPECT_EQ(floats(outputs[2]), std::vector<float>(X, X + 6));

  // Outputs belong to the caller: the one that is the input is a copy, and
  // a second run leaves the first run's outputs alone.
  EXPECT_NE(irc_tensor_data(outputs[2]), irc_tensor_data(inputs[0]));
  static_cast<float *>(irc_tensor_mutable_data(outputs[2]))[0] = 100;
  EXPECT_EQ(static_cast<const float *>(irc_tensor_data(inputs[0]))[0], -1.5f);
  float ones[6] = {1, 1, 1, 1, 1, 1};
  std::memcpy(irc_tensor_mutable_data(inputs[0]), ones, sizeof ones);
  irc_tensor *again[3] = {};
  ASSERT_EQ(irc_model_run(h.model, inputs, 2, again, 3), IRC_OK)
      << irc_last_error();
  h.tensors.insert(h.tensors.end(), again, again + 3);
  EXPECT_EQ(floats(again[0]), std::vector<float>(6, 1));
  EXPECT_EQ(floats(outputs[0]), (std::vector<float>{0, 2, 0, 4, 0.5f, 0}));
}

TEST(RuntimeApi, Signature) {
  Handles h;
  ASSERT_EQ(irc_model_load(xnnpackModel().c_str(), nullptr, &h.model), IRC_OK)
      << irc_last_error();
  ASSERT_EQ(irc_model_num_inputs(h.model), 2u);
  ASSERT_EQ(irc_model_num_outputs(h.model), 3u); // the tuple, flattened
  EXPECT_STREQ(irc_model_input_name(h.model, 0), "x");
  EXPECT_STREQ(irc_model_input_name(h.model, 1), "k");
  EXPECT_STREQ(irc_model_input_type(h.model, 0), "tensor<2x3xf32>");
  EXPECT_STREQ(irc_model_input_type(h.model, 1), "i64");
  EXPECT_STREQ(irc_model_output_type(h.model, 2), "tensor<2x3xf32>");

  irc_dtype dtype;
  int64_t rank;
  const int64_t *sizes;
  ASSERT_EQ(irc_model_input_shape(h.model, 0, &dtype, &rank, &sizes), IRC_OK);
  EXPECT_EQ(dtype, IRC_FLOAT32);
  ASSERT_EQ(rank, 2);
  EXPECT_EQ(sizes[0], 2);
  EXPECT_EQ(sizes[1], 3);
  // An int argument takes a 0-d int64 tensor.
  ASSERT_EQ(irc_model_input_shape(h.model, 1, &dtype, &rank, nullptr), IRC_OK);
  EXPECT_EQ(dtype, IRC_INT64);
  EXPECT_EQ(rank, 0);
  ASSERT_EQ(irc_model_output_shape(h.model, 1, &dtype, &rank, &sizes), IRC_OK);
  EXPECT_EQ(dtype, IRC_FLOAT32);
  ASSERT_EQ(rank, 2);
  EXPECT_EQ(sizes[1], 3);

  EXPECT_EQ(irc_model_input_shape(h.model, 2, &dtype, &rank, &sizes),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(irc_last_error(), "input index 2 is out of range"))
      << irc_last_error();
  EXPECT_EQ(irc_model_output_shape(h.model, 3, &dtype, &rank, &sizes),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(irc_model_input_name(h.model, 5), nullptr);
  EXPECT_TRUE(contains(irc_last_error(), "out of range")) << irc_last_error();
}

/// Unranked, dynamic and scalar types in a tuple result are read from their
/// spelling.
TEST(RuntimeApi, OutputSpecsFromTupleTypes) {
  test::TempFile path = compile("tuple", R"(
func @forward(%x: tensor<?x3xf32>) -> tuple<tensor<?x3xf32>, tuple<tensor, i64>> {
  %d = constant 0 : i64
  %n = aten.size.int(%x, %d) : (tensor<?x3xf32>, i64) -> i64
  %u = prim.unchecked_cast(%x) : (tensor<?x3xf32>) -> tensor
  %i = prim.tuple_construct(%u, %n) : (tensor, i64) -> tuple<tensor, i64>
  %t = prim.tuple_construct(%x, %i) : (tensor<?x3xf32>, tuple<tensor, i64>) -> tuple<tensor<?x3xf32>, tuple<tensor, i64>>
  return %t : tuple<tensor<?x3xf32>, tuple<tensor, i64>>
}
)",
                                rt::ref::Backend, "");
  Handles h;
  ASSERT_EQ(irc_model_load(path.c_str(), nullptr, &h.model), IRC_OK)
      << irc_last_error();
  EXPECT_STREQ(irc_model_backend(h.model), "ref");
  ASSERT_EQ(irc_model_num_outputs(h.model), 3u);
  irc_dtype dtype;
  int64_t rank;
  const int64_t *sizes;
  ASSERT_EQ(irc_model_output_shape(h.model, 0, &dtype, &rank, &sizes), IRC_OK);
  EXPECT_EQ(dtype, IRC_FLOAT32);
  ASSERT_EQ(rank, 2);
  EXPECT_EQ(sizes[0], -1);
  EXPECT_EQ(sizes[1], 3);
  ASSERT_EQ(irc_model_output_shape(h.model, 1, &dtype, &rank, &sizes), IRC_OK);
  EXPECT_EQ(dtype, IRC_DTYPE_UNKNOWN);
  EXPECT_EQ(rank, -1);
  ASSERT_EQ(irc_model_output_shape(h.model, 2, &dtype, &rank, &sizes), IRC_OK);
  EXPECT_EQ(dtype, IRC_INT64);
  EXPECT_EQ(rank, 0);

  irc_tensor *x = h.tensor(IRC_FLOAT32, {5, 3});
  irc_tensor *out[3] = {};
  ASSERT_EQ(irc_model_run(h.model, &x, 1, out, 3), IRC_OK) << irc_last_error();
  h.tensors.insert(h.tensors.end(), out, out + 3);
  EXPECT_EQ(irc_tensor_numel(out[1]), 15);
  ASSERT_EQ(irc_tensor_dtype(out[2]), IRC_INT64);
  EXPECT_EQ(irc_tensor_rank(out[2]), 0u);
  EXPECT_EQ(*static_cast<const int64_t *>(irc_tensor_data(out[2])), 5);
}

TEST(RuntimeApi, NullArguments) {
  irc_model *model = nullptr;
  EXPECT_EQ(irc_model_load(nullptr, nullptr, &model),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(irc_last_error(), "path is null");
  EXPECT_EQ(model, nullptr);
  EXPECT_EQ(irc_model_load(xnnpackModel().c_str(), nullptr, nullptr),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(irc_last_error(), "model is null");
  EXPECT_EQ(irc_model_run(nullptr, nullptr, 0, nullptr, 0),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(irc_last_error(), "model is null");
  EXPECT_EQ(irc_tensor_create(IRC_FLOAT32, nullptr, 0, nullptr, nullptr),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(irc_last_error(), "tensor is null");
  irc_tensor *t = nullptr;
  EXPECT_EQ(irc_tensor_create(IRC_FLOAT32, nullptr, 2, nullptr, &t),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(irc_last_error(), "sizes is null");
  EXPECT_EQ(irc_tensor_load_npy(nullptr, &t), IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(irc_last_error(), "path is null");

  // Accessors return nothing and say why.
  EXPECT_EQ(irc_model_backend(nullptr), nullptr);
  EXPECT_EQ(irc_model_num_inputs(nullptr), 0u);
  EXPECT_STREQ(irc_last_error(), "model is null");
  EXPECT_EQ(irc_tensor_data(nullptr), nullptr);
  EXPECT_EQ(irc_tensor_dtype(nullptr), IRC_DTYPE_UNKNOWN);
  EXPECT_STREQ(irc_last_error(), "tensor is null");
  irc_model_free(nullptr);
  irc_tensor_free(nullptr);

  Handles h;
  ASSERT_EQ(irc_model_load(xnnpackModel().c_str(), nullptr, &h.model), IRC_OK);
  irc_tensor *inputs[2] = {h.tensor(IRC_FLOAT32, {2, 3}), nullptr};
  irc_tensor *outputs[3] = {};
  EXPECT_EQ(irc_model_run(h.model, inputs, 2, outputs, 3),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(irc_last_error(), "inputs[1] is null");
  EXPECT_EQ(irc_model_run(h.model, inputs, 2, nullptr, 3),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(irc_last_error(), "outputs is null");
}

TEST(RuntimeApi, InputsThatDoNotFit) {
  Handles h;
  ASSERT_EQ(irc_model_load(xnnpackModel().c_str(), nullptr, &h.model), IRC_OK);
  int64_t k = 2;
  irc_tensor *outputs[3] = {};

  irc_tensor *one[1] = {h.tensor(IRC_FLOAT32, {2, 3})};
  EXPECT_EQ(irc_model_run(h.model, one, 1, outputs, 3),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(irc_last_error(),
               "the model takes 2 inputs (tensor<2x3xf32>, i64), got 1");

  irc_tensor *wrongDType[2] = {h.tensor(IRC_FLOAT64, {2, 3}),
                               h.tensor(IRC_INT64, {}, &k)};
  EXPECT_EQ(irc_model_run(h.model, wrongDType, 2, outputs, 3), IRC_ERROR_RUN);
  EXPECT_STREQ(irc_last_error(), "input 0 ('x'): expected tensor<2x3xf32>, "
                                 "got tensor<2x3xf64>");

  irc_tensor *wrongShape[2] = {h.tensor(IRC_FLOAT32, {3, 2}),
                               h.tensor(IRC_INT64, {}, &k)};
  EXPECT_EQ(irc_model_run(h.model, wrongShape, 2, outputs, 3), IRC_ERROR_RUN);
  EXPECT_STREQ(irc_last_error(), "input 0 ('x'): expected tensor<2x3xf32>, "
                                 "got tensor<3x2xf32>");

  // A float where the int goes, and a 1-d tensor for it.
  double d = 2;
  irc_tensor *wrongScalar[2] = {h.tensor(IRC_FLOAT32, {2, 3}),
                                h.tensor(IRC_FLOAT64, {}, &d)};
  EXPECT_EQ(irc_model_run(h.model, wrongScalar, 2, outputs, 3), IRC_ERROR_RUN);
  EXPECT_TRUE(contains(irc_last_error(), "input 1 ('k'): expected i64"))
      << irc_last_error();
  irc_tensor *vector[2] = {h.tensor(IRC_FLOAT32, {2, 3}),
                           h.tensor(IRC_INT64, {1}, &k)};
  EXPECT_EQ(irc_model_run(h.model, vector, 2, outputs, 3), IRC_ERROR_RUN);

  irc_tensor *good[2] = {h.tensor(IRC_FLOAT32, {2, 3}),
                         h.tensor(IRC_INT64, {}, &k)};
  EXPECT_EQ(irc_model_run(h.model, good, 2, outputs, 2),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(irc_last_error(),
               "the model gives 3 outputs, but room for 2 was given");
  for (irc_tensor *t : outputs)
    EXPECT_EQ(t, nullptr);
  // A success clears the message.
  ASSERT_EQ(irc_model_run(h.model, good, 2, outputs, 3), IRC_OK);
  h.tensors.insert(h.tensors.end(), outputs, outputs + 3);
  EXPECT_STREQ(irc_last_error(), "");
}

TEST(RuntimeApi, BadTensors) {
  irc_tensor *t = nullptr;
  int64_t negative[2] = {2, -3};
  EXPECT_EQ(irc_tensor_create(IRC_FLOAT32, negative, 2, nullptr, &t),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(irc_last_error(), "size -3 of dim 1 is negative");
  EXPECT_EQ(
      irc_tensor_create(static_cast<irc_dtype>(42), negative, 0, nullptr, &t),
      IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(irc_last_error(), "unknown dtype 42");
  int64_t huge[2] = {int64_t(1) << 40, int64_t(1) << 40};
  EXPECT_EQ(irc_tensor_create(IRC_FLOAT32, huge, 2, nullptr, &t),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(irc_last_error(), "too many elements"))
      << irc_last_error();
  int64_t big[1] = {int64_t(1) << 60};
  EXPECT_EQ(irc_tensor_create(IRC_UINT8, big, 1, nullptr, &t),
            IRC_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(t, nullptr);

  std::string missing = test::tempPath("RuntimeApiTest.missing.npy");
  EXPECT_EQ(irc_tensor_load_npy(missing.c_str(), &t),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(irc_last_error(), missing)) << irc_last_error();
  test::TempFile notNpy("RuntimeApiTest.bad.npy");
  std::ofstream(notNpy.str()) << "not a numpy file";
  EXPECT_EQ(irc_tensor_load_npy(notNpy.c_str(), &t),
            IRC_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(irc_last_error(), notNpy.str())) << irc_last_error();
}

TEST(RuntimeApi, BadModelFiles) {
  irc_model *model = nullptr;
  std::string missing = test::tempPath("RuntimeApiTest.missing.ircm");
  EXPECT_EQ(irc_model_load(missing.c_str(), nullptr, &model),
            IRC_ERROR_INVALID_MODEL);
  EXPECT_TRUE(contains(irc_last_error(), missing + ": cannot open"))
      << irc_last_error();
  EXPECT_EQ(model, nullptr);

  std::ifstream in(xnnpackModel(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 100u);
  auto write = [](const std::string &name, const std::string &content) {
    test::TempFile file("RuntimeApiTest." + name);
    std::ofstream(file.str(), std::ios::binary) << content;
    return file;
  };

  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  test::TempFile corrupted = write("corrupted.ircm", flipped);
  EXPECT_EQ(irc_model_load(corrupted.c_str(), nullptr, &model),
            IRC_ERROR_INVALID_MODEL);
  EXPECT_TRUE(
      contains(irc_last_error(), corrupted.str() + ": checksum mismatch"))
      << irc_last_error();

  test::TempFile truncated =
      write("truncated.ircm", bytes.substr(0, bytes.size() - 7));
  EXPECT_EQ(irc_model_load(truncated.c_str(), nullptr, &model),
            IRC_ERROR_INVALID_MODEL);
  EXPECT_TRUE(contains(irc_last_error(), truncated.str())) << irc_last_error();

  test::TempFile text = write("text.ircm", "func @forward() -> () {}\n");
  EXPECT_EQ(irc_model_load(text.c_str(), nullptr, &model),
            IRC_ERROR_INVALID_MODEL);
  EXPECT_TRUE(contains(irc_last_error(), text.str())) << irc_last_error();
  EXPECT_EQ(model, nullptr);
}

/// The last error is per thread.
TEST(RuntimeApi, ErrorsAreThreadLocal) {
  irc_model *model = nullptr;
  EXPECT_EQ(irc_model_load(nullptr, nullptr, &model),
            IRC_ERROR_INVALID_ARGUMENT);
  std::string other;
  std::thread([&] {
    other = irc_last_error();
    irc_tensor *t = nullptr;
    irc_tensor_create(IRC_FLOAT32, nullptr, 1, nullptr, &t);
  }).join();
  EXPECT_EQ(other, "");
  EXPECT_STREQ(irc_last_error(), "path is null");
}

/// Runs of one model from several threads take turns.
TEST(RuntimeApi, RunsFromThreads) {
  Handles h;
  ASSERT_EQ(irc_model_load(xnnpackModel().c_str(), nullptr, &h.model), IRC_OK);
  int64_t k = 2;
  irc_tensor *inputs[2] = {h.tensor(IRC_FLOAT32, {2, 3}, X),
                           h.tensor(IRC_INT64, {}, &k)};
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (size_t i = 0; i < failures.size(); ++i)
    threads.emplace_back([&, i] {
      for (int n = 0; n < 20; ++n) {
        irc_tensor *out[3] = {};
        if (irc_model_run(h.model, inputs, 2, out, 3) != IRC_OK ||
            static_cast<const float *>(irc_tensor_data(out[1]))[3] != 8)
          ++failures[i];
        for (irc_tensor *t : out)
          irc_tensor_free(t);
      }
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

/// A Vulkan model runs on the device, or fails to load as unavailable when
/// there is none.
TEST(RuntimeApi, VulkanModel) {
  test::TempFile path = compile("vulkan", R"(
func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %s = aten.sigmoid(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}
)",
                                rt::vulkan::Backend, "vulkan-partition");
  bool device = true;
  try {
    rt::vulkan::deviceDescription();
  } catch (const rt::Error &) {
    device = false;
  }
  Handles h;
  irc_status status = irc_model_load(path.c_str(), nullptr, &h.model);
  if (!device) {
    EXPECT_EQ(status, IRC_ERROR_UNAVAILABLE);
    EXPECT_TRUE(contains(irc_last_error(), path.str())) << irc_last_error();
    return;
  }
  ASSERT_EQ(status, IRC_OK) << irc_last_error();
  EXPECT_STREQ(irc_model_backend(h.model), "vulkan");
  irc_tensor *x = h.tensor(IRC_FLOAT32, {2, 3}, X);
  irc_tensor *y = nullptr;
  ASSERT_EQ(irc_model_run(h.model, &x, 1, &y, 1), IRC_OK) << irc_last_error();
  h.tensors.push_back(y);
  std::vector<float> got = floats(y);
  for (size_t i = 0; i < 6; ++i)
    EXPECT_NEAR(got[i], 1 / (1 + std::exp(-X[i])), 1e-5);
}

TEST(RuntimeApiCpp, RunsAndThrows) {
  irc::Model model(xnnpackModel(), 1);
  EXPECT_EQ(model.backend(), "xnnpack");
  ASSERT_EQ(model.numInputs(), 2u);
  EXPECT_EQ(model.inputName(0), "x");
  EXPECT_EQ(model.inputType(1), "i64");
  irc::TensorSpec spec = model.inputSpec(0);
  EXPECT_EQ(spec.dtype, IRC_FLOAT32);
  EXPECT_EQ(spec.sizes, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(model.outputSpec(2).rank, 2);

  int64_t k = -1;
  std::vector<irc::Tensor> inputs;
  inputs.push_back(irc::Tensor::of<float>({2, 3}, X));
  inputs.push_back(irc::Tensor::of<int64_t>({}, &k));
  std::vector<irc::Tensor> outputs = model.run(inputs);
  ASSERT_EQ(outputs.size(), 3u);
  EXPECT_EQ(outputs[1].sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(outputs[1].data<float>()[0], 1.5f);
  EXPECT_EQ(outputs[0].numel(), 6);

  try {
    outputs[0].data<int64_t>();
    ADD_FAILURE() << "a float32 tensor read as int64";
  } catch (const irc::RuntimeError &e) {
    EXPECT_EQ(e.status(), IRC_ERROR_INVALID_ARGUMENT);
  }
  try {
    inputs.pop_back();
    model.run(inputs);
    ADD_FAILURE() << "ran with one input";
  } catch (const irc::RuntimeError &e) {
    EXPECT_EQ(e.status(), IRC_ERROR_INVALID_ARGUMENT);
    EXPECT_TRUE(contains(e.what(), "takes 2 inputs")) << e.what();
  }
  try {
    irc::Model missing(test::tempPath("RuntimeApiTest.missing.ircm"));
    ADD_FAILURE() << "loaded a missing file";
  } catch (const irc::RuntimeError &e) {
    EXPECT_EQ(e.status(), IRC_ERROR_INVALID_MODEL);
    EXPECT_TRUE(contains(e.what(), "cannot open")) << e.what();
  }
  EXPECT_THROW(irc::Tensor::loadNpy("/nonexistent/x.npy"), irc::RuntimeError);
  EXPECT_THROW(model.inputName(7), irc::RuntimeError);
  irc::Tensor empty;
  EXPECT_FALSE(empty);
  EXPECT_THROW(empty.numel(), irc::RuntimeError);
}

} // namespace
