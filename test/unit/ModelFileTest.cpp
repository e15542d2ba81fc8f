//===- ModelFileTest.cpp - Compiled models (.ircm) ------------------------===//
//
// A plan saved and loaded runs exactly as before (constants, calls, ifs,
// loops, list literals, objects, mapped and writable tensors), and every
// kind of damage to a file, at the byte level or inside a header that is
// re-serialized with a valid checksum, gives one Error that names the file
// and the problem, never a crash.
//
//===----------------------------------------------------------------------===//

#include "runtime/ModelFile.h"
#include "TestUtils.h"
#include "backends/lowering/Lowering.h"
#include "backends/reference/ReferenceKernels.h"
#include "ir/AsmParser.h"
#include "ircm.pb.h"

#include "gtest/gtest.h"
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

using namespace irc;

namespace {

const char *const Source = R"(
const @w = blob<"w"> : tensor<2x3xf32>
const @b = dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
func @helper(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = aten.relu(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}
func @forward(%x: tensor<2x3xf32>, %n: i64) -> (tensor<2x3xf32>, i64) {
  %w = constant @w : tensor<2x3xf32>
  %b = constant @b : tensor<3xf32>
  %one = constant 1 : i64
  %y = aten.add.Tensor(%x, %w, %one) : (tensor<2x3xf32>, tensor<2x3xf32>, i64) -> tensor<2x3xf32>
  %z = aten.add.Tensor(%y, %b, %one) : (tensor<2x3xf32>, tensor<3xf32>, i64) -> tensor<2x3xf32>
  %zero = constant 0 : i64
  %c = aten.gt.int(%n, %zero) : (i64, i64) -> bool
  %r = prim.if %c -> tensor<2x3xf32> {
    %t = call @helper(%z) : (tensor<2x3xf32>) -> tensor<2x3xf32>
    prim.yield %t : tensor<2x3xf32>
  } else {
    %u = aten.neg(%z) : (tensor<2x3xf32>) -> tensor<2x3xf32>
    prim.yield %u : tensor<2x3xf32>
  }
  %true = constant true : bool
  %s = prim.loop %n, %true iter(%i, %acc = %zero) -> i64 {
    %a = aten.add.int(%acc, %i) : (i64, i64) -> i64
    prim.yield %true, %a : bool, i64
  }
  %l = constant [1, 2, 3] : list<i64>
  %len = aten.len.t(%l) : (list<i64>) -> i64
  %p = constant object<"__torch__.P"> (@w, [4, 5], {"k": 2.5}) : object<"__torch__.P">
  %sum = aten.add.int(%s, %len) : (i64, i64) -> i64
  return %r, %sum : tensor<2x3xf32>, i64
}
blobs {
  "w" = "0x0000803F000000C00000404000008040000000410000C0C0"
}
)";

rt::KernelRegistry refKernels() {
  rt::KernelRegistry r;
  rt::ref::registerKernels(r);
  return r;
}

rt::Plan makePlan() {
  Context ctx;
  std::optional<Module> module = parseSourceString(Source, ctx);
  EXPECT_TRUE(module);
  rt::Plan plan;
  EXPECT_TRUE(succeeded(lowerToPlan(module->getOperation(), refKernels(),
                                    rt::ref::Backend, plan)));
  return plan;
}

std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

/// The bytes of a valid model file.
const std::string &validFile() {
  static const std::string bytes = [] {
    test::TempFile file("modelfile-valid.ircm");
    rt::saveModelFile(makePlan(), file.str(), {"ModelFileTest", "Source"});
    return readBytes(file.str());
  }();
  return bytes;
}

uint64_t u64At(const std::string &b, size_t at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = v << 8 | uint8_t(b[at + size_t(i)]);
  return v;
}
void setU32(std::string &b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b[at + size_t(i)] = char(v >> (8 * i));
}
void setU64(std::string &b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    b[at + size_t(i)] = char(v >> (8 * i));
}

/// Recomputes the CRC-32 as the format defines it: bytes [0, 32) and
/// [40, end).
void fixChecksum(std::string &b) {
  auto *p = reinterpret_cast<const Bytef *>(b.data());
  uLong crc = crc32(0L, p, 32);
  crc = crc32(crc, p + 40, uInt(b.size() - 40));
  setU32(b, 32, uint32_t(crc));
}

/// The header and weights of the valid file.
ircm::Model validModel() {
  const std::string &b = validFile();
  ircm::Model m;
  EXPECT_TRUE(m.ParseFromString(b.substr(40, size_t(u64At(b, 8)))));
  return m;
}
std::string validWeights() {
  const std::string &b = validFile();
  return b.substr(size_t(u64At(b, 16)));
}

/// A well-formed file (prefix, padding, checksum) around `header`.
std::string assemble(const std::string &header, const std::string &weights) {
  uint64_t weightsOffset = (40 + header.size() + 63) / 64 * 64;
  std::string b(weightsOffset, '\0');
  std::memcpy(&b[0], "IRCM", 4);
  setU32(b, 4, rt::ModelFileVersion);
  setU64(b, 8, header.size());
  setU64(b, 16, weightsOffset);
  setU64(b, 24, weights.size());
  std::memcpy(&b[40], header.data(), header.size());
  b += weights;
  fixChecksum(b);
  return b;
}

/// Loads `bytes` and returns the error ("" when it loads).
std::string loadError(const std::string &name, const std::string &bytes) {
  test::TempFile file("modelfile-" + name + ".ircm");
  const std::string &path = file.str();
  writeBytes(path, bytes);
  std::string message;
  try {
    rt::loadModelFile(path, refKernels());
  } catch (const rt::Error &e) {
    message = e.what();
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u)
        << "the message does not start with the file: " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  return message;
}

rt::Function &forwardOf(rt::Plan &plan) {
  return plan.functions[size_t(plan.findFunction("forward"))];
}

std::vector<rt::Value> runForward(rt::Plan &plan, int64_t n) {
  rt::Tensor x = rt::Tensor::zeros(rt::DType::F32, {2, 3});
  float *d = x.mutableData<float>();
  for (int i = 0; i < 6; ++i)
    d[i] = float(i) * 0.75f - 2.0f;
  return rt::run(plan, forwardOf(plan), {rt::Value(x), rt::Value(n)});
}

TEST(ModelFile, RoundTripRunsTheSame) {
  rt::Plan original = makePlan();
  test::TempFile file("modelfile-roundtrip.ircm");
  const std::string &path = file.str();
  rt::saveModelFile(original, path, {"ModelFileTest", "Source"});
  ASSERT_TRUE(rt::isModelFile(path));
  rt::ModelFileInfo info;
  rt::Plan loaded = rt::loadModelFile(path, refKernels(), &info);
  EXPECT_EQ(info.producer, "ModelFileTest");
  EXPECT_EQ(info.source, "Source");
  EXPECT_EQ(loaded.backend, "ref");
  EXPECT_EQ(forwardOf(loaded).argNames, (std::vector<std::string>{"x", "n"}));
  EXPECT_EQ(forwardOf(loaded).argTypes[0].text, "tensor<2x3xf32>");
  for (int64_t n : {3, 0}) {
    std::vector<rt::Value> want = runForward(original, n),
                           got = runForward(loaded, n);
    ASSERT_EQ(got.size(), 2u);
    const rt::Tensor &a = want[0].toTensor(), &b = got[0].toTensor();
    ASSERT_EQ(a.sizes(), b.sizes());
    EXPECT_EQ(std::memcmp(a.rawData(), b.rawData(), 6 * sizeof(float)), 0);
    EXPECT_EQ(got[1].toInt(), want[1].toInt());
  }
  // The blob weight is mapped (read-only), the inline constant copied
  // (writable), as in the plan that was saved; objects keep their fields.
  for (size_t i = 0; i < original.constants.size(); ++i) {
    const rt::Value &a = original.constants[i], &b = loaded.constants[i];
    ASSERT_EQ(a.kind(), b.kind());
    if (a.isTensor())
      EXPECT_EQ(a.toTensor().getStorage()->isReadOnly(),
                b.toTensor().getStorage()->isReadOnly());
    if (a.isObject())
      EXPECT_EQ(a.describe(), b.describe());
  }
}

TEST(ModelFile, SharedValuesStayShared) {
  rt::Plan plan = makePlan();
  auto list = std::make_shared<rt::List>();
  list->items = {rt::Value(int64_t(1))};
  plan.constants.push_back(rt::Value(list));
  plan.constants.push_back(rt::Value::tuple({rt::Value(list)}));
  rt::Tensor base = rt::Tensor::zeros(rt::DType::F32, {4, 4});
  plan.constants.push_back(rt::Value(base));
  plan.constants.push_back(rt::Value(base.asStrided({2, 2}, {1, 4}, 5)));
  test::TempFile file("modelfile-shared.ircm");
  const std::string &path = file.str();
  rt::saveModelFile(plan, path, {});
  rt::Plan loaded = rt::loadModelFile(path, refKernels());
  size_t n = loaded.constants.size();
  loaded.constants[n - 4].toList().items.push_back(rt::Value(int64_t(2)));
  EXPECT_EQ(loaded.constants[n - 3].items()[0].items().size(), 2u);
  const rt::Tensor &whole = loaded.constants[n - 2].toTensor(),
                   &view = loaded.constants[n - 1].toTensor();
  EXPECT_EQ(whole.getStorage(), view.getStorage());
  EXPECT_EQ(view.strides(), (rt::Shape{1, 4}));
  EXPECT_EQ(view.storageOffset(), 5);
}

// Damage to the bytes -------------------------------------------------------

struct ByteCase {
  const char *name;
  std::function<void(std::string &)> damage;
  const char *error;
};

class DamagedBytes : public testing::TestWithParam<ByteCase> {};

TEST_P(DamagedBytes, GivesOneClearError) {
  std::string bytes = validFile();
  GetParam().damage(bytes);
  std::string error = loadError(GetParam().name, bytes);
  EXPECT_NE(error.find(GetParam().error), std::string::npos)
      << "got: " << (error.empty() ? "(it loaded)" : error);
}

const ByteCase ByteCases[] = {
    {"empty", [](std::string &b) { b.clear(); }, "empty file"},
    {"magic_only", [](std::string &b) { b.resize(3); }, "no IRCM magic"},
    {"short_prefix", [](std::string &b) { b.resize(39); },
     "less than the 40-byte prefix"},
    {"truncated_header", [](std::string &b) { b.resize(60); },
     "(truncated, or bytes after the end)"},
    {"truncated_weights", [](std::string &b) { b.pop_back(); },
     "(truncated, or bytes after the end)"},
    {"trailing_byte", [](std::string &b) { b.push_back('x'); },
     "(truncated, or bytes after the end)"},
    {"wrong_magic", [](std::string &b) { b[3] = 'X'; }, "no IRCM magic"},
    {"version_0", [](std::string &b) { setU32(b, 4, 0); },
     "format version 0 (this runtime reads 1)"},
    {"version_2", [](std::string &b) { setU32(b, 4, 2); }, "format version 2"},
    {"version_huge", [](std::string &b) { setU32(b, 4, 0xFFFFFFFFu); },
     "format version 4294967295"},
    {"offset_overflow", [](std::string &b) { setU64(b, 16, ~uint64_t(0) - 8); },
     "weights offset and size in the prefix overflow"},
    {"header_too_long",
     [](std::string &b) { setU64(b, 8, uint64_t(b.size())); },
     "runs past the end of the file"},
    {"weights_unaligned",
     [](std::string &b) {
       setU64(b, 16, u64At(b, 16) + 1);
       setU64(b, 24, u64At(b, 24) - 1);
       fixChecksum(b);
     },
     "is not a 64-byte boundary"},
    {"weights_inside_header",
     [](std::string &b) {
       setU64(b, 8, u64At(b, 16));
       fixChecksum(b);
     },
     "is not a 64-byte boundary after the header's end"},
    {"reserved",
     [](std::string &b) {
       b[36] = 1;
       fixChecksum(b);
     },
     "reserved field at offset 36 is not 0"},
    {"padding",
     [](std::string &b) {
       size_t end = size_t(40 + u64At(b, 8));
       ASSERT_LT(end, size_t(u64At(b, 16))) << "no padding to damage";
       b[end] = 7;
       fixChecksum(b);
     },
     "is not 0"},
    {"checksum_field", [](std::string &b) { b[33] ^= 0x10; },
     "checksum mismatch"},
    {"header_bit_flip", [](std::string &b) { b[50] ^= 0x04; },
     "checksum mismatch"},
    {"weights_bit_flip", [](std::string &b) { b[b.size() - 3] ^= 0x80; },
     "checksum mismatch"},
    {"header_garbage",
     [](std::string &b) {
       for (size_t i = 40; i < 40 + 24; ++i)
         b[i] = char(0xFF);
       fixChecksum(b);
     },
     "is not a valid model description"},
};

INSTANTIATE_TEST_SUITE_P(ModelFile, DamagedBytes, testing::ValuesIn(ByteCases),
                         [](const testing::TestParamInfo<ByteCase> &i) {
                           return std::string(i.param.name);
                         });

// Damage inside a well-formed header -----------------------------------------

struct HeaderCase {
  const char *name;
  std::function<void(ircm::Model &)> damage;
  const char *error;
};

class DamagedHeader : public testing::TestWithParam<HeaderCase> {};

TEST_P(DamagedHeader, GivesOneClearError) {
  ircm::Model m = validModel();
  GetParam().damage(m);
  std::string error = loadError(
      GetParam().name, assemble(m.SerializeAsString(), validWeights()));
  EXPECT_NE(error.find(GetParam().error), std::string::npos)
      << "got: " << (error.empty() ? "(it loaded)" : error);
}

ircm::Function &forward(ircm::Model &m) {
  for (ircm::Function &f : *m.mutable_functions())
    if (f.name() == "forward")
      return f;
  throw std::logic_error("no forward");
}
ircm::Function &helper(ircm::Model &m) {
  for (ircm::Function &f : *m.mutable_functions())
    if (f.name() == "helper")
      return f;
  throw std::logic_error("no helper");
}
/// The first instruction of forward's body of `kind`.
ircm::Instr &first(ircm::Model &m, ircm::Instr::Kind kind) {
  for (ircm::Instr &in : *forward(m).mutable_body()->mutable_instrs())
    if (in.kind() == kind)
      return in;
  throw std::logic_error("no such instruction");
}
/// The first constant that is a tensor.
ircm::Tensor &firstTensor(ircm::Model &m) {
  for (ircm::Value &v : *m.mutable_constants())
    if (v.has_tensor())
      return *v.mutable_tensor();
  throw std::logic_error("no tensor constant");
}

const HeaderCase HeaderCases[] = {
    {"unknown_backend", [](ircm::Model &m) { m.set_backend("tpu"); },
     "compiled for the 'tpu' backend, which this runtime does not have"},
    {"operand_register",
     [](ircm::Model &m) { first(m, ircm::Instr::KERNEL).set_operands(0, 999); },
     "operand register 999 is out of range"},
    {"result_register",
     [](ircm::Model &m) { first(m, ircm::Instr::KERNEL).set_results(0, 1000); },
     "result register 1000 is out of range"},
    {"argument_register",
     [](ircm::Model &m) { forward(m).mutable_body()->set_args(0, 4000); },
     "argument register 4000 is out of range"},
    {"too_many_registers",
     [](ircm::Model &m) { forward(m).set_num_registers(1u << 30); },
     "registers (at most"},
    {"constant_index",
     [](ircm::Model &m) { first(m, ircm::Instr::CONSTANT).set_index(77); },
     "one of the"},
    {"call_index",
     [](ircm::Model &m) {
       ircm::Instr &in =
           *first(m, ircm::Instr::IF).mutable_regions(0)->mutable_instrs(0);
       in.set_index(9);
     },
     "a call to function 9 of 2"},
    {"call_arity",
     [](ircm::Model &m) {
       first(m, ircm::Instr::IF)
           .mutable_regions(0)
           ->mutable_instrs(0)
           ->clear_operands();
     },
     "calls 'helper' with 0 arguments"},
    {"recursion",
     [](ircm::Model &m) {
       ircm::Function &h = helper(m);
       ircm::Instr &call = *h.mutable_body()->add_instrs();
       call.set_kind(ircm::Instr::CALL);
       call.set_op("call");
       call.set_index(uint32_t(&h - &m.functions(0)));
       call.add_operands(h.body().args(0));
       call.add_results(h.body().results(0));
       *call.add_result_types() = h.result_types(0);
     },
     "calls 'helper' recursively"},
    {"if_one_branch",
     [](ircm::Model &m) {
       first(m, ircm::Instr::IF).mutable_regions()->RemoveLast();
     },
     "an if needs a condition and two branches"},
    {"loop_operands",
     [](ircm::Model &m) { first(m, ircm::Instr::LOOP).clear_operands(); },
     "a loop needs a trip count"},
    {"region_instruction",
     [](ircm::Model &m) {
       ircm::Instr &in = first(m, ircm::Instr::IF);
       in.set_kind(ircm::Instr::REGION);
     },
     "a region instruction needs one region"},
    {"instruction_kind",
     [](ircm::Model &m) {
       first(m, ircm::Instr::KERNEL).set_kind(ircm::Instr_Kind(99));
     },
     "unknown instruction kind 99"},
    {"unknown_op",
     [](ircm::Model &m) {
       first(m, ircm::Instr::KERNEL).set_op("aten.frobnicate");
     },
     "no 'ref' kernel for op 'aten.frobnicate' in this runtime"},
    {"tensor_dtype",
     [](ircm::Model &m) { firstTensor(m).set_dtype(ircm::DType(77)); },
     "unknown dtype 77"},
    {"tensor_offset_past_end",
     [](ircm::Model &m) { firstTensor(m).set_offset(1u << 20); },
     "are not a 64-byte aligned range"},
    {"tensor_offset_unaligned",
     [](ircm::Model &m) { firstTensor(m).set_offset(8); },
     "are not a 64-byte aligned range"},
    {"tensor_nbytes_past_end",
     [](ircm::Model &m) { firstTensor(m).set_nbytes(1u << 20); },
     "are not a 64-byte aligned range"},
    {"tensor_offset_wraps",
     [](ircm::Model &m) { firstTensor(m).set_offset(~uint64_t(0) - 63); },
     "are not a 64-byte aligned range"},
    {"tensor_partial_element",
     [](ircm::Model &m) {
       firstTensor(m).set_nbytes(firstTensor(m).nbytes() - 2);
     },
     "are not a whole number of float32 elements"},
    {"tensor_strides_count",
     [](ircm::Model &m) { firstTensor(m).clear_strides(); },
     "sizes and 0 strides"},
    {"tensor_view_outside",
     [](ircm::Model &m) { firstTensor(m).set_sizes(0, 50); },
     "reaches outside its storage"},
    {"tensor_stride_overflow",
     [](ircm::Model &m) {
       firstTensor(m).set_strides(0, int64_t(1) << 62);
       firstTensor(m).set_sizes(0, 5);
     },
     "strides that overflow"},
    {"tensor_negative_size",
     [](ircm::Model &m) { firstTensor(m).set_sizes(0, -3); }, "negative size"},
    {"shared_reference",
     [](ircm::Model &m) { m.mutable_constants(0)->set_shared(42); },
     "reference to shared value 42"},
    {"dict_half",
     [](ircm::Model &m) {
       m.add_constants()->mutable_dict()->add_keys()->set_int_(1);
     },
     "a dict with 1 keys and 0 values"},
    {"type_kind",
     [](ircm::Model &m) {
       forward(m).mutable_arg_types(0)->set_kind(ircm::TypeSpec_Kind(77));
     },
     "unknown type kind 77"},
    {"type_size",
     [](ircm::Model &m) { forward(m).mutable_arg_types(0)->set_sizes(0, -9); },
     "has size -9"},
    {"type_dtype",
     [](ircm::Model &m) {
       forward(m).mutable_arg_types(0)->set_dtype(ircm::DType(31));
     },
     "unknown dtype 31"},
    {"signature", [](ircm::Model &m) { forward(m).add_result_types(); },
     "the signature says"},
    {"argument_names",
     [](ircm::Model &m) { forward(m).add_arg_names("extra"); },
     "3 argument names for 2 arguments"},
    // Found by irc-fuzz-ircm: XNNPACK's prepare read a partition argument's
    // type that the file did not have (an uncaught std::out_of_range).
    {"block_argument_types",
     [](ircm::Model &m) {
       first(m, ircm::Instr::LOOP).mutable_regions(0)->clear_arg_types();
     },
     "arguments and 0 argument types"},
    {"result_types",
     [](ircm::Model &m) { first(m, ircm::Instr::KERNEL).clear_result_types(); },
     "1 results and 0 result types"},
    // Found by irc-fuzz-ircm: a container that held itself leaked (a
    // shared_ptr cycle). Each is constant 0, so shared value 0.
    {"list_holds_itself",
     [](ircm::Model &m) {
       m.add_constants()->mutable_list()->add_items()->set_shared(0);
       m.mutable_constants()->SwapElements(0, m.constants_size() - 1);
     },
     "constant 0: shared value 0 is referenced from inside itself"},
    {"object_holds_its_list",
     [](ircm::Model &m) {
       ircm::Value *object = m.add_constants()->mutable_list()->add_items();
       ircm::NamedValue *field = object->mutable_object()->add_fields();
       field->set_name("parent");
       field->mutable_value()->set_shared(0);
       m.mutable_constants()->SwapElements(0, m.constants_size() - 1);
     },
     "constant 0: shared value 0 is referenced from inside itself"},
    {"values_too_deep",
     [](ircm::Model &m) {
       ircm::Value *v = m.add_constants();
       for (int i = 0; i < 40; ++i)
         v = v->mutable_list()->add_items();
       v->set_int_(1);
     },
     "values nested more than 32 deep"},
    {"regions_too_deep",
     [](ircm::Model &m) {
       ircm::Instr *in = forward(m).mutable_body()->add_instrs();
       for (int i = 0; i < 40; ++i) {
         in->set_kind(ircm::Instr::REGION);
         in = in->add_regions()->add_instrs();
       }
     },
     "regions nested more than 32 deep"},
};

INSTANTIATE_TEST_SUITE_P(ModelFile, DamagedHeader,
                         testing::ValuesIn(HeaderCases),
                         [](const testing::TestParamInfo<HeaderCase> &i) {
                           return std::string(i.param.name);
                         });

TEST(ModelFile, MissingFileAndNonModel) {
  EXPECT_FALSE(
      rt::isModelFile(test::tempPath("modelfile-does-not-exist.ircm")));
  try {
    rt::loadModelFile(test::tempPath("modelfile-does-not-exist.ircm"),
                      refKernels());
    ADD_FAILURE() << "a missing file loaded";
  } catch (const rt::Error &e) {
    EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos)
        << e.what();
  }
}

} // namespace
