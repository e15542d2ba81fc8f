//===- PartitionTest.cpp - Partitions against the reference backend -------===//
//
// The op suite shared by the backends that run partitions: each test is a
// small function whose tensors are typed `tensor` and whose arguments get
// static float32 shapes (odd and prime sizes) before infer-shapes and the
// backend's partition pass run. The op under test must end up in a
// partition; the module then runs on the reference backend (which runs a
// partition op by op) and on the backend (XNNPACK with 1 and 2 threads;
// Vulkan on its device under the validation layer, any message failing the
// run) on the same pseudo-random inputs, and the results must agree within
// 1e-4 * max(1, max|ref|). `Partition/*` tests run on both backends (the IR
// is written with XNNPACK's packed ops, renamed to `vk.*` for Vulkan);
// `XnnpackPartition.*` and `VulkanPartition.*` only on one.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtils.h"
#include "TestUtils.h"
#include "backends/lowering/Lowering.h"
#include "backends/vulkan/VulkanKernels.h"
#include "backends/xnnpack/XnnpackKernels.h"
#include "ir/AsmParser.h"
#include "ir/Module.h"
#include "passes/InferShapes.h"
#include "passes/PassManager.h"

#include <cmath>
#include <cstdio>
#include <functional>

using namespace irc;
using namespace irc::test;

namespace {

/// A backend that runs partitions.
struct Backend {
  const char *name;     // the runtime backend
  const char *pipeline; // its partition pass
  OpId partition;
  const char *prefix; // of its packed ops: the suite's `xnn.` becomes this
};
const Backend Xnnpack{rt::xnnpack::Backend, "xnnpack-partition",
                      OpId::XnnPartition, "xnn."};
const Backend Vulkan{rt::vulkan::Backend, "vulkan-partition", OpId::VkPartition,
                     "vk."};
/// The backend of the running test (its fixture sets it).
const Backend *backend = &Xnnpack;

/// Why the tests cannot run on Vulkan here, or "" (validation on).
std::string vulkanUnavailable() {
  static const std::string why = [] {
    setenv("IRC_VULKAN_VALIDATION", "1", 0);
    try {
      rt::vulkan::deviceDescription();
      return std::string();
    } catch (const rt::Error &e) {
      return std::string(e.what());
    }
  }();
  return why;
}

class Partition : public testing::TestWithParam<const Backend *> {
protected:
  void SetUp() override {
    backend = GetParam();
    if (backend == &Vulkan && !vulkanUnavailable().empty())
      GTEST_SKIP() << "no Vulkan device: " << vulkanUnavailable();
  }
};
INSTANTIATE_TEST_SUITE_P(Backends, Partition,
                         testing::Values(&Xnnpack, &Vulkan),
                         [](const testing::TestParamInfo<const Backend *> &i) {
                           return std::string(i.param->name);
                         });

class XnnpackPartition : public testing::Test {
protected:
  void SetUp() override { backend = &Xnnpack; }
};

class VulkanPartition : public testing::Test {
protected:
  void SetUp() override {
    backend = &Vulkan;
    if (!vulkanUnavailable().empty())
      GTEST_SKIP() << "no Vulkan device: " << vulkanUnavailable();
  }
};

/// Deterministic values in [-3, 3] at least 0.1 away from 0 (so that
/// divisions stay finite).
rt::Tensor input(const rt::Shape &sizes, unsigned seed) {
  std::vector<double> v(size_t(rt::numelOf(sizes)));
  unsigned x = seed * 2654435761u + 7;
  for (double &d : v) {
    x = x * 1103515245u + 12345u;
    double u = double((x >> 8) % 2001) / 1000.0 - 1.0;
    d = (u < 0 ? -0.1 : 0.1) + 2.9 * u;
  }
  return tensorOf(sizes, v);
}

/// `dense<[...]> : tensor<AxBxf32>` with values in [-1, 1].
std::string dense(const rt::Shape &sizes, unsigned seed) {
  std::string s = "dense<[", type = "tensor<";
  unsigned x = seed * 40503u + 11;
  for (int64_t i = 0; i < rt::numelOf(sizes); ++i) {
    x = x * 1103515245u + 12345u;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.3f", i ? ", " : "",
                  double((x >> 8) % 2001) / 1000.0 - 1.0);
    s += buf;
  }
  for (int64_t d : sizes)
    type += std::to_string(d) + "x";
  return s + "]> : " + type + "f32>";
}

std::string shapeType(const rt::Shape &sizes) {
  std::string t = "tensor<";
  for (int64_t d : sizes)
    t += std::to_string(d) + "x";
  return t + "f32>";
}

/// The results of @f, tensors from tuples and lists depth first.
void flatten(const rt::Value &v, std::vector<rt::Tensor> &out) {
  if (v.isTuple() || v.isList()) {
    for (const rt::Value &item : v.items())
      flatten(item, out);
    return;
  }
  ASSERT_TRUE(v.isTensor()) << v.describe();
  out.push_back(v.toTensor());
}

/// What the xnnpack runs of a check() are prepared with (the threads are
/// the check's), and what their plans must hold.
struct Preparation {
  rt::xnnpack::PrepareOptions options;
  std::function<void(const rt::xnnpack::PlanSummary &)> expect;
};

/// Lowers `module` for `backend` (preparing it with `threads` threads for
/// xnnpack) and runs @f on `args`.
std::vector<rt::Tensor> runOn(Operation *module, const char *backend,
                              size_t threads,
                              const std::vector<rt::Value> &args,
                              const Preparation &prep = {}) {
  rt::KernelRegistry registry;
  bool xnnpack = std::string(backend) == rt::xnnpack::Backend,
       vulkan = std::string(backend) == rt::vulkan::Backend;
  if (xnnpack)
    rt::xnnpack::registerKernels(registry);
  else if (vulkan)
    rt::vulkan::registerKernels(registry);
  else
    rt::ref::registerKernels(registry);
  rt::Plan plan;
  std::vector<rt::Tensor> out;
  EXPECT_TRUE(succeeded(lowerToPlan(module, registry, backend, plan)));
  if (xnnpack) {
    rt::xnnpack::PrepareOptions options = prep.options;
    options.threads = threads;
    rt::xnnpack::PlanSummary summary = rt::xnnpack::preparePlan(plan, options);
    EXPECT_GE(summary.partitions, 1u);
    if (prep.expect)
      prep.expect(summary);
  }
  if (vulkan)
    EXPECT_GE(rt::vulkan::preparePlan(plan).partitions, 1u);
  for (const rt::Value &r :
       rt::run(plan, plan.functions[plan.findFunction("f")], args))
    flatten(r, out);
  return out;
}

/// Parses `ir` (a module with a function @f whose tensors are `tensor`),
/// gives @f's arguments the float32 shapes `shapes`, runs infer-shapes and
/// the backend's partition pass, checks that every `op` is now inside a
/// partition, and compares the backend (XNNPACK prepared as `prep` says)
/// with the reference one. With `lowered` false, checks instead that the
/// pass leaves `op` out.
void check(const std::string &ir, const std::vector<rt::Shape> &shapes,
           llvm::StringRef op, bool lowered = true,
           const Preparation &prep = {}) {
  // The suite writes XNNPACK's packed ops; other backends have their own.
  std::string text = ir, opName = op.str();
  for (std::string *t : {&text, &opName})
    for (size_t at = 0; (at = t->find("xnn.", at)) != std::string::npos; ++at)
      t->replace(at, 4, backend->prefix);
  Context ctx;
  DiagCapture diags(ctx);
  std::optional<Module> module = parseSourceString(text, ctx);
  ASSERT_TRUE(module) << diags.str() << text;
  Operation *func = nullptr;
  for (FuncOp f : module->getFunctions())
    if (f.getName() == "f")
      func = f.getOperation();
  ASSERT_TRUE(func);
  llvm::SmallVector<Type, 4> types;
  for (const rt::Shape &s : shapes)
    types.push_back(parseType(shapeType(s), ctx));
  std::string error;
  ASSERT_TRUE(succeeded(specializeArguments(func, types, error)))
      << error << text;
  PassManager pm;
  ASSERT_EQ(pm.addPipeline(std::string("infer-shapes,") + backend->pipeline),
            "");
  ASSERT_TRUE(succeeded(pm.run(module->getOperation()))) << diags.str() << text;

  int inside = 0, outside = 0;
  func->walk([&](Operation *o) {
    if (o->getName() == opName)
      ++(o->getParentOfType(backend->partition) ? inside : outside);
  });
  std::string printed;
  llvm::raw_string_ostream os(printed);
  module->getOperation()->print(os);
  if (!lowered) {
    EXPECT_EQ(inside, 0) << opName << " is in a partition:\n" << os.str();
    EXPECT_GT(outside, 0) << os.str();
    return;
  }
  ASSERT_GT(inside, 0) << opName << " is in no partition:\n" << os.str();
  ASSERT_EQ(outside, 0) << opName << " stays out of partitions:\n" << os.str();

  std::vector<rt::Value> args;
  for (size_t i = 0; i < shapes.size(); ++i)
    args.emplace_back(input(shapes[i], unsigned(i + 1)));
  std::vector<rt::Tensor> want =
      runOn(module->getOperation(), rt::ref::Backend, 1, args);
  for (size_t threads : {1, 2}) {
    if (threads == 2 && backend != &Xnnpack)
      break;
    SCOPED_TRACE(testing::Message() << threads << " threads\n" << os.str());
    std::vector<rt::Tensor> got;
    try {
      got = runOn(module->getOperation(), backend->name, threads, args, prep);
    } catch (const rt::Error &e) {
      FAIL() << "xnnpack: " << e.what();
    }
    ASSERT_EQ(got.size(), want.size());
    for (size_t r = 0; r < want.size(); ++r) {
      ASSERT_EQ(got[r].sizes(), want[r].sizes()) << "result " << r;
      ASSERT_EQ(got[r].dtype(), rt::DType::F32) << "result " << r;
      std::vector<double> g = valuesOf(got[r]), w = valuesOf(want[r]);
      double scale = 1, worst = 0;
      size_t at = 0;
      for (double v : w)
        scale = std::max(scale, std::abs(v));
      for (size_t i = 0; i < w.size(); ++i) {
        double d = std::isnan(g[i]) || std::isnan(w[i])
                       ? (std::isnan(g[i]) && std::isnan(w[i]) ? 0 : INFINITY)
                       : std::abs(g[i] - w[i]);
        if (d > worst)
          worst = d, at = i;
      }
      EXPECT_LE(worst, 1e-4 * scale)
          << "result " << r << " element " << at << ": xnnpack " << g[at]
          << ", reference " << w[at];
    }
  }
}

/// A one-op function of `x` (and `y`): `body` defines %r from %x (and %y).
std::string fn(const std::string &body, int args = 1,
               const std::string &consts = "") {
  return consts + "func @f(%x: tensor" + (args > 1 ? ", %y: tensor" : "") +
         (args > 2 ? ", %z: tensor" : "") + ") -> tensor {\n" + body +
         "  return %r : tensor\n}\n";
}

// Convolutions with folded parameters -------------------------------------

/// xnn.conv2d_run of an NxCxHxW input with an O-channel kHxkW kernel,
/// stride [2, 1], padding [1, 2], dilation [1, 2].
void conv(const rt::Shape &x, int64_t o, int64_t kh, int64_t kw, int64_t groups,
          const char *lo, const char *hi, bool bias = true) {
  std::string consts =
      "const @w = " + dense({o, x[1] / groups, kh, kw}, 1) + "\n" +
      (bias ? "const @b = " + dense({o}, 2) + "\n" : "") +
      "const @k = object<\"xnn.conv2d_params\"> {weight = @w, bias = " +
      (bias ? "@b" : "none") +
      ", stride = [2, 1], padding = [1, 2], dilation = [1, 2], groups = " +
      std::to_string(groups) + ", output_min = " + lo + ", output_max = " + hi +
      "} : !xnn.conv2d_params\n";
  check(fn("  %k = constant @k : !xnn.conv2d_params\n"
           "  %r = xnn.conv2d_run(%x, %k) : (tensor, !xnn.conv2d_params) -> "
           "tensor\n",
           1, consts),
        {x}, "xnn.conv2d_run");
}

TEST_P(Partition, Conv2d) { conv({2, 3, 11, 13}, 5, 3, 3, 1, "none", "none"); }
TEST_P(Partition, Conv2dNoBiasClamped) {
  conv({1, 5, 9, 7}, 7, 3, 2, 1, "-0.5", "0.75", false);
}
TEST_P(Partition, Conv2dGrouped) {
  conv({2, 6, 7, 11}, 9, 3, 3, 3, "0.0", "none");
}
TEST_P(Partition, Conv2dDepthwise) {
  conv({1, 7, 13, 11}, 7, 3, 3, 7, "none", "1.5");
}
TEST_P(Partition, Conv2dDepthwiseMultiplier) {
  conv({1, 5, 11, 9}, 10, 5, 3, 5, "-1.0", "1.0");
}

/// An ungrouped 3x3 stride-1 xnn.conv2d_run with `padding`, prepared as
/// `prep` says.
void conv3x3(const rt::Shape &x, int64_t o, int padding, const char *lo,
             const char *hi, bool bias, const Preparation &prep) {
  std::string pad = std::to_string(padding);
  std::string consts =
      "const @w = " + dense({o, x[1], 3, 3}, 5) + "\n" +
      (bias ? "const @b = " + dense({o}, 6) + "\n" : "") +
      "const @k = object<\"xnn.conv2d_params\"> {weight = @w, bias = " +
      (bias ? "@b" : "none") + ", stride = [1, 1], padding = [" + pad + ", " +
      pad + "], dilation = [1, 1], groups = 1, output_min = " + lo +
      ", output_max = " + hi + "} : !xnn.conv2d_params\n";
  check(fn("  %k = constant @k : !xnn.conv2d_params\n"
           "  %r = xnn.conv2d_run(%x, %k) : (tensor, !xnn.conv2d_params) -> "
           "tensor\n",
           1, consts),
        {x}, "xnn.conv2d_run", true, prep);
}

Preparation expectWinograd(size_t convolutions) {
  return {{}, [=](const rt::xnnpack::PlanSummary &s) {
            EXPECT_EQ(s.winogradConvolutions, convolutions);
          }};
}

// A compiled model's file may leave out parts of a partition (found by
// irc-fuzz-ircm); preparing it is one clear error, not an uncaught
// std::out_of_range.
TEST(XnnpackPrepare, MalformedPartitionsAreErrors) {
  auto prepareError = [](rt::Instr partition) -> std::string {
    rt::Plan plan;
    plan.backend = rt::xnnpack::Backend;
    plan.functions.emplace_back();
    plan.functions[0].name = "f";
    partition.kind = rt::Instr::Kind::Kernel;
    partition.opName = "xnn.partition";
    plan.functions[0].body.instrs.push_back(partition);
    try {
      rt::xnnpack::preparePlan(plan, {1});
    } catch (const rt::Error &e) {
      return e.what();
    }
    return "(prepared)";
  };
  EXPECT_EQ(prepareError({}),
            "xnn.partition: a partition has one region, not 0");
  rt::Instr relu;
  relu.kind = rt::Instr::Kind::Kernel;
  relu.opName = "aten.relu";
  relu.location = "m.py:3:4";
  rt::Instr partition;
  partition.regions.emplace_back();
  partition.regions[0].instrs.push_back(relu);
  EXPECT_EQ(prepareError(partition),
            "m.py:3:4: aten.relu: an operand, result or attribute the op "
            "needs is missing");
  // An add with its result but no operands read operands[0] unchecked.
  rt::Instr add = relu;
  add.opName = "aten.add.Tensor";
  add.results = {0};
  add.resultTypes.resize(1);
  add.resultTypes[0].kind = rt::TypeSpec::Kind::Tensor;
  add.resultTypes[0].ranked = true;
  add.resultTypes[0].sizes = {2, 3};
  add.resultTypes[0].dtype = rt::DType::F32;
  partition.regions[0].instrs = {add};
  EXPECT_EQ(prepareError(partition),
            "m.py:3:4: aten.add.Tensor: an operand, result or attribute the "
            "op needs is missing");
}

// Winograd F(4x4, 3x3): channel counts around its 64-channel blocks,
// partial tiles at the right and bottom, batches, paddings 0 to 2.
TEST_F(XnnpackPartition, Conv2dWinograd) {
  conv3x3({2, 70, 13, 11}, 33, 1, "-0.5", "none", true, expectWinograd(1));
}
TEST_F(XnnpackPartition, Conv2dWinogradUnpaddedClamped) {
  conv3x3({1, 32, 17, 19}, 65, 0, "0.0", "6.0", false, expectWinograd(1));
}
TEST_F(XnnpackPartition, Conv2dWinogradPadding2) {
  conv3x3({3, 40, 10, 9}, 128, 2, "none", "none", true, expectWinograd(1));
}
TEST_F(XnnpackPartition, Conv2dWinogradOffRunsDirect) {
  Preparation prep = expectWinograd(0);
  prep.options.winograd = false;
  conv3x3({2, 70, 13, 11}, 33, 1, "-0.5", "none", true, prep);
}
TEST_F(XnnpackPartition, Conv2dTooFewTilesForWinograd) {
  conv3x3({1, 64, 7, 7}, 64, 1, "none", "none", true, expectWinograd(0));
}

// A conv whose weights exceed the slice budget runs as one operator per
// 16 output channels here (24 * 9 * 4 bytes each: 18 fit in 16 KiB).
TEST_F(XnnpackPartition, Conv2dSlicedOutputChannels) {
  Preparation prep{{}, [](const rt::xnnpack::PlanSummary &s) {
                     EXPECT_EQ(s.packedOperators, 7u); // 6 x 16 + 4
                   }};
  prep.options.sliceBytes = 16 << 10;
  conv3x3({1, 24, 9, 7}, 100, 1, "0.0", "none", true, prep);
}

// Linear -----------------------------------------------------------------

void linear(const rt::Shape &x, int64_t o, const char *lo, const char *hi) {
  std::string consts =
      "const @w = " + dense({o, x.back()}, 3) +
      "\nconst @b = " + dense({o}, 4) +
      "\nconst @l = object<\"xnn.linear_params\"> {weight = @w, bias = @b, "
      "output_min = " +
      lo + ", output_max = " + hi + "} : !xnn.linear_params\n";
  check(fn("  %l = constant @l : !xnn.linear_params\n"
           "  %r = xnn.linear_run(%x, %l) : (tensor, !xnn.linear_params) -> "
           "tensor\n",
           1, consts),
        {x}, "xnn.linear_run");
}

TEST_P(Partition, Linear2d) { linear({3, 7}, 11, "none", "none"); }
TEST_P(Partition, Linear3dClamped) { linear({2, 5, 13}, 7, "-0.25", "0.5"); }

// Binary ops -------------------------------------------------------------

/// `name`(x, y) with alpha 1 for add and sub.
void binary(const std::string &name, const rt::Shape &x, const rt::Shape &y,
            bool swap = false) {
  bool alpha = name == "add" || name == "sub";
  std::string a = swap ? "%y" : "%x", b = swap ? "%x" : "%y";
  check(fn(std::string(alpha ? "  %one = constant 1 : i64\n" : "") +
               "  %r = aten." + name + ".Tensor(" + a + ", " + b +
               (alpha ? ", %one) : (tensor, tensor, i64)"
                      : ") : (tensor, tensor)") +
               " -> tensor\n",
           2),
        {x, y}, "aten." + name + ".Tensor");
}

/// `name`.Scalar(x, 0.75) with alpha 1 for add and sub.
void scalar(const std::string &name, const rt::Shape &x) {
  bool alpha = name == "add" || name == "sub";
  check(fn(std::string(alpha ? "  %one = constant 1 : i64\n" : "") +
           "  %s = constant 0.75 : f64\n  %r = aten." + name +
           ".Scalar(%x, %s" +
           (alpha ? ", %one) : (tensor, f64, i64)" : ") : (tensor, f64)") +
           " -> tensor\n"),
        {x}, "aten." + name + ".Scalar");
}

const rt::Shape kImage = {2, 5, 7, 3};

#define BINARY_TESTS(NAME, Name)                                               \
  TEST_P(Partition, Name##SameShape) { binary(NAME, kImage, kImage); }         \
  TEST_P(Partition, Name##PerChannel) { binary(NAME, kImage, {1, 5, 1, 1}); }  \
  TEST_P(Partition, Name##PerChannelFirst) {                                   \
    binary(NAME, kImage, {1, 5, 1, 1}, true);                                  \
  }                                                                            \
  TEST_P(Partition, Name##AlongW) { binary(NAME, {2, 5, 3, 7}, {7}); }         \
  TEST_P(Partition, Name##Scalar) { scalar(NAME, kImage); }

BINARY_TESTS("add", Add)
BINARY_TESTS("sub", Sub)
BINARY_TESTS("mul", Mul)
BINARY_TESTS("div", Div)

// Unary ops --------------------------------------------------------------

/// aten.`name`(x, `params`...) with the params as f64 constants.
void unary(const std::string &name, std::vector<const char *> params = {}) {
  std::string consts, operands, types;
  for (size_t i = 0; i < params.size(); ++i) {
    std::string v = "%a" + std::to_string(i);
    consts += "  " + v + " = constant " + params[i] + " : f64\n";
    operands += ", " + v;
    types += ", f64";
  }
  check(fn(consts + "  %r = aten." + name + "(%x" + operands + ") : (tensor" +
           types + ") -> tensor\n"),
        {kImage}, "aten." + name);
}

TEST_P(Partition, Relu) { unary("relu"); }
TEST_P(Partition, Hardswish) { unary("hardswish"); }
TEST_P(Partition, Hardsigmoid) { unary("hardsigmoid"); }
TEST_P(Partition, Sigmoid) { unary("sigmoid"); }
TEST_P(Partition, Tanh) { unary("tanh"); }
TEST_P(Partition, Hardtanh) { unary("hardtanh", {"-0.5", "1.25"}); }
TEST_P(Partition, LeakyRelu) { unary("leaky_relu", {"0.2"}); }
TEST_P(Partition, Elu) { unary("elu", {"0.7", "1.0", "1.0"}); }
TEST_F(XnnpackPartition, EluScaledStaysOut) {
  check(fn("  %a = constant 0.7 : f64\n  %s = constant 2.0 : f64\n"
           "  %r = aten.elu(%x, %a, %s, %s) : (tensor, f64, f64, f64) -> "
           "tensor\n"),
        {kImage}, "aten.elu", false);
}
TEST_P(Partition, Clamp) { unary("clamp", {"-0.3", "0.6"}); }
TEST_P(Partition, ClampMinOnly) {
  check(fn("  %a = constant -0.3 : f64\n  %n = constant none : none\n"
           "  %r = aten.clamp(%x, %a, %n) : (tensor, f64, none) -> tensor\n"),
        {kImage}, "aten.clamp");
}
TEST_P(Partition, ClampMaxOnly) {
  check(fn("  %a = constant 0.4 : f64\n  %n = constant none : none\n"
           "  %r = aten.clamp(%x, %n, %a) : (tensor, none, f64) -> tensor\n"),
        {kImage}, "aten.clamp");
}

// Pooling and reductions -------------------------------------------------

void maxPool(const rt::Shape &x, const char *k, const char *s, const char *p,
             const char *d, bool ceil, bool lowered = true) {
  check(fn(std::string("  %k = constant ") + k + " : list<i64>\n" +
           "  %s = constant " + s + " : list<i64>\n" + "  %p = constant " + p +
           " : list<i64>\n" + "  %d = constant " + d + " : list<i64>\n" +
           "  %c = constant " + (ceil ? "true" : "false") +
           " : bool\n"
           "  %r = aten.max_pool2d(%x, %k, %s, %p, %d, %c) : (tensor, "
           "list<i64>, list<i64>, list<i64>, list<i64>, bool) -> tensor\n"),
        {x}, "aten.max_pool2d", lowered);
}

const rt::Shape kPoolInput = {2, 3, 12, 13};

TEST_P(Partition, MaxPool2d) {
  maxPool(kPoolInput, "[3, 2]", "[2, 1]", "[1, 1]", "[1, 1]", false);
}
TEST_P(Partition, MaxPool2dCeilMode) {
  maxPool(kPoolInput, "[3, 2]", "[2, 1]", "[1, 1]", "[1, 1]", true);
}
TEST_P(Partition, MaxPool2dDilated) {
  maxPool(kPoolInput, "[3, 2]", "[2, 1]", "[0, 0]", "[2, 2]", false);
}
TEST_P(Partition, MaxPool2dDilatedCeilMode) {
  maxPool(kPoolInput, "[3, 2]", "[2, 1]", "[0, 0]", "[2, 2]", true);
}
// XNNPACK (February 2022) reads pixels outside a dilated window that
// overlaps the padding, so those stay out of partitions.
TEST_F(XnnpackPartition, MaxPool2dDilatedPaddedStaysOut) {
  maxPool(kPoolInput, "[3, 2]", "[2, 1]", "[1, 1]", "[2, 1]", false, false);
}
TEST_F(XnnpackPartition, MaxPool2dDilatedPaddedCeilModeStaysOut) {
  maxPool(kPoolInput, "[3, 2]", "[2, 1]", "[1, 1]", "[2, 1]", true, false);
}

TEST_P(Partition, AvgPool2d) {
  check(fn("  %k = constant [3, 2] : list<i64>\n"
           "  %s = constant [2, 3] : list<i64>\n"
           "  %p = constant [0, 0] : list<i64>\n"
           "  %f = constant false : bool\n  %t = constant true : bool\n"
           "  %n = constant none : none\n"
           "  %r = aten.avg_pool2d(%x, %k, %s, %p, %f, %t, %n) : (tensor, "
           "list<i64>, list<i64>, list<i64>, bool, bool, none) -> tensor\n"),
        {{2, 5, 11, 13}}, "aten.avg_pool2d");
}

TEST_P(Partition, AdaptiveAvgPool2d) {
  check(fn("  %o = constant [1, 1] : list<i64>\n"
           "  %r = aten.adaptive_avg_pool2d(%x, %o) : (tensor, list<i64>) -> "
           "tensor\n"),
        {{2, 5, 7, 3}}, "aten.adaptive_avg_pool2d");
}

void mean(bool keepdim) {
  check(fn(std::string("  %d = constant [2, 3] : list<i64>\n"
                       "  %k = constant ") +
           (keepdim ? "true" : "false") +
           " : bool\n  %n = constant none : none\n"
           "  %r = aten.mean.dim(%x, %d, %k, %n) : (tensor, list<i64>, bool, "
           "none) -> tensor\n"),
        {{3, 5, 7, 11}}, "aten.mean.dim");
}

TEST_P(Partition, MeanKeepdim) { mean(true); }
TEST_P(Partition, Mean) { mean(false); }

TEST_P(Partition, Softmax) {
  check(fn("  %d = constant 1 : i64\n  %n = constant none : none\n"
           "  %r = aten.softmax.int(%x, %d, %n) : (tensor, i64, none) -> "
           "tensor\n"),
        {{5, 13}}, "aten.softmax.int");
}

// Data movement ----------------------------------------------------------

void pad(const rt::Shape &x, const char *value) {
  check(fn(std::string("  %p = constant [1, 2, 0, 3] : list<i64>\n"
                       "  %m = constant \"constant\" : str\n  %v = constant ") +
           value + (std::string(value) == "none" ? " : none" : " : f64") +
           "\n  %r = aten.pad(%x, %p, %m, %v) : (tensor, list<i64>, str, " +
           (std::string(value) == "none" ? "none" : "f64") + ") -> tensor\n"),
        {x}, "aten.pad");
}

TEST_F(XnnpackPartition, PadConstant) { pad({2, 3, 5, 7}, "0.5"); }
TEST_F(XnnpackPartition, PadZero) { pad({2, 3, 5, 7}, "none"); }
TEST_F(XnnpackPartition, Pad2d) { pad({5, 7}, "-1.5"); }

void channelShuffle(const rt::Shape &x, int groups, bool lowered = true) {
  check(fn("  %g = constant " + std::to_string(groups) +
           " : i64\n  %r = aten.channel_shuffle(%x, %g) : (tensor, i64) -> "
           "tensor\n"),
        {x}, "aten.channel_shuffle", lowered);
}

TEST_F(XnnpackPartition, ChannelShuffle) { channelShuffle({2, 12, 5, 7}, 3); }
TEST_F(XnnpackPartition, ChannelShuffleGroupsOfOne) {
  channelShuffle({1, 6, 3, 5}, 6);
}
TEST_F(XnnpackPartition, ChannelShuffle3dStaysOut) {
  channelShuffle({2, 6, 5}, 2, false);
}

TEST_P(Partition, FlattenAfterGlobalPooling) {
  check(fn("  %o = constant [1, 1] : list<i64>\n"
           "  %g = aten.adaptive_avg_pool2d(%x, %o) : (tensor, list<i64>) -> "
           "tensor\n"
           "  %one = constant 1 : i64\n  %last = constant -1 : i64\n"
           "  %r = aten.flatten.using_ints(%g, %one, %last) : (tensor, i64, "
           "i64) -> tensor\n"),
        {{2, 7, 5, 3}}, "aten.flatten.using_ints");
}

TEST_P(Partition, ClassifierHead) {
  std::string consts =
      "const @w = " + dense({11, 7}, 5) +
      "\nconst @l = object<\"xnn.linear_params\"> {weight = @w, bias = none, "
      "output_min = none, output_max = none} : !xnn.linear_params\n";
  check(fn("  %o = constant [1, 1] : list<i64>\n"
           "  %g = aten.adaptive_avg_pool2d(%x, %o) : (tensor, list<i64>) -> "
           "tensor\n"
           "  %one = constant 1 : i64\n  %last = constant -1 : i64\n"
           "  %v = aten.flatten.using_ints(%g, %one, %last) : (tensor, i64, "
           "i64) -> tensor\n"
           "  %l = constant @l : !xnn.linear_params\n"
           "  %r = xnn.linear_run(%v, %l) : (tensor, !xnn.linear_params) -> "
           "tensor\n",
           1, consts),
        {{2, 7, 5, 3}}, "aten.flatten.using_ints");
}

TEST_P(Partition, UnsqueezeAndSqueeze) {
  check(fn("  %s = aten.relu(%x) : (tensor) -> tensor\n"
           "  %d = constant 1 : i64\n"
           "  %u = aten.unsqueeze(%s, %d) : (tensor, i64) -> tensor\n"
           "  %t = aten.tanh(%u) : (tensor) -> tensor\n"
           "  %r = aten.squeeze.dim(%t, %d) : (tensor, i64) -> tensor\n"),
        {{3, 7}}, "aten.unsqueeze");
}

TEST_P(Partition, Cat) {
  check(fn("  %l = prim.list_construct(%x, %y, %z) : (tensor, tensor, tensor) "
           "-> list<tensor>\n"
           "  %one = constant 1 : i64\n"
           "  %r = aten.cat(%l, %one) : (list<tensor>, i64) -> tensor\n",
           3),
        {{2, 3, 5, 7}, {2, 1, 5, 7}, {2, 4, 5, 7}}, "aten.cat");
}

void chunk(int64_t channels) {
  check("func @f(%x: tensor) -> (tensor, tensor, tensor) {\n"
        "  %s = aten.sigmoid(%x) : (tensor) -> tensor\n"
        "  %three = constant 3 : i64\n  %one = constant 1 : i64\n"
        "  %l = aten.chunk(%s, %three, %one) : (tensor, i64, i64) -> "
        "list<tensor>\n"
        "  %a, %b, %c = prim.list_unpack(%l) : (list<tensor>) -> (tensor, "
        "tensor, tensor)\n"
        "  return %a, %b, %c : tensor, tensor, tensor\n}\n",
        {{2, channels, 5, 7}}, "aten.chunk");
}

TEST_P(Partition, Chunk) { chunk(9); }
TEST_P(Partition, ChunkUneven) { chunk(7); }

} // namespace

// Vulkan only --------------------------------------------------------------

namespace {

TEST_F(VulkanPartition, MaxPool2dDilatedPadded) {
  maxPool(kPoolInput, "[3, 2]", "[2, 1]", "[1, 1]", "[2, 1]", true);
}
TEST_F(VulkanPartition, EluScaled) {
  check(fn("  %a = constant 0.7 : f64\n  %s = constant 2.0 : f64\n"
           "  %i = constant 1.5 : f64\n"
           "  %r = aten.elu(%x, %a, %s, %i) : (tensor, f64, f64, f64) -> "
           "tensor\n"),
        {kImage}, "aten.elu");
}
TEST_F(VulkanPartition, AddAlphaBroadcastBothWays) {
  check(fn("  %two = constant 2.5 : f64\n"
           "  %r = aten.add.Tensor(%x, %y, %two) : (tensor, tensor, f64) -> "
           "tensor\n",
           2),
        {{2, 1, 5, 1}, {3, 1, 7}}, "aten.add.Tensor");
}
TEST_F(VulkanPartition, SoftmaxOverChannels) {
  check(fn("  %d = constant 1 : i64\n  %n = constant none : none\n"
           "  %r = aten.softmax.int(%x, %d, %n) : (tensor, i64, none) -> "
           "tensor\n"),
        {{2, 5, 3, 7}}, "aten.softmax.int");
}
TEST_F(VulkanPartition, LogSoftmax) {
  check(fn("  %d = constant -1 : i64\n  %n = constant none : none\n"
           "  %r = aten.log_softmax.int(%x, %d, %n) : (tensor, i64, none) -> "
           "tensor\n"),
        {{3, 11}}, "aten.log_softmax.int");
}
TEST_F(VulkanPartition, SumOverChannels) {
  check(fn("  %d = constant [1] : list<i64>\n  %k = constant true : bool\n"
           "  %n = constant none : none\n"
           "  %r = aten.sum.dim_IntList(%x, %d, %k, %n) : (tensor, list<i64>, "
           "bool, none) -> tensor\n"),
        {{2, 5, 3, 7}}, "aten.sum.dim_IntList");
}
TEST_F(VulkanPartition, Permute) {
  check(fn("  %p = constant [2, 0, 3, 1] : list<i64>\n"
           "  %r = aten.permute(%x, %p) : (tensor, list<i64>) -> tensor\n"),
        {{2, 3, 5, 7}}, "aten.permute");
}
TEST_F(VulkanPartition, Transpose) {
  check(fn("  %a = constant 0 : i64\n  %b = constant -1 : i64\n"
           "  %r = aten.transpose.int(%x, %a, %b) : (tensor, i64, i64) -> "
           "tensor\n"),
        {{3, 5, 7}}, "aten.transpose.int");
}
TEST_F(VulkanPartition, ConvTranspose2d) {
  std::string consts =
      "const @w = " + dense({6, 2, 3, 2}, 7) + "\nconst @b = " + dense({4}, 8) +
      "\nconst @k = object<\"vk.conv_transpose2d_params\"> {weight = @w, "
      "bias = @b, stride = [2, 1], padding = [1, 0], output_padding = [1, 0], "
      "dilation = [1, 2], groups = 2, output_min = none, output_max = 1.5} : "
      "!vk.conv_transpose2d_params\n";
  check(fn("  %k = constant @k : !vk.conv_transpose2d_params\n"
           "  %r = vk.conv_transpose2d_run(%x, %k) : (tensor, "
           "!vk.conv_transpose2d_params) -> tensor\n",
           1, consts),
        {{2, 6, 5, 7}}, "vk.conv_transpose2d_run");
}

TEST_F(VulkanPartition, LayerNorm) {
  check(fn("  %s = constant [5, 7] : list<i64>\n"
           "  %e = constant 1.0e-5 : f64\n  %t = constant true : bool\n"
           "  %r = aten.layer_norm(%x, %s, %y, %z, %e, %t) : (tensor, "
           "list<i64>, tensor, tensor, f64, bool) -> tensor\n",
           3),
        {{3, 5, 7}, {5, 7}, {5, 7}}, "aten.layer_norm");
}
TEST_F(VulkanPartition, LayerNormWithoutAffine) {
  check(fn("  %s = constant [7] : list<i64>\n  %n = constant none : none\n"
           "  %e = constant 1.0e-5 : f64\n  %t = constant true : bool\n"
           "  %r = aten.layer_norm(%x, %s, %n, %n, %e, %t) : (tensor, "
           "list<i64>, none, none, f64, bool) -> tensor\n"),
        {{3, 5, 7}}, "aten.layer_norm");
}
TEST_F(VulkanPartition, Bmm) {
  check(fn("  %r = aten.bmm(%x, %y) : (tensor, tensor) -> tensor\n", 2),
        {{3, 5, 7}, {3, 7, 2}}, "aten.bmm");
}
TEST_F(VulkanPartition, MatmulByMatrix) {
  check(fn("  %r = aten.matmul(%x, %y) : (tensor, tensor) -> tensor\n", 2),
        {{2, 3, 5, 7}, {7, 4}}, "aten.matmul");
}

TEST_F(VulkanPartition, SelectNegativeIndex) {
  check(fn("  %d = constant 1 : i64\n  %i = constant -2 : i64\n"
           "  %r = aten.select.int(%x, %d, %i) : (tensor, i64, i64) -> "
           "tensor\n"),
        {{3, 5, 7}}, "aten.select.int");
}
TEST_F(VulkanPartition, SliceWithStep) {
  check(fn("  %d = constant -1 : i64\n  %a = constant 1 : i64\n"
           "  %b = constant 100 : i64\n  %s = constant 3 : i64\n"
           "  %r = aten.slice.Tensor(%x, %d, %a, %b, %s) : (tensor, i64, i64, "
           "i64, i64) -> tensor\n"),
        {{3, 5, 8}}, "aten.slice.Tensor");
}

/// An embedding gathers rows of its weight by int64 indices that come from
/// the host; they are checked there, as PyTorch does, before the run.
TEST_F(VulkanPartition, Embedding) {
  Context ctx;
  std::string ir = "const @w = " + dense({7, 5}, 3) +
                   "\nfunc @f(%i: tensor<2x3xi64>) -> tensor<2x3x5xf32> {\n"
                   "  %w = constant @w : tensor<7x5xf32>\n"
                   "  %n = constant -1 : i64\n  %f = constant false : bool\n"
                   "  %r = aten.embedding(%w, %i, %n, %f, %f) : "
                   "(tensor<7x5xf32>, tensor<2x3xi64>, i64, bool, bool) -> "
                   "tensor<2x3x5xf32>\n"
                   "  return %r : tensor<2x3x5xf32>\n}\n";
  std::optional<Module> module = parseSourceString(ir, ctx);
  ASSERT_TRUE(module);
  std::vector<rt::Value> args{
      rt::Value(rt::Tensor::zeros(rt::DType::I64, {2, 3}))};
  int64_t *ids = args[0].toTensor().mutableData<int64_t>();
  for (int64_t i = 0; i < 6; ++i)
    ids[i] = (i * 5 + 2) % 7;
  std::vector<rt::Tensor> want =
      runOn(module->getOperation(), rt::ref::Backend, 1, args);
  PassManager pm;
  ASSERT_EQ(pm.addPipeline("vulkan-partition"), "");
  ASSERT_TRUE(succeeded(pm.run(module->getOperation())));
  std::vector<rt::Tensor> got =
      runOn(module->getOperation(), rt::vulkan::Backend, 1, args);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(valuesOf(got[0]), valuesOf(want[0])); // a gather is exact
  ids[4] = 7;
  try {
    runOn(module->getOperation(), rt::vulkan::Backend, 1, args);
    ADD_FAILURE() << "an index out of range ran";
  } catch (const rt::Error &e) {
    EXPECT_NE(std::string(e.what()).find("index out of range in self"),
              std::string::npos)
        << e.what();
  }
}

/// Repeated runs allocate no Vulkan memory: everything is made when the
/// plan is prepared.
TEST_F(VulkanPartition, RunsAllocateNothing) {
  Context ctx;
  std::optional<Module> module = parseSourceString(
      "func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {\n"
      "  %s = aten.sigmoid(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>\n"
      "  %r = aten.tanh(%s) : (tensor<2x3xf32>) -> tensor<2x3xf32>\n"
      "  return %r : tensor<2x3xf32>\n}\n",
      ctx);
  ASSERT_TRUE(module);
  PassManager pm;
  ASSERT_EQ(pm.addPipeline("vulkan-partition"), "");
  ASSERT_TRUE(succeeded(pm.run(module->getOperation())));
  rt::KernelRegistry registry;
  rt::vulkan::registerKernels(registry);
  rt::Plan plan;
  ASSERT_TRUE(succeeded(lowerToPlan(module->getOperation(), registry,
                                    rt::vulkan::Backend, plan)));
  EXPECT_EQ(rt::vulkan::preparePlan(plan).dispatches, 2u);
  const rt::Function &f = plan.functions[plan.findFunction("f")];
  rt::Value x(input({2, 3}, 1));
  rt::run(plan, f, {x});
  size_t allocations = rt::vulkan::memoryAllocations();
  for (int i = 0; i < 3; ++i)
    rt::run(plan, f, {x});
  EXPECT_EQ(rt::vulkan::memoryAllocations(), allocations);
}

} // namespace
